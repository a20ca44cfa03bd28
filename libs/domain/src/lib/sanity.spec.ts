import { userStream } from '../index';
describe('streams', () => {
  it('names a user stream by id', () => expect(userStream('a')).toBe('user-a'));
});
