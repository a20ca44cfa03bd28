import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRecordKeysOnThread, type RecordKeysBatch } from './record-keys-thread';
import { ReservedUsernames } from './reserved-usernames';

describe('readRecordKeysOnThread', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'record-keys-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const blob = (text: string) => {
    const file = join(dir, 'records.ndjson');
    writeFileSync(file, text);
    return file;
  };
  const readAll = async (file: string, batchRecords = 2, records = 4) => {
    const batches: RecordKeysBatch[] = [];
    for await (const batch of readRecordKeysOnThread(file, 'identifier', records, { batchRecords, batchesAhead: 1 })) batches.push(batch);
    return batches;
  };

  it('reads each record\'s row, key and e-mail in order, in batches, null where a record has none, then the usernames they give', async () => {
    const lines = [
      JSON.stringify({ row: 2, profile: { identifier: 'Ada', username: 'ada.l', email: 'ada@x.com', title: 'Engineer' } }),
      JSON.stringify({ row: 3, profile: { email: 'grace@x.com' } }),
      JSON.stringify({ row: 5, profile: { identifier: 'José', username: ' José ' } }),
      JSON.stringify({ row: 6, profile: { identifier: 'lin', email: 'lin@x.com' } }),
    ];
    // CRLF line ends, an empty line, and no line end after the last record.
    const file = blob(`${lines[0]}\r\n${lines[1]}\r\n\n${lines[2]}\r\n${lines[3]}`);
    const batches = await readAll(file);
    expect(batches.map(({ reservedUsernames: _bits, ...keys }) => keys)).toEqual([
      { rows: [2, 3], keys: ['Ada', null], emails: ['ada@x.com', 'grace@x.com'] },
      { rows: [5, 6], keys: ['José', 'lin'], emails: [null, 'lin@x.com'] },
      { rows: [], keys: [], emails: [] }, // the last batch carries the usernames alone
    ]);
    expect(batches.slice(0, 2).map((batch) => batch.reservedUsernames)).toEqual([undefined, undefined]);
    const reserved = ReservedUsernames.fromHashes(batches[2].reservedUsernames ?? new Uint32Array(0));
    expect(reserved.hashes()).toEqual(reservedIn(['ada.l', ' José ']).hashes());
    expect(reserved.mayHold('ADA.L')).toBe(true);
  });

  it('names the file and line of a record that is not JSON', async () => {
    const file = blob(`${JSON.stringify({ row: 2, profile: {} })}\n\n{"row":4,\n`);
    await expect(readAll(file)).rejects.toThrow(`${file}: line 3 is not JSON`);
  });

  it('fails when the blob is missing', async () => {
    await expect(readAll(join(dir, 'absent.ndjson'))).rejects.toThrow(/ENOENT/);
  });

  it('gives every record of a blob larger than its read chunks', async () => {
    const count = 20_000; // about 1 MB: the thread reads it in many chunks, a line often split between two
    const file = blob(Array.from({ length: count }, (_, i) => `${JSON.stringify({ row: i + 2, profile: { identifier: `user${i}`, username: `user${i}`, email: `user${i}@x.com` } })}\n`).join(''));
    const batches = await readAll(file, 1_000, count);
    const rows = batches.flatMap((batch) => batch.rows);
    expect(rows).toEqual(Array.from({ length: count }, (_, i) => i + 2));
    expect(batches.flatMap((batch) => batch.keys)[count - 1]).toBe(`user${count - 1}`);
    expect(batches.at(-1)?.reservedUsernames).toEqual(reservedIn(Array.from({ length: count }, (_, i) => `user${i}`)).hashes());
  });
});

function reservedIn(usernames: string[]): ReservedUsernames {
  const reserved = ReservedUsernames.forNames(usernames.length);
  for (const username of usernames) reserved.add(username);
  return reserved;
}
