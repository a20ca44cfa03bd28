import { JsonLogger } from './json-logger';
import { redact, REDACTED } from './redact';
import { requestContext } from './request-context';

describe('redact', () => {
  it('hides secrets by key and inside text, and keeps the rest', () => {
    expect(
      redact({
        headers: { authorization: 'Bearer dsk_abc', cookie: 'session=1', 'user-agent': 'curl' },
        password: 'hunter2',
        source: { user: 'ftp', password: 'S3cret', remotePath: '/x.csv' },
        ETL_ADMIN_TOKEN: 'a-long-admin-token-value',
        adminToken: 'x',
        tokenId: 'keep-me',
        note: 'sent Authorization: Bearer abc.def and dsk_Zz09-_ and /api?token=t0p&x=1',
        list: [{ secret: 's' }],
      }),
    ).toEqual({
      headers: { authorization: REDACTED, cookie: REDACTED, 'user-agent': 'curl' },
      password: REDACTED,
      source: { user: 'ftp', password: REDACTED, remotePath: '/x.csv' },
      ETL_ADMIN_TOKEN: REDACTED,
      adminToken: REDACTED,
      tokenId: 'keep-me',
      note: `sent Authorization: Bearer ${REDACTED} and dsk_${REDACTED} and /api?token=${REDACTED}&x=1`,
      list: [{ secret: REDACTED }],
    });
  });
});

describe('JsonLogger', () => {
  it('writes one JSON object per line with time, level, msg, context and the request id, secrets redacted', () => {
    const lines: string[] = [];
    const logger = new JsonLogger({ level: 'log', write: (line) => void lines.push(line) });
    requestContext.run({ requestId: 'r-1' }, () => {
      logger.log({ msg: 'called', headers: { authorization: 'Bearer dsk_secret' }, password: 'p' }, 'Test');
      logger.warn('token dsk_secret2 seen', 'Test');
    });
    logger.error('failed', 'Error: x\n    at y', 'Test');
    logger.debug('not written at level log', 'Test');
    expect(lines).toHaveLength(3);
    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    const [first, second, third] = lines.map((line) => JSON.parse(line));
    expect(first).toEqual({ time: expect.any(String), level: 'info', msg: 'called', context: 'Test', requestId: 'r-1', headers: { authorization: REDACTED }, password: REDACTED });
    expect(second).toMatchObject({ level: 'warn', msg: `token dsk_${REDACTED} seen`, requestId: 'r-1' });
    expect(third).toMatchObject({ level: 'error', msg: 'failed', context: 'Test', stack: 'Error: x\n    at y' });
    expect(lines.join('')).not.toMatch(/dsk_secret/);
  });
});
