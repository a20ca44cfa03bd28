import { randomUUID } from 'node:crypto';
import { WrongExpectedRevisionError } from './errors';
import type { EventStore, RecordedEvent } from './event-store.port';

/** Streams of leases: `lease-<name>`. */
export const LEASE_STREAM_PREFIX = 'lease-';

export const LEASE_CLAIMED = 'LeaseClaimed';
export const LEASE_RELEASED = 'LeaseReleased';

interface LeaseClaimedData {
  owner: string;
  /** Epoch milliseconds after which others may claim the lease. */
  expiresAt: number;
}

interface LeaseReleasedData {
  owner: string;
  /** The work the lease guarded is finished: nobody claims it again. */
  done: boolean;
}

export type LeaseClaim =
  /** This owner holds the lease until `expiresAt`. `token` grows with every claim (fencing token). */
  | { acquired: true; owner: string; expiresAt: number; token: number }
  /** Another owner holds it until `expiresAt` (retry after that), or the work is done. */
  | { acquired: false; done: false; holder: string; expiresAt: number }
  | { acquired: false; done: true; holder: string };

/** This owner no longer holds the lease: it expired and someone else claimed it, or it was released. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(
    readonly lease: string,
    readonly owner: string,
  ) {
    super(`Lease ${lease} is no longer held by ${owner}`);
  }
}

/**
 * Leases over any EventStore, through the port alone: a lease is a stream `lease-<name>` whose last
 * event says who holds it and until when. Claiming appends `LeaseClaimed` with the exact revision
 * the claimer read, so of two processes claiming at once exactly one append succeeds (optimistic
 * concurrency; on KurrentDB the server decides, on SQLite the write transaction). The loser reads
 * the winner's claim.
 *
 * Expiry uses the claimers' clocks: choose a TTL far above the clock skew between machines and renew
 * well before it ends (e.g. TTL 60 s, renew every 20 s). A holder that stalls past its TTL can lose
 * the lease while still working: work guarded by a lease must be idempotent (deterministic event
 * ids, exact expected revisions), which this project's stages already are; `token` (the lease
 * stream's revision at the claim) orders successive holders for anyone who needs fencing.
 *
 * Lease events are ordinary events of the log (every adapter shows them in readAll/subscribe);
 * consumers that switch on event types ignore them.
 */
export class EventStoreLeases {
  constructor(
    private readonly store: EventStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Claims the lease for `owner` for `ttlMs`, or renews it when `owner` already holds it. */
  async claim(name: string, owner: string, ttlMs: number): Promise<LeaseClaim> {
    for (let attempt = 0; ; attempt++) {
      const { revision, last } = await this.read(name);
      const state = describe(last);
      const now = this.now();
      if (state?.kind === 'done') return { acquired: false, done: true, holder: state.owner };
      if (state?.kind === 'held' && state.owner !== owner && state.expiresAt > now) {
        return { acquired: false, done: false, holder: state.owner, expiresAt: state.expiresAt };
      }
      const expiresAt = now + ttlMs;
      try {
        const data: LeaseClaimedData = { owner, expiresAt };
        const result = await this.store.append(
          streamOf(name),
          [{ id: randomUUID(), type: LEASE_CLAIMED, data }],
          revision ?? 'no-stream',
        );
        return { acquired: true, owner, expiresAt, token: result.nextRevision };
      } catch (error) {
        // Someone else wrote first: read again and decide on what they wrote.
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= 5) throw error;
      }
    }
  }

  /** Extends a lease `owner` holds; LeaseLostError when it does not hold it any more. */
  async renew(name: string, owner: string, ttlMs: number): Promise<{ expiresAt: number; token: number }> {
    const { last } = await this.read(name);
    const state = describe(last);
    if (state?.kind !== 'held' || state.owner !== owner) throw new LeaseLostError(name, owner);
    const claim = await this.claim(name, owner, ttlMs);
    if (!claim.acquired) throw new LeaseLostError(name, owner);
    return { expiresAt: claim.expiresAt, token: claim.token };
  }

  /**
   * Gives the lease up. With `done`, the guarded work is finished and later claims return
   * `{ done: true }`; without, anyone may claim it at once (e.g. after a failure, to retry).
   * LeaseLostError when `owner` does not hold it.
   */
  async release(name: string, owner: string, options: { done: boolean }): Promise<void> {
    const { revision, last } = await this.read(name);
    const state = describe(last);
    if (state?.kind !== 'held' || state.owner !== owner || revision === undefined) throw new LeaseLostError(name, owner);
    const data: LeaseReleasedData = { owner, done: options.done };
    try {
      await this.store.append(streamOf(name), [{ id: randomUUID(), type: LEASE_RELEASED, data }], revision);
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) throw new LeaseLostError(name, owner);
      throw error;
    }
  }

  private async read(name: string): Promise<{ revision: number | undefined; last: RecordedEvent | undefined }> {
    const revision = await this.store.streamRevision(streamOf(name));
    if (revision === undefined) return { revision, last: undefined };
    for await (const event of this.store.readStream(streamOf(name), { fromRevision: revision, maxCount: 1 })) {
      return { revision, last: event };
    }
    return { revision, last: undefined };
  }
}

function streamOf(name: string): string {
  return LEASE_STREAM_PREFIX + name;
}

type LeaseState = { kind: 'held'; owner: string; expiresAt: number } | { kind: 'released'; owner: string } | { kind: 'done'; owner: string };

function describe(last: RecordedEvent | undefined): LeaseState | undefined {
  if (!last) return undefined;
  if (last.type === LEASE_CLAIMED) {
    const data = last.data as LeaseClaimedData;
    return { kind: 'held', owner: data.owner, expiresAt: data.expiresAt };
  }
  if (last.type === LEASE_RELEASED) {
    const data = last.data as LeaseReleasedData;
    return data.done ? { kind: 'done', owner: data.owner } : { kind: 'released', owner: data.owner };
  }
  return undefined;
}
