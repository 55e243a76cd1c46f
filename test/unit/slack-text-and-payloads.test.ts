import { buttonClick, extendSubmission, refusalReason, senderOf } from '../../src/slack/payloads';
import { clipEscaped, escapeText, mention } from '../../src/text/mrkdwn';

describe('escapeText and mention', () => {
  it('escapes exactly &, < and >, once', () => {
    expect(escapeText('<!channel> & <@U1|x> <http://a|b> *bold*')).toBe(
      '&lt;!channel&gt; &amp; &lt;@U1|x&gt; &lt;http://a|b&gt; *bold*',
    );
  });

  it('cuts escaped text without leaving half an entity', () => {
    expect(clipEscaped(escapeText('ab<c'), 4)).toBe('ab');
    expect(clipEscaped(escapeText('ab<c'), 6)).toBe('ab&lt;');
    expect(clipEscaped('short', 10)).toBe('short');
  });

  it('mentions real user ids and shows anything else as text', () => {
    expect(mention('U01YAMADA')).toBe('<@U01YAMADA>');
    expect(mention('W0ENTERPRISE')).toBe('<@W0ENTERPRISE>');
    expect(mention('!channel')).toBe('!channel');
    expect(mention('U1><!here')).toBe('U1&gt;&lt;!here');
  });
});

const click = (value: unknown, user: unknown = 'U01YAMADA') => ({
  user: { id: user },
  trigger_id: '123.456.abcdef',
  response_url: 'https://hooks.slack.com/actions/T1/1/x',
  actions: [{ action_id: 'keywarden_delete', value }],
});

const submission = (date: unknown) => ({
  user: { id: 'U01YAMADA' },
  view: {
    private_metadata: 'AKIAEXAMPLEETLXX1001#2026-11-28',
    state: { values: { new_end_date: { date: { selected_date: date } }, reason: { text: { value: 'x' } } } },
  },
});

describe('payload schemas', () => {
  it('takes a case id of our own format only', () => {
    expect(buttonClick.safeParse(click('AKIAEXAMPLEETLXX1001#2026-11-28')).success).toBe(true);
    for (const value of ['A'.repeat(100_000), '', '<!channel>', 'AKIAEXAMPLEETLXX1001#2026/11/28', null, 1])
      expect(buttonClick.safeParse(click(value)).success).toBe(false);
    expect(buttonClick.safeParse(click('AKIAEXAMPLEETLXX1001#2026-11-28', 'u01')).success).toBe(false);
  });

  it('takes a strict YYYY-MM-DD date that exists, and hands back a LocalDate', () => {
    const parsed = extendSubmission.safeParse(submission('2026-12-28'));
    expect(parsed.success && parsed.data.view.state.values.new_end_date.date.selected_date).toBe(
      '2026-12-28',
    );
    for (const date of [
      '=HYPERLINK("http://evil","x")',
      '2026/12/28',
      '2026-2-3',
      '2026-02-30',
      ' 2026-12-28',
      null,
    ])
      expect(extendSubmission.safeParse(submission(date)).success).toBe(false);
  });

  it('explains a refusal by path and rule, never by the value', () => {
    const result = buttonClick.safeParse(click('=SECRET'));
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(refusalReason(result.error)).toBe('actions.0.value: not a case id');
      expect(refusalReason(result.error)).not.toContain('SECRET');
    }
  });

  it('finds who to answer in a refused payload only when it looks right', () => {
    expect(senderOf(click('x'))).toEqual({
      user: 'U01YAMADA',
      responseUrl: 'https://hooks.slack.com/actions/T1/1/x',
    });
    expect(senderOf({ user_id: 'U0ADMIN', response_url: 'javascript:alert(1)' })).toEqual({
      user: 'U0ADMIN',
    });
    expect(senderOf(null)).toEqual({});
    expect(senderOf({ user: { id: '<!channel>' } })).toEqual({});
  });
});
