import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { WaitQuery } from './wait-query.dto';

/** What the app's ValidationPipe does with a query: transform, then validate. */
const read = (query: Record<string, unknown>) => {
  const instance = plainToInstance(WaitQuery, query);
  return { wait: instance.wait, refused: validateSync(instance).map((error) => error.property) };
};

describe('WaitQuery', () => {
  it('reads true and false, and an absent wait as false', () => {
    expect(read({ wait: 'true' })).toEqual({ wait: true, refused: [] });
    expect(read({ wait: 'false' })).toEqual({ wait: false, refused: [] });
    expect(read({})).toEqual({ wait: false, refused: [] });
  });

  it.each([['yes'], ['1'], ['TRUE'], [''], [['true', 'true']]])('refuses wait=%j naming wait', (value) => {
    expect(read({ wait: value }).refused).toEqual(['wait']);
  });
});
