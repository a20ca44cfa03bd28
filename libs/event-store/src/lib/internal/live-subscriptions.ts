/**
 * The subscriptions an adapter has open. Each one leaves the set when it stops; closing the store
 * stops those still open.
 */
export class LiveSubscriptions<S extends { stop(): Promise<void> }> {
  private readonly open = new Set<S>();

  /** Opens one: `create` is given the callback the subscription calls once it has stopped. */
  add(create: (onStopped: (stopped: S) => void) => S): S {
    const subscription = create((stopped) => this.open.delete(stopped));
    this.open.add(subscription);
    return subscription;
  }

  forEach(visit: (subscription: S) => void): void {
    this.open.forEach(visit);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.open].map((subscription) => subscription.stop()));
  }
}
