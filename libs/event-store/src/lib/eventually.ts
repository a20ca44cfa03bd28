/**
 * For tests: polls until `condition` holds, or fails after `timeoutMs`. Subscriptions, threads and
 * servers act asynchronously, so their specs wait for what they expect rather than sleep.
 */
export async function eventually(condition: () => boolean, timeoutMs = 5000, pollMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
