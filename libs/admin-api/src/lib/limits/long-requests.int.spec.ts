import { createServer, type Server, type Socket } from 'node:net';
import { startTestServer, type TestServer } from '../testing/test-server';

const ADMIN_TOKEN = 'long-admin-token-0123456789';
const REQUEST_TIMEOUT_MS = 300;
/** How long the slow FTP server keeps a connection, silent, before hanging up: well past the request timeout. */
const SLOW_SERVER_MS = 1_500;
// Response bodies are checked field by field below; their static type adds nothing here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Requests that may outlast ETL_REQUEST_TIMEOUT_MS answer when their work ends, not 503 while it goes on. */
describe('long requests and the request timeout', () => {
  let server: TestServer;
  let slowFtp: Server;
  const sockets = new Set<Socket>();
  let endpoint: Record<string, unknown>;

  beforeAll(async () => {
    server = await startTestServer({ ETL_ADMIN_TOKEN: ADMIN_TOKEN, ETL_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) });
    // Accepts the TCP connection, says nothing, and hangs up later: each check step waits for it.
    slowFtp = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      setTimeout(() => socket.destroy(), SLOW_SERVER_MS);
    });
    await new Promise<void>((done) => slowFtp.listen(0, '127.0.0.1', done));
    const { port } = slowFtp.address() as { port: number };
    endpoint = { host: '127.0.0.1', port, tls: 'explicit', user: 'hr', password: 'secret', remotePath: '/users.csv' };
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((done) => slowFtp?.close(done));
    await server?.stop();
  });

  const post = async (path: string, body?: unknown) => {
    const started = Date.now();
    const response = await fetch(`${server.base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json()) as Json, tookMs: Date.now() - started };
  };

  it('answers a check of an unsaved configuration once it ends, past the request timeout', async () => {
    const check = await post('/sources/check', endpoint);
    expect([check.status, check.body.ok, check.body.reach.ok]).toEqual([200, false, false]);
    expect(check.tookMs).toBeGreaterThanOrEqual(SLOW_SERVER_MS - 100);
  });

  it("answers a saved source's check once it ends, with the result it records", async () => {
    const id = (await post('/sources', { name: 'HR', ...endpoint })).body.id;
    const check = await post(`/sources/${id}/check`);
    expect([check.status, check.body.ok]).toEqual([200, false]);
    const saved = (await (await fetch(`${server.base}/sources/${id}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as Json;
    expect(saved.lastCheck).toEqual(check.body);
  });
});
