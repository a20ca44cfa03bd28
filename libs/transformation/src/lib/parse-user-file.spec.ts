import type { UserRecord } from '@dirsync/domain';
import { tempFiles } from './__fixtures__/temp-files';
import { FileRejectedError } from './errors';
import { parseUserFile, type UserFileFormat } from './parse-user-file';
import type { RowSink } from './types';

const files = tempFiles();
afterAll(() => files.cleanup());

function collect(): RowSink & { records: UserRecord[] } {
  const records: UserRecord[] = [];
  return { records, record: (r) => void records.push(r), reject: () => undefined };
}

describe('parseUserFile', () => {
  it('dispatches on the format to the CSV or the XML reader', async () => {
    const csv = collect();
    const csvSummary = await parseUserFile(files.write('u.csv', 'EmailId,FirstName\na@x.com,Ann\n'), { fileName: 'u.csv', format: 'csv' }, csv);
    const xml = collect();
    const xmlSummary = await parseUserFile(
      files.write('u.xml', '<Users><User><EmailId>a@x.com</EmailId><FirstName>Ann</FirstName></User></Users>'),
      { fileName: 'u.xml', format: 'xml' },
      xml,
    );
    expect(csvSummary.delimiter).toBe(',');
    expect(xmlSummary.delimiter).toBe('');
    expect(xml.records).toEqual(csv.records.map((r) => ({ ...r, row: r.row - 1 })));
  });

  it('passes the XML size cap through, and refuses an unknown format as a file problem', async () => {
    const path = files.write('cap.xml', '<Users><User><EmailId>a@x.com</EmailId></User></Users>');
    await expect(parseUserFile(path, { fileName: 'cap.xml', format: 'xml', maxXmlBytes: 10 }, collect())).rejects.toThrow('limit for XML files');
    await expect(parseUserFile(path, { fileName: 'cap.xml', format: 'json' as UserFileFormat }, collect())).rejects.toBeInstanceOf(FileRejectedError);
  });
});
