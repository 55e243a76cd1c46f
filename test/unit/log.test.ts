import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger, redact, redactText } from '../../src/log';

describe('redaction', () => {
  it('hides tokens, secret keys and private keys inside strings', () => {
    const text = redactText(
      'bot xoxb-1234-5678-abcdefABCDEF app xapp-1-A0-123 secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY ' +
        'auth Bearer ya29.a0AfH6SM -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY----- key AKIAEXAMPLEETLXX1001',
    );
    expect(text).not.toMatch(/xoxb-|xapp-|wJalr|ya29|MIIE/);
    expect(text).toContain('AKIAEXAMPLEETLXX1001');
  });

  it('hides values of secret-looking fields at any depth', () => {
    expect(
      redact({ slack: { botToken: 'abc', signingSecret: 'def' }, user: 'etl', list: [{ password: 'p' }] }),
    ).toEqual({
      slack: { botToken: '[REDACTED]', signingSecret: '[REDACTED]' },
      user: 'etl',
      list: [{ password: '[REDACTED]' }],
    });
  });

  it('keeps counts and flags under secret-sounding names: they are not secrets', () => {
    expect(
      redact({ 'password-expired': 2, 'unused-credentials': 5, passwordPolicy: true, password: 'p' }),
    ).toEqual({
      'password-expired': 2,
      'unused-credentials': 5,
      passwordPolicy: true,
      password: '[REDACTED]',
    });
  });

  it('reaches the log output redacted', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { sweepId: 's1' });
    logger.clear();
    logger.add(
      new winston.transports.Stream({
        stream: new Writable({
          write(chunk, _encoding, done) {
            lines.push(String(chunk));
            done();
          },
        }),
      }),
    );
    logger.info('posting with xoxb-9999-8888-secretsecret', {
      token: 'xoxb-1',
      error: new Error('bad xoxp-1-2-3'),
    });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ sweepId: 's1', token: '[REDACTED]', message: 'posting with [REDACTED]' });
    expect(JSON.stringify(entry)).not.toMatch(/xox[bp]-/);
  });
});
