import type { LocalDate } from '../../src/domain/dates';
import type { Finding } from '../../src/domain/hygiene';
import type { LedgerRow } from '../../src/domain/ledger';
import type { UserHoldings } from '../../src/domain/teardown';
import { ledgerReport, topicFindings, userReport } from '../../src/text/hygiene-reports';
import { messages } from '../../src/text/messages';

const en = messages('en');

const date = (text: string) => text as LocalDate;

function row(rowNumber: number, iamUser: string, endDate: string, name = '山田 太郎'): LedgerRow {
  return {
    rowNumber,
    id: `AKIAEXAMPLE0000000${rowNumber}`,
    name,
    purpose: 'nightly ETL',
    resource: 's3://etl',
    iamUser,
    accessKeyId: `AKIAEXAMPLE0000000${rowNumber}`,
    startDate: null,
    endDate: date(endDate),
    status: 'active',
    accountId: null,
  };
}

const holdings: UserHoldings = {
  userName: 'etl-batch',
  accessKeys: [{ accessKeyId: 'AKIAEXAMPLE00000002', status: 'Active' }],
  loginProfile: false,
  mfaDevices: [],
  signingCertificates: [],
  sshPublicKeys: [],
  serviceSpecificCredentials: [],
  groups: ['etl'],
  inlinePolicies: [],
  attachedPolicies: ['arn:aws:iam::123456789012:policy/etl-read'],
};

describe('/iam-audit answers', () => {
  it('lists ledger rows ending soon with aligned columns and the malformed count', () => {
    expect(ledgerReport([row(2, 'etl-batch', '2026-12-03')], date('2026-11-30'), 30, 1, en)).toBe(
      [
        'Ledger rows ending by 2026/11/30 + 30 days: 1',
        'row  end         days  status  IAM user   key        name',
        '2    2026/12/03  3     active  etl-batch  AKIA…0002  山田 太郎',
        '',
        '1 malformed rows (see /iam-audit sweep)',
      ].join('\n'),
    );
  });

  it('shows a user with what IAM holds and its ledger rows, and says when nothing matches', () => {
    expect(
      userReport(
        'etl-batch',
        [
          { userName: 'etl-batch', holdings, rows: [row(2, 'etl-batch', '2026-12-03')] },
          { userName: 'gone', holdings: null, rows: [row(3, 'gone', '2026-10-01')] },
        ],
        en,
      ),
    ).toBe(
      [
        'IAM user etl-batch: exists',
        '  keys: AKIA…0002 Active',
        '  console password: no, MFA devices: 0',
        '  groups: etl',
        '  policies: arn:aws:iam::123456789012:policy/etl-read',
        '  ledger row 2: 山田 太郎, AKIA…0002, ends 2026/12/03, active',
        'IAM user gone: not in IAM',
        '  ledger row 3: 山田 太郎, AKIA…0003, ends 2026/10/01, active',
      ].join('\n'),
    );
    expect(userReport('nobody', [], en)).toBe('No IAM user or ledger row matches "nobody".');
  });

  it('tabulates a topic of findings, or says there are none', () => {
    const finding: Finding = {
      key: 'k',
      user: 'ops',
      detail: 'console password without MFA',
      kind: 'no-mfa',
    };
    expect(topicFindings('mfa', [finding], en)).toBe(
      ['user  finding  detail', 'ops   no-mfa   console password without MFA'].join('\n'),
    );
    expect(topicFindings('keys', [], en)).toBe('No keys findings.');
  });
});
