import { guardReasons } from './import-guards';

describe('guardReasons', () => {
  const base = { disables: 0, activeUsers: 1000, rows: 1000, disableMissing: true };

  it('lets an ordinary import through', () => expect(guardReasons({ ...base, disables: 20 })).toEqual([]));

  it('stops more than 500 disables', () =>
    expect(guardReasons({ ...base, activeUsers: 100_000, disables: 501 })).toEqual(['the import would disable 501 users, more than 500']));

  it('stops more than 20 % of active users from 100 users up, not below', () => {
    expect(guardReasons({ ...base, activeUsers: 100, disables: 21 })).toEqual([
      'the import would disable 21 of 100 active users (21.0 %, more than 20 %)',
    ]);
    expect(guardReasons({ ...base, activeUsers: 100, disables: 20 })).toEqual([]);
    expect(guardReasons({ ...base, activeUsers: 99, disables: 50 })).toEqual([]);
  });

  it('stops a file with fewer than half the rows of the last import when it disables missing users', () => {
    expect(guardReasons({ ...base, rows: 499, previousRows: 1000 })).toEqual([
      "the file has 499 rows, fewer than 50 % of the 1000 rows of this source's last completed import",
    ]);
    expect(guardReasons({ ...base, rows: 499, previousRows: 1000, disableMissing: false })).toEqual([]);
    expect(guardReasons({ ...base, rows: 499, previousRows: 1000, previousDisabledMissing: true })).toEqual([
      "the file has 499 rows, fewer than 50 % of the 1000 rows of this source's last completed import that disabled missing users",
    ]);
  });

  it('stops disables when rows were rejected before their key could be read, naming the rows', () => {
    expect(guardReasons({ ...base, disables: 1, rejectedWithoutKey: [7] })).toEqual([
      '1 row was rejected without a valid key (row 7): the users they name cannot be told apart from missing ones, and the import would disable 1 user',
    ]);
    expect(guardReasons({ ...base, disables: 3, rejectedWithoutKey: [2, 3, 4, 5, 6, 9, 11] })).toEqual([
      '7 rows were rejected without a valid key (rows 2, 3, 4, 5, 6 and 2 more): the users they name cannot be told apart from missing ones, and the import would disable 3 users',
    ]);
  });

  it('lets rows without a key through when nothing is disabled or missing users are kept', () => {
    expect(guardReasons({ ...base, disables: 0, rejectedWithoutKey: [7] })).toEqual([]);
    expect(guardReasons({ ...base, disables: 4, disableMissing: false, rejectedWithoutKey: [7] })).toEqual([]);
  });

  it('takes other thresholds', () =>
    expect(guardReasons({ ...base, disables: 11 }, { maxDisables: 10, maxDisableRatio: 1, minActiveUsersForRatio: 1, minRowRatio: 0 })).toHaveLength(1));
});
