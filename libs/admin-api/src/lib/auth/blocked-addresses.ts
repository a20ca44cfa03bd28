/** The longest delay a Node timer keeps (about 24.8 days): a longer one runs after 1 ms. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * Client addresses refused for a while after too many failed authentications. Each is forgotten
 * when its block ends, whether or not it comes back: with `ETL_TRUST_PROXY` set to more hops than
 * there are, a client chooses its own address, and addresses that never return must not pile up.
 */
export class BlockedAddresses {
  private readonly until = new Map<string, number>();

  get size(): number {
    return this.until.size;
  }

  block(address: string, milliseconds: number): void {
    const until = Date.now() + milliseconds;
    this.until.set(address, until);
    this.forgetWhenEnded(address, until);
  }

  /** Whole seconds until the address may try again, or 0 when it is not blocked. */
  secondsLeft(address: string): number {
    const until = this.until.get(address);
    if (until === undefined) return 0;
    const seconds = Math.ceil((until - Date.now()) / 1000);
    if (seconds > 0) return seconds;
    this.until.delete(address);
    return 0;
  }

  /** A later block of the same address replaces this one, with a timer of its own. */
  private forgetWhenEnded(address: string, until: number): void {
    const forget = () => {
      if (this.until.get(address) !== until) return;
      if (until > Date.now()) this.forgetWhenEnded(address, until); // a block longer than one timer
      else this.until.delete(address);
    };
    setTimeout(forget, Math.min(Math.max(0, until - Date.now()), LONGEST_TIMER_MS)).unref();
  }
}
