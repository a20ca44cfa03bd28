import type { RowResult } from './import-events';
import { plannedRowResults, toRowResultColumns } from './row-result-columns';

const created: RowResult = { row: 2, key: 'e1', email: 'ann@corp.example', userId: 'u1', outcome: 'created', reasons: [], warnings: [], planLine: { offset: 0, length: 310 } };
const updated: RowResult = {
  row: 3, key: 'e2', email: 'bob@corp.example', userId: 'u2', outcome: 'updated', reasons: [], warnings: ['language: "xx" is not a known language, kept'],
  changes: { title: { from: 'Engineer', to: 'Lead' } },
};
const skipped: RowResult = { row: 4, key: 'e3', email: 'cy@corp.example', userId: 'u3', outcome: 'skipped', reasons: ['unchanged'], warnings: [] };
const rejected: RowResult = { row: 5, key: 'e1', outcome: 'rejected', reasons: ['identifier: also on row 2'], warnings: [] };
const disabledMissing: RowResult = { key: 'e9', email: 'old@corp.example', userId: 'u9', outcome: 'disabled', reasons: ['missing from the file'], warnings: [] };

describe('row results stored as columns', () => {
  it('gives back every result as it was, field for field and in order', () => {
    const results = [created, updated, skipped, rejected, disabledMissing];

    const columns = toRowResultColumns(results);

    expect(plannedRowResults({ importId: 'i1', planNumber: 1, columns })).toEqual(results);
  });

  it('survives the JSON the log stores it as', () => {
    const results = [disabledMissing, created, rejected];

    const stored = JSON.parse(JSON.stringify({ importId: 'i1', columns: toRowResultColumns(results) }));

    expect(plannedRowResults(stored)).toEqual(results);
  });

  it('leaves out the columns no row of the chunk has', () => {
    const unchanged = (row: number): RowResult => ({ row, key: `e${row}`, email: `p${row}@corp.example`, userId: `u${row}`, outcome: 'skipped', reasons: [], warnings: [] });

    const columns = toRowResultColumns([unchanged(2), unchanged(3)]);

    expect(columns).toEqual({
      row: [2, 3], key: ['e2', 'e3'], email: ['p2@corp.example', 'p3@corp.example'], userId: ['u2', 'u3'], outcome: ['skipped', 'skipped'],
    });
  });

  it('keeps sparse fields by the row\'s place in the chunk', () => {
    const columns = toRowResultColumns([created, skipped, updated]);

    expect(columns.planOffset).toEqual([0, null, null]);
    expect(columns.planLength).toEqual([310, null, null]);
    expect(columns.reasons).toEqual({ 1: ['unchanged'] });
    expect(columns.warnings).toEqual({ 2: updated.warnings });
    expect(columns.changes).toEqual({ 2: updated.changes });
  });

  it('reads a chunk written before the columns, one object per row, as it is', () => {
    const data = { importId: 'i1', planNumber: 1, rows: [created, skipped] };

    expect(plannedRowResults(data)).toEqual([created, skipped]);
  });

  it('refuses a chunk whose columns differ in length, naming the import', () => {
    const columns = { ...toRowResultColumns([created, updated]), userId: ['u1'] };

    expect(() => plannedRowResults({ importId: 'i7', columns })).toThrow('import i7: a chunk of row results has columns of different lengths');
  });
});
