import type { RejectedRow, UserRecord } from '@dirsync/domain';
import * as iconv from 'iconv-lite';
import { tempFiles } from '../__fixtures__/temp-files';
import { detectEncoding, openDecoded, type SourceEncoding } from '../decoding/encoding';
import { FileRejectedError } from '../errors';
import { parseUserCsv } from '../parse-user-csv';
import type { ParseOptions } from '../types';
import { readCsvRows, type CsvReadOptions, type CsvRow } from './csv-rows';
import { CsvRowsThread } from './csv-rows-thread';

// Worker threads that load the TypeScript sources: slower than a unit test.
jest.setTimeout(30_000);

const files = tempFiles();
afterAll(() => files.cleanup());

const csv: CsvReadOptions = { fileName: 'users.csv', delimiter: ',', maxRecordBytes: 1024 };
/** Two rows a message and one message ahead: every file below crosses many batches. */
const tuning = { batchRows: 2, batchesAhead: 1 };

async function collect(rows: AsyncIterable<CsvRow>): Promise<CsvRow[]> {
  const out: CsvRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

/** What the thread yields and what readCsvRows yields in the process, for the same file. */
async function bothWays(path: string): Promise<{ thread: CsvRow[]; process: CsvRow[] }> {
  const source = await detectEncoding(path);
  return {
    thread: await collect(new CsvRowsThread(path, source, csv, tuning)),
    process: await collect(readCsvRows(openDecoded(path, source), csv)),
  };
}

// How many rows come before the error is not part of the contract: the caller discards them all.
async function failure(rows: AsyncIterable<CsvRow>): Promise<{ error: unknown }> {
  try {
    for await (const _row of rows);
  } catch (error) {
    return { error };
  }
  throw new Error('expected the rows to end with an error');
}

const TEXT = 'id,name,city\n1,Ana,"Lyon\nsud"\n\n2,"Smith, ""Jr""",Paris\n3,short\n4,Zoë,Zürich,extra\n5,Ève,Nantes\n';

describe('CsvRowsThread', () => {
  it('yields the rows readCsvRows yields, with the same numbers, across batches: multi-line values, blank lines, wrong value counts', async () => {
    const { thread, process } = await bothWays(files.write('mixed.csv', TEXT));
    expect(thread).toEqual(process);
    expect(thread.map((r) => r.row)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(thread[2].cells).toEqual(['']);
    expect(thread[1].cells).toEqual(['1', 'Ana', 'Lyon\nsud']);
    expect(thread[4].cells).toEqual(['3', 'short']);
  });

  it.each([
    ['UTF-8 with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)])],
    ['windows-1252', iconv.encode(TEXT, 'win1252')],
    ['UTF-16LE with a BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(TEXT, 'utf16le')])],
  ])('decodes %s on the thread as in the process', async (_name, bytes) => {
    const { thread, process } = await bothWays(files.write('encoded.csv', bytes));
    expect(thread).toEqual(process);
    expect(thread.at(-1)?.cells).toEqual(['5', 'Ève', 'Nantes']);
  });

  it('ends with the FileRejectedError readCsvRows throws, naming the same row', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i},name${i},city`);
    const path = files.write('broken.csv', `id,name,city\n${rows.join('\n')}\n41,"never closed,city\n42,x,y\n`);
    const source = await detectEncoding(path);
    const onThread = await failure(new CsvRowsThread(path, source, csv, tuning));
    const inProcess = await failure(readCsvRows(openDecoded(path, source), csv));
    expect(onThread.error).toBeInstanceOf(FileRejectedError);
    expect((onThread.error as FileRejectedError).problems).toEqual((inProcess.error as FileRejectedError).problems);
    expect((onThread.error as FileRejectedError).problems[0].row).toBe(42);
    expect((onThread.error as FileRejectedError).fileName).toBe('users.csv');
  });

  it('passes on an error reading the file with its message and code', async () => {
    const source: SourceEncoding = { encoding: 'utf-8', bomLength: 0 };
    const { error } = await failure(new CsvRowsThread(files.path('absent.csv'), source, csv, tuning));
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(FileRejectedError);
    expect(error).toMatchObject({ code: 'ENOENT', message: expect.stringContaining('absent.csv') });
  });

  it('stops the thread when the reader leaves early', async () => {
    const path = files.write('long.csv', `id,name\n${Array.from({ length: 5_000 }, (_, i) => `${i},n${i}`).join('\n')}\n`);
    const thread = new CsvRowsThread(path, await detectEncoding(path), csv, tuning);
    let read = 0;
    for await (const _row of thread) if (++read === 3) break;
    // Blocked on a full batch ahead, the worker would never end by itself.
    await expect(thread.exited).resolves.toEqual(expect.any(Number));
    expect(read).toBe(3);
  });
});

describe('parseUserCsv on a thread', () => {
  it('gives the records, rejections and summary it gives in the process', async () => {
    const lines = ['email,first name,last name,username,language,manager email,active'];
    for (let i = 0; i < 300; i++) {
      if (i % 50 === 7) lines.push(`not-an-email,Ann,Lee,u${i},en,,yes`);
      else if (i % 50 === 9) lines.push('');
      else if (i % 50 === 11) lines.push(`u${i}@example.com,Ann`);
      else lines.push(`u${i}@example.com,"Ann ""A""",Lée,u${i},es,u0@example.com,sí`);
    }
    const path = files.write('users.csv', `${lines.join('\r\n')}\r\n`);
    const parse = async (options: Partial<ParseOptions>) => {
      const records: UserRecord[] = [];
      const rejected: RejectedRow[] = [];
      const summary = await parseUserCsv(path, { fileName: 'users.csv', ...options }, { record: (r) => void records.push(r), reject: (r) => void rejected.push(r) });
      return { summary, records, rejected };
    };
    const onThread = await parse({ csvThreadFromBytes: 0 });
    const inProcess = await parse({ csvThreadFromBytes: Number.MAX_SAFE_INTEGER });
    expect(onThread).toEqual(inProcess);
    expect(onThread.summary).toMatchObject({ totalRows: 294, validRows: 282, rejectedRows: 12 });
    expect(onThread.summary.warnings).toEqual(['6 blank rows were ignored']);
  });
});
