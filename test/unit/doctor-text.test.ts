import { type DoctorService, doctorText } from '../../src/text/doctor';
import type { FailureKind } from '../../src/util/failure';

const SERVICES: readonly DoctorService[] = [
  'secrets',
  'clients',
  'ledger-csv',
  'sheets',
  'iam',
  'iam-role',
  'dynamodb',
  'slack',
];
const NETWORK: readonly FailureKind[] = ['dns', 'refused', 'closed', 'tls', 'timeout'];
const context = {
  endpointSetting: 'X_ENDPOINT',
  table: 'keywarden',
  region: 'ap-northeast-1',
  timeoutSeconds: 10,
};

describe("the doctor's fixes", () => {
  it('send a network failure to the network, never to permissions or a reinstall, in both languages', () => {
    for (const language of ['en', 'ja'] as const)
      for (const service of SERVICES)
        for (const kind of NETWORK) {
          const fix = doctorText(language).fix(service, { kind, code: 'X', host: 'api.example' }, context);
          expect(fix).toContain('api.example (X_ENDPOINT)');
          expect(fix).not.toMatch(/policy|ポリシー|reinstall|再インストール|share the spreadsheet|共有/);
        }
  });

  it('give each service its own fix for auth, permission and not found', () => {
    const en = doctorText('en');
    expect(en.fix('iam', { kind: 'permission', code: 'AccessDenied' }, context)).toMatch(/attach the policy/);
    expect(en.fix('slack', { kind: 'auth', code: 'invalid_auth' }, context)).toMatch(/reinstall the app/);
    expect(en.fix('sheets', { kind: 'permission', code: '403' }, context)).toMatch(/share the spreadsheet/);
    expect(en.fix('dynamodb', { kind: 'not-found', code: 'ResourceNotFoundException' }, context)).toMatch(
      /no table keywarden in ap-northeast-1/,
    );
    expect(en.fix('slack', { kind: 'not-found', code: 'channel_not_found' }, context)).toMatch(
      /SLACK_ADMIN_CHANNEL/,
    );
    expect(doctorText('ja').fix('iam', { kind: 'permission', code: 'AccessDenied' }, context)).toMatch(
      /ポリシー/,
    );
  });
});
