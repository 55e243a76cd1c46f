import type { LocalDate } from '../../src/domain/dates';
import type { Finding } from '../../src/domain/hygiene';
import type { IamInventory, IamUserSummary } from '../../src/domain/iam';
import {
  type Mute,
  mutingFor,
  NO_MUTING,
  parseMuteTag,
  screenFindings,
  tagMutes,
} from '../../src/domain/mutes';

const TODAY = '2026-05-01' as LocalDate;
const date = (text: string) => text as LocalDate;

const noMfa = (user: string): Finding => ({
  kind: 'no-mfa',
  key: `finding#no-mfa#${user}#mfa#2026-W18`,
  user,
  detail: 'console password enabled without MFA',
});
const tooOld = (user: string): Finding => ({
  kind: 'key-too-old',
  key: `finding#key-too-old#${user}#key-1#2026-W18`,
  user,
  slot: 1,
  createdOn: date('2025-01-01'),
  ageDays: 485,
  limitDays: 90,
  detail: 'access key 1 is 485 days old',
});

const mute = (over: Partial<Mute> = {}): Mute => ({
  user: 'alice',
  kinds: ['no-mfa'],
  until: date('2026-05-31'),
  reason: 'break-glass user, MFA held by the SRE safe',
  source: 'settings',
  ...over,
});

function inventory(users: Record<string, Record<string, string>>): IamInventory {
  const summary = (userName: string, tags: Record<string, string>): IamUserSummary => ({
    userName,
    arn: `arn:aws:iam::123456789012:user/${userName}`,
    tags,
    groups: [],
    attachedPolicyArns: [],
    inlinePolicyNames: [],
  });
  return {
    accountId: '123456789012',
    users: new Map(Object.entries(users).map(([name, tags]) => [name, summary(name, tags)])),
  };
}

describe('screenFindings', () => {
  it('keeps a muted finding quiet and leaves other kinds and users loud, in report order', () => {
    const found = [noMfa('alice'), tooOld('alice'), noMfa('bob')];
    const screened = screenFindings(found, { ...NO_MUTING, mutes: [mute()] }, TODAY);
    expect(screened.loud).toEqual([tooOld('alice'), noMfa('bob')]);
    expect(screened.muted).toEqual([{ finding: noMfa('alice'), silence: { kind: 'muted', mute: mute() } }]);
    expect(screened.expired).toEqual([]);
  });

  it('mutes every kind with *, and matches the user name regardless of case as IAM does', () => {
    const all = mute({ user: 'ALICE', kinds: '*' });
    const screened = screenFindings([noMfa('alice'), tooOld('alice')], { ...NO_MUTING, mutes: [all] }, TODAY);
    expect(screened.loud).toEqual([]);
    expect(screened.muted.map((m) => m.finding.kind)).toEqual(['no-mfa', 'key-too-old']);
  });

  it('holds through its until-date and ends the day after: the finding pings and is named as expired', () => {
    const until = mute({ until: TODAY });
    expect(screenFindings([noMfa('alice')], { ...NO_MUTING, mutes: [until] }, TODAY).loud).toEqual([]);

    const dayAfter = screenFindings([noMfa('alice')], { ...NO_MUTING, mutes: [until] }, date('2026-05-02'));
    expect(dayAfter.loud).toEqual([noMfa('alice')]);
    expect(dayAfter.muted).toEqual([]);
    expect(dayAfter.expired).toEqual([{ finding: noMfa('alice'), mute: until }]);
  });

  it('prefers an active mute to an expired one, and the latest of several', () => {
    const old = mute({ until: date('2026-04-01'), reason: 'old' });
    const longer = mute({ until: date('2026-12-31'), reason: 'renewed' });
    const shorter = mute({ until: date('2026-06-30'), reason: 'first renewal' });
    const screened = screenFindings([noMfa('alice')], { ...NO_MUTING, mutes: [old, shorter, longer] }, TODAY);
    expect(screened.muted).toEqual([{ finding: noMfa('alice'), silence: { kind: 'muted', mute: longer } }]);
    expect(screened.expired).toEqual([]);
  });

  it('keeps a protected user quiet, before and without any mute', () => {
    const muting = {
      mutes: [mute({ until: date('2026-01-01') })],
      isProtected: (u: string) => u === 'alice',
    };
    const screened = screenFindings([noMfa('alice'), noMfa('bob')], muting, TODAY);
    expect(screened.muted).toEqual([{ finding: noMfa('alice'), silence: { kind: 'protected' } }]);
    expect(screened.loud).toEqual([noMfa('bob')]);
    expect(screened.expired).toEqual([]);
  });
});

describe('parseMuteTag', () => {
  it('reads kinds joined by /, the until-date and the rest as the reason', () => {
    expect(
      parseMuteTag('alice', 'no-mfa/key-too-old until=2026-12-31 reason=SRE break-glass: see INC-42'),
    ).toEqual({
      user: 'alice',
      kinds: ['no-mfa', 'key-too-old'],
      until: '2026-12-31',
      reason: 'SRE break-glass: see INC-42',
      source: 'tag',
    });
  });

  it('reads all as every kind (IAM tag values cannot hold *), and Japanese reasons', () => {
    expect(parseMuteTag('bot', 'all until=2026-06-30 reason=移行中のため')).toMatchObject({
      kinds: '*',
      reason: '移行中のため',
    });
  });

  it.each([
    ['no-mfa', { kind: 'format' }],
    ['no-mfa until=2026-02-30 reason=x', { kind: 'date', text: '2026-02-30' }],
    ['no-mfa until=2026/12/31 reason=x', { kind: 'date', text: '2026/12/31' }],
    ['no-mfa until=2026-12-31 reason=  ', { kind: 'reason' }],
    ['no-mfa/nope until=2026-12-31 reason=x', { kind: 'kinds', unknown: ['nope'] }],
  ])('refuses %p', (value, problem) => {
    expect(parseMuteTag('alice', value)).toEqual({ problem });
  });
});

describe('tagMutes and mutingFor', () => {
  const iam = inventory({
    alice: { 'keywarden:mute': 'no-mfa until=2026-12-31 reason=hardware key on order' },
    bob: {
      'keywarden:mute:keys': 'key-too-old until=2026-06-30 reason=vendor rotation',
      'keywarden:mute:bad': 'whenever',
      'keywarden:muted': 'not ours',
    },
    carol: { 'keywarden:protected': 'true' },
  });

  it('reads keywarden:mute and keywarden:mute:<label>, and reports the tags it cannot read', () => {
    const { mutes, problems } = tagMutes(iam);
    expect(mutes.map((m) => [m.user, m.kinds])).toEqual([
      ['alice', ['no-mfa']],
      ['bob', ['key-too-old']],
    ]);
    expect(problems).toEqual([{ user: 'bob', key: 'keywarden:mute:bad', problem: { kind: 'format' } }]);
  });

  it('adds settings to tags, and knows protected users by setting or tag', () => {
    const { muting } = mutingFor([mute({ user: 'dave' })], new Set(['erin']), iam);
    expect(muting.mutes.map((m) => m.user)).toEqual(['dave', 'alice', 'bob']);
    expect(['carol', 'erin', 'alice'].map(muting.isProtected)).toEqual([true, true, false]);
  });

  it('holds a setting naming an account only in that account; one naming none in every account', () => {
    const everywhere = mute({ user: 'ci-deploy' });
    const onlyHere = mute({ user: 'ci-deploy', reason: 'account A only', account: '123456789012' });
    const elsewhere = mute({ user: 'ci-deploy', reason: 'account B only', account: '999988887777' });
    const settings = [everywhere, onlyHere, elsewhere];
    // The inventory's account by default, or the one the caller names.
    expect(mutingFor(settings, new Set(), iam).muting.mutes.slice(0, 2)).toEqual([everywhere, onlyHere]);
    expect(mutingFor(settings, new Set(), null, '999988887777').muting.mutes).toEqual([
      everywhere,
      elsewhere,
    ]);
    // An account-bound setting holds nowhere when the account is not known.
    expect(mutingFor(settings, new Set(), null).muting.mutes).toEqual([everywhere]);
    const { muting } = mutingFor([onlyHere], new Set(), null, '999988887777');
    expect(screenFindings([noMfa('ci-deploy')], muting, TODAY).loud).toEqual([noMfa('ci-deploy')]);
  });

  it('without an inventory (a saved report) knows only the settings', () => {
    const { muting, problems } = mutingFor([mute()], new Set(['erin']), null);
    expect(muting.mutes).toEqual([mute()]);
    expect(problems).toEqual([]);
    expect(['erin', 'carol'].map(muting.isProtected)).toEqual([true, false]);
  });
});
