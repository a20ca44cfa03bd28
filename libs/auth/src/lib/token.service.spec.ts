import { InMemoryEventStore } from '@dirsync/event-store';
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
