import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { ImportReportReadModel } from '@dirsync/projections';
import { startTestServer, type TestServer } from '../testing/test-server';

const ADMIN_TOKEN = 'csv-admin-token-0123456789';
/**
 * Enough rows, with long e-mails, that their CSV (about 12 MB) is far more than the sockets hold: on
 * loopback the kernel buffers up to a few MB (Linux's tcp_wmem maximum is 4 MB) before the server
 * sees backpressure. Less than half the rows read is what a server that waits for the client gives.
 */
const ROWS = 40_000;
const DOMAIN = 'a-directory-with-a-rather-long-domain-name-for-this-test.example.com';

jest.setTimeout(180_000);

const wide = (i: number) => `${String(i).padStart(8, '0')}.with-a-long-local-part-to-make-wide-rows`;

function usersCsv(rows: number): string {
  const lines = ['UserIdentifier,UPN,EmailId,FirstName,LastName,UserName,Title,Department,Status'];
  for (let i = 0; i < rows; i++) {
    const email = `${wide(i)}@${DOMAIN}`;
    lines.push(`${email},${email},${email},First${i},Last${i},user${i},Engineer,Research,Active`);
  }
  return `${lines.join('\n')}\n`;
}

/** Counts the report rows a download reads, and whether it closed them. */
function countRowsRead(reports: ImportReportReadModel, method: 'allResults' | 'allChanges') {
  const original = reports[method].bind(reports);
  const progress = { read: 0, closed: false };
  jest.spyOn(reports, method).mockImplementation(function* (importId: string) {
    try {
      for (const row of original(importId)) {
        progress.read++;
        yield row;
      }
    } finally {
      progress.closed = true;
    }
  } as typeof original);
  return progress;
}

/** Waits until `value()` has not changed for half a second (the server stopped producing), or until `done()`. */
async function settled(value: () => number, done: () => boolean): Promise<void> {
  let last = -1;
  let still = 0;
  while (!done() && still < 5) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    still = value() === last ? still + 1 : 0;
    last = value();
  }
}

/** A download through real HTTP by a client that reads the headers and then nothing. */
function openWithoutReading(url: string): Promise<{ request: ClientRequest; response: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }, (response) => {
      response.pause();
      resolve({ request: req, response });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The CSV downloads go at the client's pace: a client that does not read holds the server to what the sockets buffer. */
describe('CSV downloads', () => {
  let server: TestServer;
  let importId: string;

  beforeAll(async () => {
    server = await startTestServer({ ETL_ADMIN_TOKEN: ADMIN_TOKEN });
    const form = new FormData();
    form.append('file', new Blob([usersCsv(ROWS)]), 'many.csv');
    const response = await fetch(`${server.base}/imports?wait=true`, { method: 'POST', body: form, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const summary = (await response.json()) as { id: string; counts: { created: number } };
    expect(summary).toMatchObject({ counts: { created: ROWS } });
    importId = summary.id;
  });
  afterAll(() => server?.stop());

  it.each([
    ['results.csv', 'allResults'],
    ['changes.csv', 'allChanges'],
  ] as const)('%s: stops reading rows while the client does not read, and closes them when it leaves', async (file, method) => {
    const progress = countRowsRead(server.app.get(ImportReportReadModel), method);
    const { request, response } = await openWithoutReading(`${server.base}/imports/${importId}/${file}`);
    expect(response.statusCode).toBe(200);
    await settled(() => progress.read, () => progress.closed);
    expect(progress.closed).toBe(false);
    expect(progress.read).toBeGreaterThan(0);
    expect(progress.read).toBeLessThan(ROWS / 2);

    request.destroy();
    await settled(() => Number(progress.closed), () => progress.closed);
    expect(progress.closed).toBe(true);
    expect(progress.read).toBeLessThan(ROWS / 2);
  });

  it('serves the whole CSV to a client that reads it', async () => {
    const text = await (await fetch(`${server.base}/imports/${importId}/results.csv`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(ROWS + 1);
    expect(lines[ROWS].startsWith(`${ROWS + 1},${wide(ROWS - 1)}@`)).toBe(true);
  });
});
