import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { HEADER, userAt } from './users';
import { writeUsersCsv } from './write-users-csv';

describe('writeUsersCsv', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'bench-csv-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the header and the rows, in batches, as csv-parse reads them back', async () => {
    // More rows than one write batch holds (1,000), and not a multiple of it.
    const written = await writeUsersCsv(join(dir, 'users.csv'), 2_345, 42);
    const records = parse(readFileSync(written.file), { columns: true }) as Record<string, string>[];
    expect(written.rows).toBe(2_345);
    expect(records).toHaveLength(2_345);
    expect(Object.keys(records[0])).toEqual([...HEADER]);
    expect(records[2_000].EmailId).toBe(userAt(42, 2_000).email);
    expect(records[2_344].UserName).toBe(userAt(42, 2_344).username);
  });

  it('reports the bytes it wrote, and writes the same bytes for the same seed', async () => {
    const first = await writeUsersCsv(join(dir, 'first.csv'), 1_500, 7);
    const second = await writeUsersCsv(join(dir, 'second.csv'), 1_500, 7);
    expect(first.bytes).toBe(statSync(first.file).size);
    expect(readFileSync(second.file).equals(readFileSync(first.file))).toBe(true);
  });

  it('counts only the rows a variant keeps', async () => {
    const written = await writeUsersCsv(join(dir, 'missing.csv'), 1_000, 42, { dropOnePercent: true });
    expect(written.rows).toBe(990);
    expect(parse(readFileSync(written.file), { columns: true })).toHaveLength(990);
  });

  it('fails when the file cannot be written', async () => {
    await expect(writeUsersCsv(join(dir, 'no-such-folder', 'users.csv'), 10, 42)).rejects.toThrow(/ENOENT/);
  });
});
