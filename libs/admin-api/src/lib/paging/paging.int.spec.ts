import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startTestServer, type TestServer } from '../testing/test-server';

const sample = resolve(__dirname, '../../../../../samples/users.csv');
const ADMIN_TOKEN = 'paging-admin-token-0123456789';
const get = (url: string) => fetch(url, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
// Response bodies are checked field by field below; their static type adds nothing here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = async (response: Response | Promise<Response>): Promise<any> => (await response).json();

/** Query parameters of the listings, through real HTTP: whatever a token holder sends, 400 naming the parameter, never 500. */
describe('paged listings and their query parameters', () => {
  let server: TestServer;
  let importId: string;
  let paged: string[];

  beforeAll(async () => {
    server = await startTestServer({ ETL_ADMIN_TOKEN: ADMIN_TOKEN });
    const form = new FormData();
    form.append('file', new Blob([readFileSync(sample)]), 'users.csv');
    const response = await fetch(`${server.base}/imports?wait=true`, { method: 'POST', body: form, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    importId = (await json(response)).id;
    const source = await fetch(`${server.base}/sources`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'HR', host: 'ftp.example.com', tls: 'explicit', user: 'hr', password: 'secret', remotePath: '/users.csv' }),
    });
    const runs = `/sources/${(await json(source)).id}/runs`;
    paged = ['/users', `/users?asOf=${importId}`, '/imports', `/imports/${importId}/results`, `/imports/${importId}/changes`, runs].map((path) => `${server.base}${path}`);
  });
  afterAll(() => server?.stop());

  const withQuery = (url: string, query: string) => `${url}${url.includes('?') ? '&' : '?'}${query}`;

  async function expectRefused(url: string, field: string): Promise<void> {
    const response = await get(url);
    const body = await json(response);
    expect([url, response.status, body.type, body.field]).toEqual([url, 400, 'https://dirsync.dev/problems/validation', field]);
    expect(body.detail).toContain(field);
  }

  it.each([
    ['offset=99999999999999999999', 'offset'],
    ['offset=9223372036854775808', 'offset'],
    ['offset=9007199254740992', 'offset'],
    ['offset=-1', 'offset'],
    ['offset=abc', 'offset'],
    ['offset=1.5', 'offset'],
    ['offset=', 'offset'],
    ['offset=1&offset=2', 'offset'],
    ['limit=abc', 'limit'],
    ['limit=0', 'limit'],
    ['limit=-1', 'limit'],
    ['limit=1e20', 'limit'],
    ['limit=100000000000000000000', 'limit'],
    ['limit=5&limit=6', 'limit'],
  ])('refuses %s on every paged endpoint with 400 naming %s', async (query, field) => {
    for (const url of paged) await expectRefused(withQuery(url, query), field);
  });

  it('refuses a limit above each listing’s maximum, and serves the maximum', async () => {
    const maxima = [1_000, 1_000, 1_000, 10_000, 10_000, 500];
    for (const [url, max] of paged.map((u, i) => [u, maxima[i]] as const)) {
      await expectRefused(withQuery(url, `limit=${max + 1}`), 'limit');
      expect((await get(withQuery(url, `limit=${max}`))).status).toBe(200);
    }
  });

  it('refuses a repeated search, status, asOf or includeDeleted of /users with 400 naming it', async () => {
    await expectRefused(`${server.base}/users?search=a&search=b`, 'search');
    await expectRefused(`${server.base}/users?asOf=${importId}&search=a&search=b`, 'search');
    await expectRefused(`${server.base}/users?asOf=${importId}&asOf=${importId}`, 'asOf');
    await expectRefused(`${server.base}/users?status=Active&status=Draft`, 'status');
    await expectRefused(`${server.base}/users?status=Retired`, 'status');
    await expectRefused(`${server.base}/users?includeDeleted=true&includeDeleted=true`, 'includeDeleted');
  });

  it('serves the largest offset (an empty page) and echoes the offset and limit it used', async () => {
    for (const url of paged) {
      const response = await get(withQuery(url, `offset=${Number.MAX_SAFE_INTEGER}&limit=2`));
      expect([url, response.status]).toEqual([url, 200]);
      expect((await json(response)).items).toEqual([]);
    }
    const results = await json(get(`${server.base}/imports/${importId}/results?offset=1&limit=2`));
    expect(results).toMatchObject({ offset: 1, limit: 2, total: 7 });
    expect(results.items.map((item: { row: number }) => item.row)).toEqual([3, 4]);
    const users = await json(get(`${server.base}/users?asOf=${importId}&search=LOVELACE&limit=3`));
    expect(users).toMatchObject({ offset: 0, limit: 3, total: 1 });
    expect(await json(get(`${server.base}/imports/${importId}/changes`))).toMatchObject({ offset: 0, limit: 100, total: 7 });
    expect(await json(get(paged[5]))).toEqual({ offset: 0, limit: 50, total: 0, items: [] });
  });
});
