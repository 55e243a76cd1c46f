import type { LocalDate } from '../../src/domain/dates';
import {
  buildJournalKey,
  deactivationKey,
  finalNoticeKey,
  findingKey,
  type JournalKey,
  journalKeyPrefix,
  legacyFindingKey,
  noticeKey,
  ownerUnknownKey,
  parseJournalKey,
  pendingReminderKey,
  staleKeyDeactivationKey,
  teardownKey,
} from '../../src/domain/journal-keys';

const endDate = '2026-11-28' as LocalDate;
const row = { id: 'AKIAEXAMPLEETLXX1001', endDate };

describe('journal keys', () => {
  // Journals outlive deploys: these strings are what DynamoDB already holds.
  it('keeps the exact key text that existing journals hold', () => {
    expect(noticeKey(row)).toBe('notice#AKIAEXAMPLEETLXX1001#2026-11-28');
    expect(ownerUnknownKey(row)).toBe('owner-unknown#AKIAEXAMPLEETLXX1001#2026-11-28');
    expect(finalNoticeKey(row)).toBe('final-notice#AKIAEXAMPLEETLXX1001#2026-11-28');
    expect(teardownKey(row)).toBe('teardown#AKIAEXAMPLEETLXX1001#2026-11-28');
    expect(deactivationKey(row)).toBe('deactivate#AKIAEXAMPLEETLXX1001#2026-11-28');
    expect(staleKeyDeactivationKey('AKIAEXAMPLESTALE0001')).toBe('deactivate#AKIAEXAMPLESTALE0001');
    expect(findingKey(null, 'key-too-old', 'etl-batch', 'key-1', '2026-W48')).toBe(
      'finding#key-too-old#etl-batch#key-1#2026-W48',
    );
    expect(pendingReminderKey(12, '2026-11-30' as LocalDate)).toBe('pending#12#2026-11-30');
  });

  const keys: readonly JournalKey[] = [
    { kind: 'notice', rowId: 'AKIAEXAMPLEETLXX1001', endDate },
    { kind: 'owner-unknown', rowId: 'AKIAEXAMPLEETLXX1001', endDate },
    { kind: 'final-notice', rowId: 'AKIAEXAMPLEETLXX1001', endDate },
    { kind: 'teardown', rowId: 'AKIAEXAMPLEETLXX1001', endDate },
    { kind: 'row-deactivation', rowId: 'AKIAEXAMPLEETLXX1001', endDate },
    { kind: 'stale-key-deactivation', accessKeyId: 'AKIAEXAMPLESTALE0001' },
    { kind: 'finding', finding: 'password-expiring', user: 'alice', credential: 'password', window: endDate },
    // A part that may hold `#` is read back whole.
    { kind: 'teardown', rowId: 'row#7', endDate },
    { kind: 'notice', rowId: '#', endDate },
    { kind: 'row-deactivation', rowId: 'a#b#2026-01-01', endDate },
    { kind: 'finding', finding: 'no-mfa', user: 'odd#user#name', credential: 'mfa', window: '2026-W48' },
    { kind: 'finding', finding: 'no-mfa', user: '', credential: 'mfa', window: '2026-W48' },
    { kind: 'pending-reminder', rowNumber: 12, week: endDate },
    // A member account's finding: the account id leads, the rest as in the home account.
    {
      kind: 'finding',
      account: '111122223333',
      finding: 'no-mfa',
      user: 'ci-deploy',
      credential: 'mfa',
      window: '2026-W48',
    },
    {
      kind: 'finding',
      account: '111122223333',
      finding: 'no-mfa',
      user: 'a#b',
      credential: 'mfa',
      window: '2026-W48',
    },
    {
      kind: 'finding',
      account: '111122223333',
      finding: 'no-mfa',
      user: '',
      credential: 'mfa',
      window: '2026-W48',
    },
  ];

  it.each(keys.map((key) => [buildJournalKey(key), key] as const))(
    'reads %s back as it was built',
    (text, key) => {
      expect(parseJournalKey(text)).toEqual(key);
    },
  );

  it('keys a member account’s finding by its account too, the home account’s as before', () => {
    const home = findingKey(null, 'no-mfa', 'ci-deploy', 'mfa', '2026-W48');
    const memberA = findingKey('111122223333', 'no-mfa', 'ci-deploy', 'mfa', '2026-W48');
    const memberB = findingKey('444455556666', 'no-mfa', 'ci-deploy', 'mfa', '2026-W48');
    expect(home).toBe('finding#no-mfa#ci-deploy#mfa#2026-W48');
    expect(memberA).toBe('finding#111122223333#no-mfa#ci-deploy#mfa#2026-W48');
    expect(new Set([home, memberA, memberB]).size).toBe(3);
    // A user name of twelve digits in the home account is still a user, not an account.
    expect(parseJournalKey('finding#no-mfa#123456789012#mfa#2026-W48')).toEqual({
      kind: 'finding',
      finding: 'no-mfa',
      user: '123456789012',
      credential: 'mfa',
      window: '2026-W48',
    });
    expect(parseJournalKey(memberA)).toMatchObject({ account: '111122223333', user: 'ci-deploy' });
  });

  it('tells the two deactivate# forms apart by the end date only a row’s has', () => {
    expect(parseJournalKey('deactivate#AKIAEXAMPLEETLXX1001#2026-11-28')).toEqual({
      kind: 'row-deactivation',
      rowId: 'AKIAEXAMPLEETLXX1001',
      endDate,
    });
    expect(parseJournalKey('deactivate#AKIAEXAMPLESTALE0001')).toEqual({
      kind: 'stale-key-deactivation',
      accessKeyId: 'AKIAEXAMPLESTALE0001',
    });
    expect(journalKeyPrefix('row-deactivation')).toBe('deactivate');
    expect(journalKeyPrefix('stale-key-deactivation')).toBe('deactivate');
  });

  it('reads text no builder makes as nothing', () => {
    for (const text of [
      '',
      'notice',
      'notice#AKIAEXAMPLEETLXX1001',
      'notice#AKIAEXAMPLEETLXX1001#2026-02-30',
      'notice#AKIAEXAMPLEETLXX1001#2026-11-28 ',
      'renamed#AKIAEXAMPLEETLXX1001#2026-11-28',
      'finding#no-mfa#alice#mfa',
      'pending#012#2026-11-30',
      'pending#0#2026-11-30',
      'pending#row#2026-11-30',
    ])
      expect(parseJournalKey(text)).toBeNull();
  });

  it("names a member finding's key from before keys named accounts, and none for the home account's", () => {
    expect(legacyFindingKey(findingKey('111122223333', 'no-mfa', 'ci#deploy', 'mfa', '2026-W48'))).toBe(
      'finding#no-mfa#ci#deploy#mfa#2026-W48',
    );
    expect(legacyFindingKey(findingKey(null, 'no-mfa', 'ci-deploy', 'mfa', '2026-W48'))).toBeNull();
    expect(legacyFindingKey('notice#AKIAEXAMPLEETLXX1001#2026-11-28')).toBeNull();
  });
});
