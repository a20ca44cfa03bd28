import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { TokenService } from '@dirsync/auth';
import { startTestServer, type TestServer } from '../testing/test-server';

const sample = resolve(__dirname, '../../../../../samples/users.csv');

// Response bodies are checked field by field below; their static type adds nothing here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

jest.setTimeout(60_000);

/** The audit trail names the token that acted (label and id), through real HTTP; never the token itself. */
describe('who acted through the API', () => {
  let server: TestServer;
  const alice = { token: '', actor: '' };
  const bob = { token: '', actor: '' };
  const bodies: string[] = [];

  async function call(as: { token: string }, path: string, init: RequestInit = {}): Promise<Json> {
    const response = await fetch(`${server.base}${path}`, { ...init, headers: { authorization: `Bearer ${as.token}`, ...(init.headers as Record<string, string>) } });
    const text = await response.text();
    bodies.push(text);
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${text}`);
    return JSON.parse(text);
  }

  function upload(as: { token: string }, content: string | Buffer, fields: Record<string, string> = {}): Promise<Json> {
    const form = new FormData();
    form.append('file', new Blob([content]), 'users.csv');
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    return call(as, '/imports?wait=true', { method: 'POST', body: form });
  }

  const oneUser = 'UserIdentifier,UPN\nada.lovelace@example.com,ada.lovelace@example.com\n';

  beforeAll(async () => {
    server = await startTestServer({ ETL_GUARD_MAX_DISABLES: '1' });
    const tokens = server.app.get(TokenService);
    for (const [who, label] of [[alice, 'alice'], [bob, 'bob']] as const) {
      const { token, tokenId } = await tokens.create('admin', label);
      Object.assign(who, { token, actor: `api:${label} (token ${tokenId})` });
    }
  });
  afterAll(() => server?.stop());

  it('records the uploader, the approver, the rejecter, the reverter and the deleter', async () => {
    const first = await upload(alice, readFileSync(sample));
    expect(first).toMatchObject({ status: 'completed', requestedBy: alice.actor });

    const rejected = await upload(bob, oneUser, { disableMissing: 'true' });
    expect(rejected).toMatchObject({ status: 'awaiting-approval', requestedBy: bob.actor });
    const afterReject = await call(alice, `/imports/${rejected.id}/reject`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"reason":"wrong file"}' });
    expect(afterReject.decision).toMatchObject({ rejectedBy: alice.actor, reason: 'wrong file' });

    const held = await upload(alice, oneUser, { disableMissing: 'true' });
    const approved = await call(bob, `/imports/${held.id}/approve`, { method: 'POST' });
    expect(approved).toMatchObject({ status: 'completed', decision: { approvedBy: bob.actor } });

    const revert = await call(alice, `/imports/${held.id}/revert`, { method: 'POST' });
    expect(revert).toMatchObject({ format: 'revert', status: 'completed' });
    expect(await call(bob, `/imports/${held.id}`)).toMatchObject({ reverted: { revertId: revert.id, by: alice.actor } });

    const ada = (await call(bob, '/users?search=ada.lovelace')).items[0];
    await call(bob, `/users/${ada.id}`, { method: 'DELETE' });
    const history = await call(alice, `/users/${ada.id}/history`);
    expect(history.events.at(-1)).toMatchObject({ type: 'UserDeleted', data: { by: bob.actor } });

    for (const body of bodies) for (const token of [alice.token, bob.token]) expect(body).not.toContain(token);
  });
});
