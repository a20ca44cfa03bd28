import type { UserRecord } from '@dirsync/domain';
import { outlinedRecords, outlineRecords } from './record-outlines';

describe('record outlines', () => {
  it("keep a record's keys and manager, and only those, and carry a record with warnings, roles or properties whole", () => {
    const plain: UserRecord = {
      row: 2,
      profile: { identifier: 'ada', email: 'ada@x.com', username: 'ada', managerEmail: 'boss@x.com', firstName: 'Ada', department: 'R&D' },
      status: 'Active',
    };
    const keyOnly: UserRecord = { row: 3, profile: { identifier: 'lin', title: 'Engineer' } };
    const warned: UserRecord = { row: 4, profile: { identifier: 'warned' }, warnings: ['a column was ignored'] };
    const withRoles: UserRecord = { row: 5, profile: { identifier: 'roles' }, securityRoles: ['Auditor'] };
    const withProperties: UserRecord = { row: 6, profile: { identifier: 'props' }, genericProperties: { Site: 'Oslo' } };
    const noWarnings: UserRecord = { row: 7, profile: { email: 'only@x.com' }, warnings: [] };

    const outlines = outlineRecords([plain, keyOnly, warned, withRoles, withProperties, noWarnings]);

    expect(outlines.whole.map(({ index }) => index)).toEqual([2, 3, 4]);
    expect(outlinedRecords(outlines)).toEqual([
      { row: 2, profile: { identifier: 'ada', email: 'ada@x.com', username: 'ada', managerEmail: 'boss@x.com' } },
      { row: 3, profile: { identifier: 'lin' } },
      warned,
      withRoles,
      withProperties,
      { row: 7, profile: { email: 'only@x.com' } },
    ]);
  });
});
