import {
  ownerEmails,
  PeopleDirectory,
  PeopleFormatError,
  parsePeople,
  resolveOwner,
} from '../../src/domain/people';
import { messages } from '../../src/text/messages';

const en = messages('en');
const ja = messages('ja');

const table = parsePeople([
  ['Slack ID', '姓', '名'],
  ['U01YAMADA', '山田', '太郎'],
  ['U02SATO', 'Sato', 'Hanako'],
  ['U03TWIN', '鈴木', '一郎'],
  ['U04TWIN', '鈴木', '一郎'],
  ['not-an-id', '田中', '次郎'],
]);
const directory = new PeopleDirectory(table.people);
const noHints = { tags: {}, emailToSlackId: new Map<string, string | null>() };

describe('people table', () => {
  it('keeps valid people and reports the rest by row', () => {
    expect(table.people).toHaveLength(4);
    expect(table.problems).toEqual(['people row 6: "not-an-id" is not a Slack user id']);
  });

  it('needs the three columns', () => {
    expect(() => parsePeople([['Slack ID', 'name']])).toThrow(PeopleFormatError);
  });

  it.each([
    ['山田 太郎', 'U01YAMADA'],
    ['山田　太郎', 'U01YAMADA'],
    ['山田太郎', 'U01YAMADA'],
    ['Hanako Sato', 'U02SATO'],
    ['SATO HANAKO', 'U02SATO'],
  ])('matches %p on family and given name', (name, slackId) => {
    expect(resolveOwner(name, directory, noHints)).toEqual({ kind: 'slack', slackId, via: 'people-table' });
  });
});

describe('resolveOwner', () => {
  it('refuses to guess between two people of the same name', () => {
    const owner = resolveOwner('鈴木一郎', directory, noHints);
    expect(owner).toEqual({
      kind: 'unknown',
      reason: { tried: expect.arrayContaining([{ kind: 'name', name: '鈴木一郎', matches: 2 }]) },
    });
  });

  it('falls back to the SlackId tag, then the Email tag', () => {
    expect(
      resolveOwner('Nobody', directory, { tags: { SlackId: 'U09TAG' }, emailToSlackId: new Map() }),
    ).toEqual({
      kind: 'slack',
      slackId: 'U09TAG',
      via: 'slack-id-tag',
    });
    const viaEmail = {
      tags: { Email: 'Ann@Example.com' },
      emailToSlackId: new Map([['ann@example.com', 'U10ANN']]),
    };
    expect(resolveOwner('Nobody', directory, viaEmail)).toEqual({
      kind: 'slack',
      slackId: 'U10ANN',
      via: 'email-tag',
    });
  });

  it('after the people table, the ledger’s email column, before either IAM tag', () => {
    const emailToSlackId = new Map([
      ['taro@example.com', 'U20TARO'],
      ['tag@example.com', 'U21TAG'],
    ]);
    const tags = { SlackId: 'U09TAG', Email: 'tag@example.com' };
    expect(
      resolveOwner('Nobody', directory, { ledgerEmail: 'Taro@Example.com', tags, emailToSlackId }),
    ).toEqual({
      kind: 'slack',
      slackId: 'U20TARO',
      via: 'ledger-email',
    });
    // An address Slack does not know falls through to the tags, and is named if nothing answers.
    expect(
      resolveOwner('Nobody', directory, {
        ledgerEmail: 'gone@example.com',
        tags,
        emailToSlackId: new Map([['gone@example.com', null]]),
      }),
    ).toMatchObject({ via: 'slack-id-tag' });
    expect(
      resolveOwner('Nobody', directory, {
        ledgerEmail: 'gone@example.com',
        tags: {},
        emailToSlackId: new Map([['gone@example.com', null]]),
      }),
    ).toEqual({
      kind: 'unknown',
      reason: {
        tried: [
          { kind: 'name', name: 'Nobody', matches: 0 },
          { kind: 'ledger-email', address: 'gone@example.com', noSlackUser: true },
          { kind: 'no-slack-id-tag' },
          { kind: 'no-email-tag' },
        ],
      },
    });
  });

  it('asks Slack only about addresses that could decide the owner', () => {
    const tags = { SlackId: 'U09TAG', Email: 'tag@example.com' };
    expect(ownerEmails('Nobody', directory, { ledgerEmail: 'a@example.com', tags })).toEqual([
      'a@example.com',
    ]);
    expect(
      ownerEmails('Nobody', directory, { ledgerEmail: 'a@example.com', tags: { Email: 'tag@example.com' } }),
    ).toEqual(['a@example.com', 'tag@example.com']);
    expect(ownerEmails('Nobody', directory, { tags: {} })).toEqual([]);
  });

  it('says why nobody was found', () => {
    const owner = resolveOwner('Nobody', directory, {
      tags: { SlackId: 'bob', Email: 'bob@example.com' },
      emailToSlackId: new Map([['bob@example.com', null]]),
    });
    if (owner.kind !== 'unknown') throw new Error('expected no owner');
    expect(en.reasons.ownerUnknown(owner.reason)).toBe(
      'name "Nobody" is not in the people table; tag SlackId="bob" is not a Slack user id; no Slack user has email bob@example.com',
    );
    expect(ja.reasons.ownerUnknown(owner.reason)).toBe(
      '氏名「Nobody」は人員表にありません、SlackId タグの「bob」は Slack のユーザー ID ではありません、メールアドレス bob@example.com の Slack ユーザーはいません',
    );
  });
});
