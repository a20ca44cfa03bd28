import { guardReasons } from './import-guards';

describe('guardReasons', () => {
  const base = { disables: 0, activeUsers: 1000, file: { rows: 1000, namedUsers: 1000 }, disableMissing: true };

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

  describe('a "disable missing" file shorter than half the last one', () => {
    const lastFull = { rows: 1000, namedUsers: 1000, disabledMissing: true };

    it('stops a file naming fewer than half the users of the last import', () => {
      const plan = { ...base, file: { rows: 499, namedUsers: 499 }, previous: lastFull };
      expect(guardReasons(plan)).toEqual([
        "the file names 499 distinct users in its 499 rows (rows with a valid key, each key counted once), fewer than 50 % of the 1000 distinct users of this source's last completed import that disabled missing users",
      ]);
      expect(guardReasons({ ...plan, disableMissing: false })).toEqual([]);
    });

    it('counts the users a file names, not the rows that repeat them', () => {
      // Given a truncated export of 10 users padded to 1,000 rows with copies of its lines
      const padded = { ...base, file: { rows: 1000, namedUsers: 10 }, previous: lastFull };
      // When it is guarded, then it waits, and the reason says what was counted
      expect(guardReasons(padded)).toEqual([
        "the file names 10 distinct users in its 1000 rows (rows with a valid key, each key counted once), fewer than 50 % of the 1000 distinct users of this source's last completed import that disabled missing users",
      ]);
    });

    it('lets a full file with some duplicate rows through', () => {
      // Given a file naming 900 of the 1,000 users, 100 of its rows repeating earlier keys
      const withDuplicates = { ...base, file: { rows: 1000, namedUsers: 900 }, previous: lastFull };
      // Then nothing stops it
      expect(guardReasons(withDuplicates)).toEqual([]);
    });

    it('measures against the rows of an import recorded before users were counted', () => {
      // Given a last import from an earlier version, which recorded only its 1,000 rows
      const earlier = { rows: 1000, disabledMissing: false };
      expect(guardReasons({ ...base, file: { rows: 1000, namedUsers: 499 }, previous: earlier })).toEqual([
        "the file names 499 distinct users in its 1000 rows (rows with a valid key, each key counted once), fewer than 50 % of the 1000 rows of this source's last completed import (recorded before distinct users were counted)",
      ]);
      expect(guardReasons({ ...base, file: { rows: 1000, namedUsers: 500 }, previous: earlier })).toEqual([]);
    });

    it('measures rows against rows when neither counted users', () =>
      expect(guardReasons({ ...base, file: { rows: 499 }, previous: { rows: 1000 } })).toEqual([
        "the file has 499 rows, fewer than 50 % of the 1000 rows of this source's last completed import",
      ]));
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
