import { createHash } from 'node:crypto';
import { deterministicId, InMemoryEventStore } from '@dirsync/event-store';
import { TokenService } from './token.service';

describe('TokenService', () => {
  it('creates a token once visible, stores only its hash, and recognises it with its role', async () => {
    const store = new InMemoryEventStore();
    const tokens = new TokenService(store);
    const { token } = await tokens.create('viewer', 'dashboard');
    expect(token).toMatch(/^dsk_[A-Za-z0-9_-]{43}$/);
    const stored = [];
    for await (const event of store.readStream('tokens')) stored.push(JSON.stringify(event.data));
    expect(stored.join()).not.toContain(token);
    expect(await tokens.verify(token)).toMatchObject({ role: 'viewer', label: 'dashboard' });
    expect(await tokens.verify(`${token}x`)).toBeUndefined();
  });

  it('seeds a configured token once, however often it starts', async () => {
    const store = new InMemoryEventStore();
    await new TokenService(store).seed('a-long-admin-token-value', 'admin', 'ETL_ADMIN_TOKEN');
    await new TokenService(store).seed('a-long-admin-token-value', 'admin', 'ETL_ADMIN_TOKEN');
    expect(await store.streamRevision('tokens')).toBe(0);
    expect(await new TokenService(store).verify('a-long-admin-token-value')).toMatchObject({ role: 'admin' });
    await expect(new TokenService(store).seed('short', 'admin', 'ETL_ADMIN_TOKEN')).rejects.toThrow(/at least 16/);
  });

  it('rotates a configured token: a new value revokes the earlier one, and leaves created tokens alone', async () => {
    const store = new InMemoryEventStore();
    const ops = await new TokenService(store).create('admin', 'ETL_ADMIN_TOKEN'); // a created token that happens to share the label
    const first = await new TokenService(store).seed('the-first-admin-token', 'admin', 'ETL_ADMIN_TOKEN');
    expect(first).toEqual({ tokenId: expect.any(String), revoked: false, replaced: 0 });
    const second = await new TokenService(store).seed('the-second-admin-token', 'admin', 'ETL_ADMIN_TOKEN');
    expect(second).toEqual({ tokenId: expect.any(String), revoked: false, replaced: 1 });
    const tokens = new TokenService(store);
    expect(await tokens.verify('the-first-admin-token')).toBeUndefined();
    expect(await tokens.verify('the-second-admin-token')).toMatchObject({ role: 'admin', label: 'ETL_ADMIN_TOKEN' });
    expect(await tokens.verify(ops.token)).toMatchObject({ role: 'admin' });
    // Started again with the first value (a rollback, a stale host), it stays refused and revokes
    // nothing: the current token keeps working.
    expect(await new TokenService(store).seed('the-first-admin-token', 'admin', 'ETL_ADMIN_TOKEN')).toEqual({ tokenId: first.tokenId, revoked: true, replaced: 0 });
    expect(await tokens.verify('the-first-admin-token')).toBeUndefined();
    expect(await tokens.verify('the-second-admin-token')).toMatchObject({ role: 'admin' });
  });

  it('leaves a configured token recorded after the one seeded alone (an older value seeded again)', async () => {
    const store = new InMemoryEventStore();
    // Two values both live, as logs from before rotation may hold them.
    for (const [token, n] of [['an-older-admin-token', 1], ['a-newer-admin-token', 2]] as const) {
      const sha256 = createHash('sha256').update(token).digest('hex');
      const tokenId = deterministicId('token', sha256); // as seeding records it
      const data = { tokenId, role: 'admin', sha256, label: 'ETL_ADMIN_TOKEN', createdAt: `2026-11-0${n}T00:00:00.000Z` };
      await store.append('tokens', [{ id: tokenId, type: 'TokenCreated', data }], 'any');
    }
    expect(await new TokenService(store).seed('an-older-admin-token', 'admin', 'ETL_ADMIN_TOKEN')).toMatchObject({ revoked: false, replaced: 0 });
    expect(await new TokenService(store).verify('a-newer-admin-token')).toMatchObject({ role: 'admin' });
    expect(await new TokenService(store).seed('a-newer-admin-token', 'admin', 'ETL_ADMIN_TOKEN')).toMatchObject({ revoked: false, replaced: 1 });
    expect(await new TokenService(store).verify('an-older-admin-token')).toBeUndefined();
  });

  it('rotates a configured token recorded before configured tokens were marked', async () => {
    const store = new InMemoryEventStore();
    const legacy = { tokenId: 'legacy-token', role: 'admin', sha256: '00'.repeat(32), label: 'ETL_ADMIN_TOKEN', createdAt: '2026-11-01T00:00:00.000Z' };
    await store.append('tokens', [{ id: 'legacy-token', type: 'TokenCreated', data: legacy }], 'any');
    expect(await new TokenService(store).seed('a-new-admin-token-value', 'admin', 'ETL_ADMIN_TOKEN')).toMatchObject({ replaced: 1 });
    expect((await new TokenService(store).list()).find((token) => token.tokenId === 'legacy-token')?.revokedAt).toEqual(expect.any(String));
  });

  it('refuses a revoked token from then on, and lists tokens without their secrets', async () => {
    const store = new InMemoryEventStore();
    const tokens = new TokenService(store);
    const { token, tokenId } = await tokens.create('admin', 'ops');
    expect(await tokens.revoke(tokenId)).toBe(true);
    expect(await tokens.revoke(tokenId)).toBe(true);
    expect(await tokens.revoke('nope')).toBe(false);
    expect(await new TokenService(store).verify(token)).toBeUndefined();
    expect(await tokens.verify(token)).toBeUndefined();
    const listed = await tokens.list();
    expect(listed).toEqual([{ tokenId, role: 'admin', label: 'ops', createdAt: expect.any(String), revokedAt: expect.any(String) }]);
    expect(JSON.stringify(listed)).not.toContain(token);
    expect(await store.streamRevision('tokens')).toBe(1);
  });
});
