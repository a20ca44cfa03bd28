import { EventStoreUnavailableError } from '../errors';
import { isTransient } from './kurrentdb-mapping';

export interface RetryPolicy {
  /** Tries in all, the first included. Default 5. */
  maxAttempts: number;
  /** Wait before the second try; doubled before each further one. Default 200 ms. */
  initialDelayMs: number;
  /** Longest wait between two tries. Default 3 s. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 3000 };

export function backoffDelay(policy: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>, failures: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, failures - 1));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Decides what follows a failed call: rethrows errors a retry cannot fix, throws
 * EventStoreUnavailableError once the tries are used up, and otherwise waits (exponential backoff)
 * and returns the new failure count. The caller then sends the very same request again.
 */
export class Retrier {
  constructor(
    private readonly policy: RetryPolicy,
    private readonly where: string,
    private readonly onRetry: (message: string) => void,
  ) {}

  async afterFailure(error: unknown, failures: number, operation: string): Promise<number> {
    if (!isTransient(error)) throw error;
    const count = failures + 1;
    const reason = describeError(error);
    if (count >= this.policy.maxAttempts) {
      throw new EventStoreUnavailableError(
        `KurrentDB at ${this.where} is unavailable: ${operation} failed ${count} times (last error: ${reason}). ` +
          'Check that the server is running and reachable, and KURRENTDB_CONNECTION_STRING.',
        { cause: error },
      );
    }
    const delay = backoffDelay(this.policy, count);
    this.onRetry(`${operation} failed (${reason}); try ${count + 1} of ${this.policy.maxAttempts} in ${delay} ms`);
    await sleep(delay);
    return count;
  }
}

/** "UnavailableError: 14 UNAVAILABLE: ..." even for client errors with an empty message. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const name = error.constructor.name === 'Error' ? error.name : error.constructor.name;
  return error.message && error.message !== name ? `${name}: ${error.message}` : name;
}
