import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { HEARTBEAT } from '../../src/adapters/metrics/sweep-heartbeat';

/**
 * The CloudFormation template osls writes for `npm run package:ci` (stage `ci`, offline):
 * what would really be deployed, rather than serverless.yml as written. .ci/run packages
 * before the tests; run alone, this packages first when the template is missing or stale.
 */
const ROOT = join(__dirname, '..', '..');
const TEMPLATE = join(ROOT, '.serverless', 'cloudformation-template-update-stack.json');
const STATE = join(ROOT, '.serverless', 'serverless-state.json');

interface Resource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}
interface Statement {
  readonly Effect: string;
  /** One action or a list: osls writes some of its own statements with a single string. */
  readonly Action: string | string[];
  readonly Resource: unknown;
}
const actionsOf = (statement: Statement) => [statement.Action].flat();

function packagedForCi(): boolean {
  if (!existsSync(TEMPLATE) || !existsSync(STATE)) return false;
  const fresh = [join(ROOT, 'serverless.yml'), join(ROOT, 'package.json')].every(
    (source) => statSync(TEMPLATE).mtimeMs >= statSync(source).mtimeMs,
  );
  const stage = (JSON.parse(readFileSync(STATE, 'utf8')) as { service: { provider: { stage: string } } })
    .service.provider.stage;
  return fresh && stage === 'ci';
}

const CLOUDFORMATION_TAGS = ['!Ref', '!GetAtt', '!Sub'].map((tag) => ({
  tag,
  resolve: (value: string) => value,
}));

let resources: Record<string, Resource>;
let text: string;

beforeAll(() => {
  if (!packagedForCi())
    execFileSync('npm', ['run', '--silent', 'package:ci'], { cwd: ROOT, stdio: 'ignore', timeout: 280_000 });
  text = readFileSync(TEMPLATE, 'utf8');
  resources = (JSON.parse(text) as { Resources: Record<string, Resource> }).Resources;
}, 300_000);

const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const FUNCTIONS = ['slack', 'worker', 'sweepPrepare', 'sweepAccount', 'sweepFinish', 'digest', 'failures'];
const capitalized = (name: string) => `${name[0]?.toUpperCase()}${name.slice(1)}`;

function resourceOf(id: string): Resource {
  const resource = resources[id];
  if (!resource) throw new Error(`no ${id} in the template`);
  return resource;
}
const functionOf = (name: string) => resourceOf(`${capitalized(name)}LambdaFunction`).Properties;
const environmentOf = (name: string) =>
  (functionOf(name).Environment as { Variables: Record<string, unknown> }).Variables;

describe('the packaged CloudFormation template', () => {
  it('has the seven functions on Node 24 (arm64), each calling its bundle handler', () => {
    for (const name of FUNCTIONS) {
      expect(functionOf(name)).toMatchObject({
        Handler: `.build/lambda/index.${name}`,
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        FunctionName: `keywarden-ci-${name}`,
      });
    }
    expect(ofType('AWS::Lambda::Function')).toHaveLength(FUNCTIONS.length);
  });

  it('keeps every function log for 400 days', () => {
    const groups = ofType('AWS::Logs::LogGroup').map(([, group]) => group.Properties);
    expect(groups.map((group) => group.LogGroupName).sort()).toEqual(
      FUNCTIONS.map((name) => `/aws/lambda/keywarden-ci-${name}`).sort(),
    );
    for (const group of groups) expect(group.RetentionInDays).toBe(400);
  });

  it('has the state table with point-in-time recovery, handed to the functions by name', () => {
    expect(resources.StateTable).toMatchObject({
      Type: 'AWS::DynamoDB::Table',
      Properties: { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } },
    });
    const env = environmentOf('sweepAccount');
    expect(env.DYNAMODB_TABLE).toEqual({ Ref: 'StateTable' });
    expect(env.ARCHIVE_BUCKET).toEqual({ Ref: 'ArchiveBucket' });
    expect(env.SWEEP_RUN_BUCKET).toEqual({ Ref: 'SweepRunBucket' });
  });

  it('keeps the table and the bucket when the stack is removed or replaces them', () => {
    for (const id of ['StateTable', 'ArchiveBucket'])
      expect(resources[id]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(resourceOf('StateTable').Properties.DeletionProtectionEnabled).toBe(true);
    const bucket = resourceOf('ArchiveBucket').Properties;
    expect(bucket.BucketName).toEqual({ 'Fn::Sub': `keywarden-\${AWS::AccountId}-credential-reports` });
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    const rules = (bucket.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules).toEqual([
      expect.objectContaining({
        Status: 'Enabled',
        Prefix: 'credential-reports/',
        NoncurrentVersionExpiration: { NoncurrentDays: 365 },
      }),
    ]);
    // Current reports never expire: auditors read them years later.
    expect(rules[0]).not.toHaveProperty('ExpirationInDays');
  });

  it('holds no secret: the environment names SSM parameters, no value or resolve reference anywhere', () => {
    for (const name of FUNCTIONS) {
      const env = environmentOf(name);
      for (const secret of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'GOOGLE_SERVICE_ACCOUNT_JSON']) {
        expect(env).not.toHaveProperty(secret);
        expect(env[`${secret}_PARAMETER`]).toMatch(/^\/keywarden\/ci\/[a-z-]+$/);
      }
    }
    expect(text).not.toMatch(/xoxb-|xapp-|PRIVATE KEY|\{\{resolve:(ssm|secretsmanager)/);
  });

  it('gives the functions one role with no wildcard action, reading exactly its own parameters', () => {
    expect(ofType('AWS::IAM::Role').map(([id]) => id)).toContain('IamRoleLambdaExecution');
    const policies = resources.IamRoleLambdaExecution?.Properties.Policies as {
      PolicyDocument: { Statement: Statement[] };
    }[];
    const statements = policies.flatMap((policy) => policy.PolicyDocument.Statement);
    expect(statements.every((statement) => statement.Effect === 'Allow')).toBe(true);
    const actions = statements.flatMap(actionsOf);
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    // Only account-wide reads (and STS/Organizations lookups) may name every resource.
    const anyResource = statements.filter((statement) => statement.Resource === '*').flatMap(actionsOf);
    expect(
      anyResource.every((action) =>
        /^(iam:(Get|Generate)|sts:GetCallerIdentity$|organizations:List)/.test(action),
      ),
    ).toBe(true);
    const ssm = statements.filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith('ssm:')),
    );
    expect(ssm).toEqual([
      {
        Effect: 'Allow',
        Action: ['ssm:GetParameters'],
        Resource: ['slack-bot-token', 'slack-signing-secret', 'google-service-account-json'].map((name) => ({
          'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/keywarden/ci/${name}`,
        })),
      },
    ]);
    expect(actions.some((action) => action.startsWith('kms:') || action.startsWith('secretsmanager:'))).toBe(
      false,
    );
    // serverless.yml's statements (equal to the code's calls, test/unit/serverless.test.ts) plus
    // the framework's own for the functions' log groups: nothing else.
    const declared = (
      parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8'), { customTags: CLOUDFORMATION_TAGS }) as {
        provider: { iam: { role: { statements: Statement[] } } };
      }
    ).provider.iam.role.statements.flatMap(actionsOf);
    const framework = [
      'logs:CreateLogGroup',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'logs:TagResource',
    ];
    // The worker's on-failure destination, and the failures function's queue.
    const queues = ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];
    expect([...new Set(actions)].sort()).toEqual([...declared, ...framework, ...queues].sort());
    for (const statement of statements.filter((s) =>
      actionsOf(s).some((action) => action.startsWith('sqs:')),
    ))
      expect([statement.Resource].flat()).toEqual([{ 'Fn::GetAtt': ['WorkerFailures', 'Arn'] }]);
    // infra/keywarden-access-role.yml trusts this role by this name.
    expect(resourceOf('IamRoleLambdaExecution').Properties.RoleName).toEqual({
      'Fn::Join': ['-', ['keywarden', 'ci', { Ref: 'AWS::Region' }, 'lambdaRole']],
    });
    // Only the functions assume this role; the scheduler has its own.
    expect(resourceOf('IamRoleLambdaExecution').Properties.AssumeRolePolicyDocument).toMatchObject({
      Statement: [{ Principal: { Service: ['lambda.amazonaws.com'] } }],
    });
  });

  it('runs the sweep at 15:00 and the digest on Monday 09:00 in Tokyo with EventBridge Scheduler', () => {
    expect(ofType('AWS::Events::Rule')).toEqual([]);
    const schedules = Object.fromEntries(
      ofType('AWS::Scheduler::Schedule').map(([, schedule]) => {
        const { Target, ...rest } = schedule.Properties as { Target: { Arn: unknown; RoleArn: unknown } };
        return [JSON.stringify(Target.Arn), { ...rest, RoleArn: Target.RoleArn }];
      }),
    );
    const role = { 'Fn::GetAtt': ['SchedulerRole', 'Arn'] };
    expect(schedules).toEqual({
      [JSON.stringify({ Ref: 'SweepStateMachine' })]: expect.objectContaining({
        ScheduleExpression: 'cron(0 15 * * ? *)',
        ScheduleExpressionTimezone: 'Asia/Tokyo',
        RoleArn: role,
      }),
      [JSON.stringify({ 'Fn::GetAtt': ['DigestLambdaFunction', 'Arn'] })]: expect.objectContaining({
        ScheduleExpression: 'cron(0 9 ? * MON *)',
        ScheduleExpressionTimezone: 'Asia/Tokyo',
        RoleArn: role,
      }),
    });
    // The scheduler's role may start the sweep and invoke the digest, and do nothing else.
    const scheduler = resourceOf('SchedulerRole').Properties as {
      AssumeRolePolicyDocument: { Statement: { Principal: unknown }[] };
      Policies: { PolicyDocument: { Statement: Statement[] } }[];
    };
    expect(scheduler.AssumeRolePolicyDocument.Statement.map((s) => s.Principal)).toEqual([
      { Service: 'scheduler.amazonaws.com' },
    ]);
    expect(scheduler.Policies.flatMap((policy) => policy.PolicyDocument.Statement)).toEqual([
      { Effect: 'Allow', Action: 'states:StartExecution', Resource: { Ref: 'SweepStateMachine' } },
      {
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: { 'Fn::GetAtt': ['DigestLambdaFunction', 'Arn'] },
      },
    ]);
  });

  it('runs the sweep as a state machine whose role invokes its three steps and nothing else', () => {
    const machine = resourceOf('SweepStateMachine').Properties as {
      RoleArn: unknown;
      Definition: { States: Record<string, { Resource?: string }> };
      DefinitionSubstitutions: Record<string, unknown>;
    };
    const steps = ['SweepPrepare', 'SweepAccount', 'SweepFinish'].map((name) => ({
      'Fn::GetAtt': [`${name}LambdaFunction`, 'Arn'],
    }));
    expect(Object.values(machine.DefinitionSubstitutions)).toEqual(steps);
    // Every placeholder the definition uses is substituted.
    const placeholders = [...JSON.stringify(machine.Definition).matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
    expect(new Set(placeholders)).toEqual(new Set(Object.keys(machine.DefinitionSubstitutions)));
    const role = resourceOf('SweepStateMachineRole').Properties as {
      AssumeRolePolicyDocument: { Statement: { Principal: unknown }[] };
      Policies: { PolicyDocument: { Statement: Statement[] } }[];
    };
    expect(machine.RoleArn).toEqual({ 'Fn::GetAtt': ['SweepStateMachineRole', 'Arn'] });
    expect(role.AssumeRolePolicyDocument.Statement.map((s) => s.Principal)).toEqual([
      { Service: 'states.amazonaws.com' },
    ]);
    expect(role.Policies.flatMap((policy) => policy.PolicyDocument.Statement)).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: steps },
    ]);
    // The run store expires: nothing reads a run once its last step is done.
    const rules = (
      resourceOf('SweepRunBucket').Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }
    ).Rules;
    expect(rules).toEqual([expect.objectContaining({ Prefix: 'sweep-runs/', ExpirationInDays: 3 })]);
    // Kept on `sls remove` (a bucket with objects in it cannot be deleted); never read over plain HTTP.
    expect(resourceOf('SweepRunBucket')).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    const [policy] = ofType('AWS::S3::BucketPolicy')
      .map(([, resource]) => resource.Properties)
      .filter(
        (properties) => JSON.stringify(properties.Bucket) === JSON.stringify({ Ref: 'SweepRunBucket' }),
      );
    expect((policy?.PolicyDocument as { Statement?: unknown[] } | undefined)?.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it('lets the worker start the sweep state machine by an ARN it builds, so no reference goes round in a circle', () => {
    const name = resourceOf('SweepStateMachine').Properties.StateMachineName;
    expect(name).toBe('keywarden-ci-sweep');
    const arn = {
      'Fn::Sub': `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:stateMachine:${name}`,
    };
    expect(environmentOf('worker').SWEEP_STATE_MACHINE_ARN).toEqual(arn);
    for (const other of FUNCTIONS.filter((fn) => fn !== 'worker'))
      expect(environmentOf(other).SWEEP_STATE_MACHINE_ARN).toBeUndefined();
    const statements = (
      resourceOf('IamRoleLambdaExecution').Properties.Policies as {
        PolicyDocument: { Statement: Statement[] };
      }[]
    ).flatMap((policy) => policy.PolicyDocument.Statement);
    expect(statements.filter((statement) => actionsOf(statement).includes('states:StartExecution'))).toEqual([
      { Effect: 'Allow', Action: ['states:StartExecution'], Resource: arn },
    ]);
    // CloudFormation refuses a template whose resources depend on each other in a circle.
    const dependsOn = (value: unknown): string[] => {
      if (Array.isArray(value)) return value.flatMap(dependsOn);
      if (value === null || typeof value !== 'object') return [];
      return Object.entries(value).flatMap(([key, inner]) => {
        if (key === 'Ref' && typeof inner === 'string') return [inner];
        if (key === 'Fn::GetAtt') return [[inner].flat()[0] as string];
        if (key === 'Fn::Sub')
          return [...JSON.stringify(inner).matchAll(/\$\{([A-Za-z0-9]+)[.}]/g)].map((m) => m[1] as string);
        if (key === 'DependsOn') return [inner].flat() as string[];
        return dependsOn(inner);
      });
    };
    const edges = new Map(
      Object.entries(resources).map(([id, resource]) => [
        id,
        dependsOn(resource).filter((target) => target in resources),
      ]),
    );
    const state = new Map<string, 'visiting' | 'done'>();
    const cycleFrom = (id: string, path: readonly string[]): string[] | null => {
      if (state.get(id) === 'done') return null;
      if (state.get(id) === 'visiting') return [...path, id];
      state.set(id, 'visiting');
      for (const next of edges.get(id) ?? []) {
        const cycle = cycleFrom(next, [...path, id]);
        if (cycle) return cycle;
      }
      state.set(id, 'done');
      return null;
    };
    expect([...edges.keys()].map((id) => cycleFrom(id, [])).find(Boolean) ?? null).toBeNull();
  });

  it("sends the worker's failed jobs to a queue the failures function reads, with its own dead letters", () => {
    expect(resourceOf('WorkerLambdaEvConf').Properties).toMatchObject({
      FunctionName: { Ref: 'WorkerLambdaFunction' },
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['WorkerFailures', 'Arn'] } } },
    });
    const mappings = ofType('AWS::Lambda::EventSourceMapping').map(([, mapping]) => mapping.Properties);
    expect(mappings).toEqual([
      expect.objectContaining({
        EventSourceArn: { 'Fn::GetAtt': ['WorkerFailures', 'Arn'] },
        FunctionName: { 'Fn::GetAtt': ['FailuresLambdaFunction', 'Arn'] },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      }),
    ]);
    expect(resourceOf('WorkerFailures').Properties.RedrivePolicy).toMatchObject({
      deadLetterTargetArn: { 'Fn::GetAtt': ['WorkerFailuresUnreported', 'Arn'] },
    });
  });

  it('alarms to one topic on every function error, unreported failures, a failed, timed-out or stopped sweep execution and 26 hours without a sweep', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
    const errors = alarms.filter(
      (alarm) => alarm.Namespace === 'AWS/Lambda' && alarm.MetricName === 'Errors',
    );
    expect(errors.map((alarm) => JSON.stringify(alarm.Dimensions)).sort()).toEqual(
      FUNCTIONS.map((name) =>
        JSON.stringify([{ Name: 'FunctionName', Value: { Ref: `${capitalized(name)}LambdaFunction` } }]),
      ).sort(),
    );
    expect(alarms).toContainEqual(
      expect.objectContaining({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': ['WorkerFailuresUnreported', 'QueueName'] } },
        ],
        Threshold: 1,
      }),
    );
    // A sweep execution that failed, timed out or was stopped as a whole.
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'])
      expect(alarms).toContainEqual(
        expect.objectContaining({
          Namespace: 'AWS/States',
          MetricName: metric,
          Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: 'SweepStateMachine' } }],
          Threshold: 1,
        }),
      );
    // The metric the sweep writes (src/adapters/metrics/sweep-heartbeat.ts), missing for 26 hours.
    const heartbeat = alarms.find((alarm) => alarm.MetricName === HEARTBEAT.metric);
    expect(heartbeat).toMatchObject({
      Namespace: HEARTBEAT.namespace,
      Dimensions: [{ Name: HEARTBEAT.dimension, Value: { Ref: 'SweepFinishLambdaFunction' } }],
      Statistic: 'Sum',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
    const { Period, EvaluationPeriods, DatapointsToAlarm } = heartbeat as Record<string, number>;
    expect((Period ?? 0) * (EvaluationPeriods ?? 0)).toBe(26 * 3600);
    expect(DatapointsToAlarm).toBe(EvaluationPeriods);
  });
});
