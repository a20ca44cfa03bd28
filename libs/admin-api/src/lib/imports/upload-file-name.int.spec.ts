import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startTestServer, type TestServer } from '../testing/test-server';

const sample = resolve(__dirname, '../../../../../samples/users.csv');
const ADMIN_TOKEN = 'names-admin-token-0123456789';
const authorization = `Bearer ${ADMIN_TOKEN}`;

/** An uploaded file's name is kept as the client wrote it, through real HTTP (fetch sends it as raw UTF-8, like curl and browsers). */
describe('upload file names', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ ETL_ADMIN_TOKEN: ADMIN_TOKEN });
  });
  afterAll(() => server?.stop());

  it.each(['usuários-ñ.csv', 'Überblick 社員 名簿.csv', 'plain.csv'])('keeps %s in the import and its report', async (name) => {
    const form = new FormData();
    form.append('file', new Blob([readFileSync(sample)]), name);
    const response = await fetch(`${server.base}/imports?wait=true`, { method: 'POST', body: form, headers: { authorization } });
    const summary = (await response.json()) as { id: string; fileName: string };
    expect(summary.fileName).toBe(name);
    const stored = (await (await fetch(`${server.base}/imports/${summary.id}`, { headers: { authorization } })).json()) as { fileName: string };
    expect(stored.fileName).toBe(name);
  });
});
