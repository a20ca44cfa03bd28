import { Readable } from 'node:stream';
import { FileRejectedError } from '../errors';
import { readCsvRows, type CsvReadOptions, type CsvRow } from './csv-rows';

const options: CsvReadOptions = { fileName: 'users.csv', delimiter: ',', maxRecordBytes: 1024 };

async function rows(text: string, opts = options): Promise<CsvRow[]> {
  const out: CsvRow[] = [];
  for await (const row of readCsvRows(Readable.from([Buffer.from(text)]), opts)) out.push(row);
  return out;
}

async function rejection(text: string, opts = options): Promise<FileRejectedError> {
  try {
    await rows(text, opts);
  } catch (error) {
    if (error instanceof FileRejectedError) return error;
    throw error;
  }
  throw new Error('expected a FileRejectedError');
}

describe('readCsvRows', () => {
  it('numbers rows as a spreadsheet does: header row 1, a blank line is a row, a multi-line value one row', async () => {
    const text = 'a,b\r\n1,2\r\n\r\n"x\r\ny",3\r\n4,5\r\n';
    expect(await rows(text)).toEqual([
      { row: 1, cells: ['a', 'b'] },
      { row: 2, cells: ['1', '2'] },
      { row: 3, cells: [''] },
      { row: 4, cells: ['x\r\ny', '3'] },
      { row: 5, cells: ['4', '5'] },
    ]);
  });

  it('skips the given blank lines before the header and keeps numbering from the file start', async () => {
    expect(await rows('\n\na,b\n1,2\n', { ...options, blankLinesBefore: 2 })).toEqual([
      { row: 3, cells: ['a', 'b'] },
      { row: 4, cells: ['1', '2'] },
    ]);
    const error = await rejection('\n\na,b\n1,"2\n', { ...options, blankLinesBefore: 2 });
    expect(error.problems[0].row).toBe(4);
    expect(error.problems[0].message).toContain('line 4');
  });

  it('reads quoted values with delimiters, doubled quotes and surrounding spaces', async () => {
    expect(await rows('a,b\n  "Smith, ""Jr""" ,  plain  \n')).toEqual([
      { row: 1, cells: ['a', 'b'] },
      { row: 2, cells: ['Smith, "Jr"', 'plain'] },
    ]);
  });

  it('yields a record with the wrong number of values in order, and goes on', async () => {
    expect(await rows('a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n')).toEqual([
      { row: 1, cells: ['a', 'b', 'c'] },
      { row: 2, cells: ['1', '2', '3'] },
      { row: 3, cells: ['4', '5'] },
      { row: 4, cells: ['6', '7', '8', '9'] },
      { row: 5, cells: ['10', '11', '12'] },
    ]);
  });

  it('rejects the file for an unterminated quote, naming the row where it opens and the line', async () => {
    const error = await rejection('a,b\n1,2\n3,"never closed\n4,5\n');
    expect(error.fileName).toBe('users.csv');
    expect(error.problems).toEqual([{ row: 3, message: expect.stringContaining('never closed') }]);
    expect(error.problems[0].message).toContain('line 4');
    expect(error.message).toContain('users.csv');
  });

  it('rejects the file for a quote in the middle of a value', async () => {
    const closing = await rejection('a,b\n1,"2"x\n');
    expect(closing.problems).toEqual([{ row: 2, message: expect.stringContaining('closing quote') }]);
    const opening = await rejection('a,b\n1,2\n3,x"y"\n');
    expect(opening.problems).toEqual([{ row: 3, message: expect.stringContaining('quote appears inside an unquoted value') }]);
  });

  it('rejects the file when a record exceeds the maximum size', async () => {
    const error = await rejection(`a,b\n1,${'x'.repeat(2000)}\n`);
    expect(error.problems).toEqual([{ row: 2, message: expect.stringContaining('larger than 1024 bytes') }]);
  });

  it('counts rows dropped for a wrong value count when numbering a later parse error', async () => {
    const error = await rejection('a,b\n1\n2,"x\n');
    expect(error.problems[0].row).toBe(3);
  });

  it('yields nothing for an empty input', async () => {
    expect(await rows('')).toEqual([]);
  });
});
