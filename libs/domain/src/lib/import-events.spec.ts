import { countsWithoutNotApplied, emptyCounts, evolveImport, nextPlanNumber, planNumberFor, type ImportEvent, type ImportPlanned, type ImportState } from './import-events';

// Given an import's events, then its state.
const given = (...events: ImportEvent[]): ImportState => events.reduce<ImportState | undefined>(evolveImport, undefined) as ImportState;

const planned = (planNumber: number): ImportEvent => ({
  type: 'ImportPlanned',
  data: { planNumber, importId: 'imp-1', basedOnPosition: 0, activeUsers: 0, plan: { sha256: 'a'.repeat(64), size: 0 }, counts: emptyCounts(), eventCount: 0 } satisfies ImportPlanned,
});
const started = (planNumber: number, basedOnPosition = 10): ImportEvent => ({ type: 'ImportPlanningStarted', data: { importId: 'imp-1', planNumber, basedOnPosition } });
const requested: ImportEvent = { type: 'ImportRequested', data: { importId: 'imp-1' } as never };

describe('nextPlanNumber', () => {
  it('is 1 for an import never planned', () => expect(nextPlanNumber(given(requested))).toBe(1));
  it('follows a finished plan', () => expect(nextPlanNumber(given(requested, started(1), planned(1)))).toBe(2));
  it('follows a plan a crash stopped before it was finished', () => expect(nextPlanNumber(given(requested, started(1)))).toBe(2));
  it('follows the last plan begun, after a finished one', () => expect(nextPlanNumber(given(requested, started(1), planned(1), started(2)))).toBe(3));
  it('follows a finished plan of a log from before planning was recorded as started', () => expect(nextPlanNumber(given(requested, planned(1)))).toBe(2));
});

describe('planNumberFor', () => {
  it('goes on under the number of a plan a crash stopped, against the directory it was decided against', () =>
    expect(planNumberFor(given(requested, started(1, 10)), 10)).toBe(1));
  it('takes the next number against a directory that changed since', () => expect(planNumberFor(given(requested, started(1, 10)), 12)).toBe(2));
  it('takes the next number after a finished plan, even against the same directory (a re-plan)', () =>
    expect(planNumberFor(given(requested, started(1, 10), planned(1)), 10)).toBe(2));
  it('goes on with a re-plan a crash stopped', () => expect(planNumberFor(given(requested, started(1, 10), planned(1), started(2, 14)), 14)).toBe(2));
  it('starts at 1', () => expect(planNumberFor(given(requested), 10)).toBe(1));
});

describe('countsWithoutNotApplied', () => {
  it('counts each row not applied as rejected instead of what it was planned to do', () =>
    expect(
      countsWithoutNotApplied({ ...emptyCounts(), created: 3, updated: 2, disabled: 1, rejected: 1 }, [
        { row: 2, userId: 'u-1', planned: 'updated', reason: 'not applied' },
        { userId: 'u-2', planned: 'disabled', reason: 'not applied' },
      ]),
    ).toEqual({ ...emptyCounts(), created: 3, updated: 1, disabled: 0, rejected: 3 }));
});
