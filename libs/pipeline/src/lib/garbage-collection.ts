import { setFlagsFromString } from 'node:v8';

/**
 * After each full collection V8 sets the next heap limit to a multiple of what stayed live, up to
 * 4× when collecting is fast. An import's live set peaks briefly (a projection batch, the
 * planner's claims), so the heap would grow to several times what the pipeline needs and stay
 * there: that slack was most of the peak RSS. A smaller factor collects a little more often.
 *
 * V8 reads the flag whenever it computes a new limit, so setting it at start takes effect. 0
 * leaves V8's heuristics alone.
 */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/**
 * Once most objects a piece of code allocates outlive a young-generation collection, V8 allocates
 * that code's objects straight in the old generation (allocation-site pretenuring). An import's
 * objects live for a row or a batch of rows: pretenured, they die in the old generation and wait
 * there for full collections. Planning a 1M initial import took 24–25 s with pretenuring and about
 * 17.5 s without (README, round 13). It costs only where objects really do outlive young
 * collections, and since the apply and the projections commit small batches (2,000 and 1,000
 * events, not 20,000), few do.
 *
 * V8 consults the flag when it weighs a site's survivors, in every isolate of the process (the
 * worker threads' too), so setting it at start takes effect.
 */
export function stopPretenuring(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}
