import { createServer, type Server } from 'node:net';
import { startTestServer, type TestServer } from './testing/test-server';

const ADMIN_TOKEN = 'wait-admin-token-0123456789';
const authorization = `Bearer ${ADMIN_TOKEN}`;
// Response bodies are checked field by field below; their static type adds nothing here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const csvForm = () => {
  const form = new FormData();
  form.append('file', new Blob(['UserIdentifier,UPN,Email\nw1,w1@example.com,w1@example.com\n']), 'users.csv');
  return form;
};

/** `?wait=` of the two requests that start an import, through the composed server: true or false, anything else 400 naming it. */
describe('the wait query parameter', () => {
  let server: TestServer;
  let sourceId: string;

  beforeAll(async () => {
    server = await startTestServer({ ETL_ADMIN_TOKEN: ADMIN_TOKEN });
    // A loopback port nobody listens on: a run against it fails at once.
    const probe: Server = createServer();
    await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
    const closedPort = (probe.address() as { port: number }).port;
    await new Promise((done) => probe.close(done));
    const config = { name: 'HR', host: '127.0.0.1', port: closedPort, tls: 'explicit', user: 'hr', password: 'secret', remotePath: '/users.csv' };
    const created = await fetch(`${server.base}/sources`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(config) });
    sourceId = ((await created.json()) as Json).id;
  });
  afterAll(() => server?.stop());

  const upload = (query: string) => fetch(`${server.base}/imports${query}`, { method: 'POST', body: csvForm(), headers: { authorization } });
  const run = (query: string) => fetch(`${server.base}/sources/${sourceId}/run${query}`, { method: 'POST', headers: { authorization } });

  it.each(['?wait=yes', '?wait=1', '?wait=', '?wait=true&wait=true'])('refuses %s on the upload and on a source run with 400 naming wait', async (query) => {
    for (const response of [await upload(query), await run(query)]) {
      const body = (await response.json()) as Json;
      expect([response.url, response.status, body.type, body.field]).toEqual([response.url, 400, 'https://dirsync.dev/problems/validation', 'wait']);
      expect(body.detail).toContain('wait must be true or false');
    }
    expect(((await (await fetch(`${server.base}/sources/${sourceId}/runs`, { headers: { authorization } })).json()) as Json).total).toBe(0);
  });

  it('refuses an unknown query parameter on both (an option belongs in the form or the source), naming it', async () => {
    for (const response of [await upload('?dryRun=true'), await run('?dryRun=true')]) {
      expect([response.status, ((await response.json()) as Json).field]).toEqual([400, 'dryRun']);
    }
  });

  it('waits with wait=true, and answers at once without wait or with wait=false', async () => {
    expect(await (await upload('?wait=true')).json()).toMatchObject({ status: 'completed' });
    for (const query of ['', '?wait=false']) expect(await (await upload(query)).json()).toMatchObject({ status: 'requested' });
    const waited = await run('?wait=true');
    expect([waited.status, ((await waited.json()) as Json).outcome]).toEqual([202, 'failed']);
  });
});
