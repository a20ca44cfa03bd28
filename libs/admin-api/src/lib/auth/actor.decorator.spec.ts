import { actorOf } from './actor.decorator';

describe('actorOf', () => {
  it('names the token by its label and id', () => {
    expect(actorOf({ tokenId: 't-1', role: 'admin', label: 'ops' })).toBe('api:ops (token t-1)');
  });

  it('names a token without a label by its id alone', () => {
    expect(actorOf({ tokenId: 't-2', role: 'viewer', label: '' })).toBe('api:token t-2');
  });
});
