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
