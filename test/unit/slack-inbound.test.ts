import { checkInbound, MAX_BODY_BYTES } from '../../src/slack/receivers/inbound';
import { signedRequest } from '../fakes/slack-signing';

const SECRET = 'unit-secret';
const NOW = 1_800_000_000;

function request(body: string | Record<string, unknown>, options: { secret?: string; at?: number } = {}) {
  const signed = signedRequest(options.secret ?? SECRET, body, options.at ?? NOW);
  return {
    header: (name: string) => signed.headers[name],
    body: Buffer.from(signed.body),
  };
}

describe('checkInbound', () => {
  it.each([
    ['payload=null', 400],
    ['payload=not%20json', 400],
    ['payload=%5B1%2C2%5D', 400],
    ['null', 400],
    ['[]', 400],
    ['{"type":42}', 400],
    ['{"hello":"world"}', 400],
    ['{"type":"url_verification"}', 400],
    ['payload=%7B%22type%22%3A%22block_actions%22%2C%22actions%22%3Anull%7D', 400],
    ['payload=%7B%22type%22%3A%22view_submission%22%2C%22view%22%3Anull%7D', 400],
    ['{"type":"event_callback","event":"x"}', 400],
    ['{"type":"event_callback","event":{"type":"app_mention"},"team":"T1"}', 400],
  ])('refuses the signed body %s without throwing', (body, status) => {
    expect(checkInbound(request(body), SECRET, NOW)).toEqual(expect.objectContaining({ ok: false, status }));
  });

  it('refuses everything, even a body signed with the empty key, when no signing secret is configured', () => {
    expect(checkInbound(request('payload=null', { secret: '' }), '', NOW)).toEqual({
      ok: false,
      status: 503,
      reason: 'no signing secret is configured',
    });
  });

  it('checks the signature before parsing: an unsigned bad body is a 401, not a parse error', () => {
    const unsigned = { header: () => undefined, body: Buffer.from('payload=not json') };
    expect(checkInbound(unsigned, SECRET, NOW)).toEqual({
      ok: false,
      status: 401,
      reason: 'unsigned request',
    });
    expect(checkInbound(request('payload=null', { secret: 'other' }), SECRET, NOW)).toEqual(
      expect.objectContaining({ status: 401, reason: 'bad signature' }),
    );
  });

  it('refuses timestamps more than five minutes away, in the past or the future', () => {
    const body = { type: 'block_actions', actions: [] };
    expect(checkInbound(request(body, { at: NOW - 301 }), SECRET, NOW)).toEqual(
      expect.objectContaining({ status: 401 }),
    );
    expect(checkInbound(request(body, { at: NOW + 3600 }), SECRET, NOW)).toEqual(
      expect.objectContaining({ status: 401 }),
    );
    expect(checkInbound(request(body, { at: NOW + 299 }), SECRET, NOW)).toEqual(
      expect.objectContaining({ ok: true }),
    );
  });

  it('refuses a body over the limit before computing anything', () => {
    const big = { header: () => undefined, body: Buffer.alloc(MAX_BODY_BYTES + 1, 'a') };
    expect(checkInbound(big, SECRET, NOW)).toEqual(expect.objectContaining({ status: 413 }));
  });

  it('parses interactions, commands, the ssl check and the url handshake', () => {
    expect(checkInbound(request({ type: 'block_actions', actions: [] }), SECRET, NOW)).toEqual({
      ok: true,
      inbound: { kind: 'event', body: { type: 'block_actions', actions: [] } },
    });
    expect(checkInbound(request({ command: '/iam-audit', text: 'help' }), SECRET, NOW)).toEqual({
      ok: true,
      inbound: { kind: 'event', body: { command: '/iam-audit', text: 'help' } },
    });
    expect(checkInbound(request('ssl_check=1&token=x'), SECRET, NOW)).toEqual({
      ok: true,
      inbound: { kind: 'ssl-check' },
    });
    expect(checkInbound(request({ type: 'url_verification', challenge: 'c1' }), SECRET, NOW)).toEqual({
      ok: true,
      inbound: { kind: 'url-verification', challenge: 'c1' },
    });
  });
});
