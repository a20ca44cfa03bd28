import { FileRejectedError } from '../errors';
import { serialize } from './csv-rows-thread';

describe('serialize (an error crossing from the CSV thread)', () => {
  it("keeps a FileRejectedError's file name and problems", () => {
    const error = new FileRejectedError('users.csv', [{ row: 7, message: 'a quote is never closed' }]);
    expect(serialize(error)).toEqual({ name: 'FileRejectedError', fileName: 'users.csv', problems: [{ row: 7, message: 'a quote is never closed' }] });
  });

  it("keeps any other error's name, message and code (as serializeError does)", () => {
    const error = Object.assign(new Error("ENOENT: no such file or directory, open 'users.csv'"), { code: 'ENOENT' });
    expect(serialize(error)).toMatchObject({ name: 'Error', message: error.message, code: 'ENOENT', stack: expect.stringContaining('ENOENT') });
  });
});
