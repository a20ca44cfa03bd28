import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { deterministicId, EVENT_STORE, type EventStore } from '@dirsync/event-store';

export const ROLES = ['admin', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const TOKENS_STREAM = 'tokens';

/** Only the token's SHA-256 is ever stored; the token itself is shown once, when created. */
export interface TokenCreated {
  tokenId: string;
  role: Role;
  sha256: string;
  label: string;
  createdAt: string;
  /**
   * Given by configuration (ETL_ADMIN_TOKEN) rather than created by `tokens create`: a new one
   * given under the same label replaces it. Absent from tokens recorded before it existed.
   */
  configured?: boolean;
}

/** What seeding a configured token did. */
export interface SeedResult {
  tokenId: string;
  /** The token was revoked before: it stays refused (a revoked token is never let in again). */
  revoked: boolean;
  /** Configured tokens of the same label, recorded before it, that it revoked. */
  replaced: number;
}

/** A revoked token is refused from then on (its TokenCreated stays in the log). */
export interface TokenRevoked {
  tokenId: string;
  revokedAt: string;
}

/** What `tokens list` shows: never the token or its hash. */
export interface TokenInfo {
  tokenId: string;
  role: Role;
  label: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface Caller {
  tokenId: string;
  role: Role;
  label: string;
}

const hashOf = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** Bearer API tokens with roles, kept in the `tokens` stream of the event log. */
@Injectable()
export class TokenService {
  private known: TokenCreated[] = [];
  private revoked = new Map<string, string>();
  private revision = -1;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Creates a token and returns it: the only time it is visible. */
  async create(role: Role, label: string): Promise<{ token: string; tokenId: string }> {
    const token = `dsk_${randomBytes(32).toString('base64url')}`;
    const tokenId = await this.record(token, role, label, false);
    return { token, tokenId };
  }

  /**
   * Makes sure a token given by configuration (ETL_ADMIN_TOKEN) exists, and revokes the configured
   * tokens of its label recorded before it: changing the setting rotates the token, and the old one
   * stops working. Appending it twice writes it once. A revoked value revokes nothing: a process
   * started with an old setting (a rollback, a stale host) must not shut out the current token.
   */
  async seed(token: string, role: Role, label: string): Promise<SeedResult> {
    if (token.length < 16) throw new Error(`the ${label} token must be at least 16 characters`);
    const tokenId = await this.record(token, role, label, true);
    await this.refresh();
    if (this.revoked.has(tokenId)) return { tokenId, revoked: true, replaced: 0 };
    // Recorded before there was a flag (undefined), a configured token is known by its label alone.
    const earlier = this.known
      .slice(0, this.known.findIndex((entry) => entry.tokenId === tokenId))
      .filter((entry) => entry.label === label && entry.configured !== false && !this.revoked.has(entry.tokenId));
    for (const entry of earlier) await this.revoke(entry.tokenId);
    return { tokenId, revoked: false, replaced: earlier.length };
  }

  /** Who presents this token, or undefined. Every known hash is compared in constant time. */
  async verify(token: string): Promise<Caller | undefined> {
    await this.refresh();
    const presented = hashOf(token);
    let match: TokenCreated | undefined;
    for (const entry of this.known) {
      if (timingSafeEqual(presented, Buffer.from(entry.sha256, 'hex'))) match = entry;
    }
    if (!match || this.revoked.has(match.tokenId)) return undefined;
    return { tokenId: match.tokenId, role: match.role, label: match.label };
  }

  /** Every token ever created, oldest first, with its revocation if any. */
  async list(): Promise<TokenInfo[]> {
    await this.refresh();
    return this.known.map(({ tokenId, role, label, createdAt }) => ({ tokenId, role, label, createdAt, revokedAt: this.revoked.get(tokenId) ?? null }));
  }

  /** Refuses the token from now on; false when there is no such token. Revoking twice records it once. */
  async revoke(tokenId: string): Promise<boolean> {
    await this.refresh();
    if (!this.known.some((entry) => entry.tokenId === tokenId)) return false;
    if (this.revoked.has(tokenId)) return true;
    const data: TokenRevoked = { tokenId, revokedAt: new Date().toISOString() };
    await this.store.append(TOKENS_STREAM, [{ id: deterministicId('token-revoked', tokenId), type: 'TokenRevoked', data }], 'any');
    await this.refresh();
    return true;
  }

  private async record(token: string, role: Role, label: string, configured: boolean): Promise<string> {
    const sha256 = hashOf(token).toString('hex');
    const tokenId = deterministicId('token', sha256);
    const data: TokenCreated = { tokenId, role, sha256, label, createdAt: new Date().toISOString(), configured };
    await this.store.append(TOKENS_STREAM, [{ id: tokenId, type: 'TokenCreated', data }], 'any');
    return tokenId;
  }

  private async refresh(): Promise<void> {
    for await (const event of this.store.readStream(TOKENS_STREAM, { fromRevision: this.revision + 1 })) {
      if (event.type === 'TokenCreated') this.known.push(event.data as TokenCreated);
      if (event.type === 'TokenRevoked') this.revoked.set((event.data as TokenRevoked).tokenId, (event.data as TokenRevoked).revokedAt);
      this.revision = event.revision;
    }
  }
}
