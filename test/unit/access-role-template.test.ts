import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');
// CloudFormation's short forms, kept as their long forms so the test can compare them.
const TAGS = [
  { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
  { tag: '!GetAtt', resolve: (value: string) => ({ 'Fn::GetAtt': value.split('.') }) },
  { tag: '!Sub', resolve: (value: string) => ({ 'Fn::Sub': value }) },
];
const read = (file: string) => parse(readFileSync(join(ROOT, file), 'utf8'), { customTags: TAGS });

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

const template = read('infra/keywarden-access-role.yml');
const serverless = read('serverless.yml');
const role = template.Resources.KeywardenAccess;
const statements: Statement[] = role.Properties.Policies.flatMap(
  (policy: { PolicyDocument: { Statement: Statement[] } }) => policy.PolicyDocument.Statement,
);
const actions = (list: Statement[]) => list.flatMap((statement) => [statement.Action].flat());

describe('infra/keywarden-access-role.yml (the member-account role)', () => {
  it("allows exactly the IAM actions of Keywarden's own role, and nothing of DynamoDB, S3, STS or Lambda", () => {
    const own = actions(serverless.provider.iam.role.statements).filter((action) =>
      action.startsWith('iam:'),
    );
    expect(actions(statements).sort()).toEqual(own.sort());
    expect(statements.every((statement) => statement.Effect === 'Allow')).toBe(true);
  });

  it('scopes everything but the account-wide reads to this account, by parameters only', () => {
    for (const statement of statements) {
      if (statement.Resource === '*') {
        expect(actions([statement]).every((action) => /^iam:(Get|Generate)/.test(action))).toBe(true);
        continue;
      }
      for (const resource of [statement.Resource].flat())
        expect(resource).toEqual({
          'Fn::Sub': expect.stringMatching(
            /^arn:\$\{AWS::Partition\}:iam::\$\{AWS::AccountId\}:(user|group|mfa|policy)\/\*$/,
          ),
        });
    }
    // StackSet-ready: no account id written into the template, one instance per account.
    expect(readFileSync(join(ROOT, 'infra/keywarden-access-role.yml'), 'utf8')).not.toMatch(/\b\d{12}\b/);
  });

  it("trusts only the Keywarden account's function role, for one-hour sessions", () => {
    expect(role.Properties.MaxSessionDuration).toBe(3600);
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${KeywardenAccountId}:root` } },
        Action: 'sts:AssumeRole',
        Condition: {
          ArnEquals: {
            'aws:PrincipalArn': {
              'Fn::Sub': `arn:\${AWS::Partition}:iam::\${KeywardenAccountId}:role/\${KeywardenRoleName}`,
            },
          },
        },
      },
    ]);
    expect(template.Parameters.KeywardenAccountId.AllowedPattern).toBe('^[0-9]{12}$');
  });

  it("is named as Keywarden assumes it, and defaults to the name osls gives the functions' role", () => {
    expect(role.Properties.RoleName).toEqual({ Ref: 'RoleName' });
    expect(template.Parameters.RoleName.Default).toBe(serverless.params.default.assumeRoleName);
    expect(template.Parameters.KeywardenRoleName.Default).toBe(
      `${serverless.service}-prod-ap-northeast-1-lambdaRole`,
    );
  });
});
