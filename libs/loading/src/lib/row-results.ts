/**
 * Row results per ImportRowsPlanned event (an import's plan, a revert's report): small events,
 * tens of KB, keep any page of the log that a reader holds in memory small.
 */
export const RESULTS_PER_CHUNK = 100;
