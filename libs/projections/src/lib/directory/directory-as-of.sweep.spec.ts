import { mkdirSync, mkdtempSync, readdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AS_OF_DIR_PREFIX, sweepAbandonedAsOfFolders } from './directory-as-of';

// A folder this process may not remove: rmSync refuses the ones whose name ends with "kept".
jest.mock('node:fs', () => {
  const actual = jest.requireActual<typeof import('node:fs')>('node:fs');
  return {
    ...actual,
    rmSync: (path: string, options?: import('node:fs').RmOptions) => {
      if (String(path).endsWith('kept')) throw Object.assign(new Error('operation not permitted'), { code: 'EPERM' });
      actual.rmSync(path, options);
    },
  };
});

describe('sweepAbandonedAsOfFolders', () => {
  it('goes on past an abandoned folder it cannot remove, then names it', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'as-of-sweep-'));
    try {
      const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
      for (const name of ['kept', 'removed', 'gone']) {
        mkdirSync(join(tmp, `${AS_OF_DIR_PREFIX}${name}`));
        utimesSync(join(tmp, `${AS_OF_DIR_PREFIX}${name}`), tenMinutesAgo, tenMinutesAgo);
      }
      const failure = `could not remove abandoned directories as of an import (${join(tmp, `${AS_OF_DIR_PREFIX}kept`)}: operation not permitted)`;
      expect(() => sweepAbandonedAsOfFolders(tmp, 60_000)).toThrow(failure);
      expect(readdirSync(tmp)).toEqual([`${AS_OF_DIR_PREFIX}kept`]);
    } finally {
      jest.requireActual<typeof import('node:fs')>('node:fs').rmSync(tmp, { recursive: true, force: true });
    }
  });
});
