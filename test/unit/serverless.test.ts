import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { parse } from 'yaml';
import { TABLE_DEFINITION } from '../../src/adapters/store/table';

const ROOT = join(__dirname, '..', '..');
const cloudFormationTags = [
  { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
  { tag: '!GetAtt', resolve: (value: string) => ({ 'Fn::GetAtt': value.split('.') }) },
  { tag: '!Sub', resolve: (value: string) => ({ 'Fn::Sub': value }) },
];
const serverless = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8'), {
  customTags: cloudFormationTags,
});

/** Files the Lambda entry point can reach through relative imports: what the bundle runs. */
function lambdaModuleGraph(): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:from |require\()'(\.[^']+)'/g)) {
      const base = resolve(dirname(file), (match[1] ?? '').replace(/\.js$/, ''));
      visit(existsSync(`${base}.ts`) ? `${base}.ts` : join(base, 'index.ts'));
    }
  };
  visit(join(ROOT, 'src', 'lambda.ts'));
  return [...seen];
}

/** The IAM action each SDK operation needs, where the names differ. */
const ACTION_NAMES: Readonly<Record<string, string>> = { 'lambda:Invoke': 'lambda:InvokeFunction' };
const SERVICES: Readonly<Record<string, string>> = {
  'client-iam': 'iam',
  'client-dynamodb': 'dynamodb',
  'client-s3': 's3',
  'client-lambda': 'lambda',
  'client-sts': 'sts',
  'client-organizations': 'organizations',
  'client-ssm': 'ssm',
  'client-sfn': 'states',
};

/**
 * Libraries that call AWS for the code, and the actions they need. Powertools' SSM provider
 * decrypts a batch with one GetParameters call (test/integration/ssm-secrets.test.ts shows
 * the fake SSM receives nothing else).
 */
const LIBRARY_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  '@aws-lambda-powertools/parameters/ssm': ['ssm:GetParameters'],
};

/**
 * Actions granted for what an operation answers rather than for a call: without s3:ListBucket,
 * S3 answers GetObject of a missing key with AccessDenied instead of NoSuchKey.
 */
const IMPLIED_ACTIONS: Readonly<Record<string, readonly string[]>> = { 's3:GetObject': ['s3:ListBucket'] };

function actionsCalledByLambdaCode(): Set<string> {
  const actions = new Set<string>();
  for (const file of lambdaModuleGraph()) {
    const text = readFileSync(file, 'utf8');
    for (const [library, libraryActions] of Object.entries(LIBRARY_ACTIONS))
      if (text.includes(`from '${library}'`)) for (const action of libraryActions) actions.add(action);
    for (const match of text.matchAll(/import (?:type )?\{([^}]*)\} from '@aws-sdk\/(client-[a-z0-9-]+)'/g)) {
      const service = SERVICES[match[2] ?? ''];
      if (!service) continue;
      for (const raw of (match[1] ?? '').split(',')) {
        const name = raw.trim().replace(/^type\s+/, '');
        const operation = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1];
        if (!operation || raw.trim().startsWith('type ')) continue;
        const action = `${service}:${operation}`;
        actions.add(ACTION_NAMES[action] ?? action);
        for (const implied of IMPLIED_ACTIONS[action] ?? []) actions.add(implied);
      }
    }
  }
  return actions;
}

describe('serverless.yml', () => {
  it('grants exactly the AWS actions the Lambda code calls, and no wildcard actions', () => {
    const statements: { Action: string[] }[] = serverless.provider.iam.role.statements;
    const granted = statements.flatMap((statement) => statement.Action);
    expect(granted.filter((action) => action.includes('*'))).toEqual([]);
    expect(new Set(granted)).toEqual(actionsCalledByLambdaCode());
    expect(granted).toHaveLength(new Set(granted).size);
  });

  it("lets only the worker start the sweep state machine, named by the state machine's own name", () => {
    const machine = serverless.resources.Resources.SweepStateMachine.Properties.StateMachineName;
    const arn = {
      'Fn::Sub': `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:stateMachine:${machine}`,
    };
    const functions = serverless.functions as Record<string, { environment?: Record<string, unknown> }>;
    expect(functions.worker?.environment?.SWEEP_STATE_MACHINE_ARN).toEqual(arn);
    const others = Object.entries(functions).filter(([name]) => name !== 'worker');
    for (const [, fn] of others) expect(fn.environment?.SWEEP_STATE_MACHINE_ARN).toBeUndefined();
    expect(serverless.provider.environment.SWEEP_STATE_MACHINE_ARN).toBeUndefined();
    const statements: { Action: string[]; Resource: unknown }[] = serverless.provider.iam.role.statements;
    const starts = statements.filter((statement) => statement.Action.includes('states:StartExecution'));
    expect(starts).toEqual([expect.objectContaining({ Action: ['states:StartExecution'], Resource: arn })]);
  });

  it('caps the young generation, as the benchmark that measured the peak RSS ran it', () => {
    // bench/main.ts launches its sweeps with exactly this NODE_OPTIONS.
    expect(serverless.provider.environment.NODE_OPTIONS.split(' ')).toContain('--max-semi-space-size=4');
  });

  it('names only handlers the bundle exports, each an async function of at most two arguments', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'keywarden-bundle-'));
    buildSync({
      entryPoints: [join(ROOT, 'src', 'lambda.ts')],
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      outfile: join(outdir, 'index.js'),
      logLevel: 'error',
    });
    const bundle = require(join(outdir, 'index.js')) as Record<string, unknown>;
    const handlers = Object.values(serverless.functions as Record<string, { handler: string }>).map(
      (f) => f.handler,
    );
    expect(handlers.length).toBeGreaterThan(0);
    for (const handler of handlers) {
      const [file, name] = handler.split(/\.(?=[^.]+$)/);
      expect(file).toBe('.build/lambda/index');
      const fn = bundle[name ?? ''];
      expect(typeof fn).toBe('function');
      // Node 24 runtimes reject callback-style (three-argument) handlers.
      expect((fn as (...args: unknown[]) => unknown).length).toBeLessThanOrEqual(2);
    }
  });

  it('declares the table the adapters use, with TTL, point-in-time recovery and on-demand billing', () => {
    const table = serverless.resources.Resources.StateTable.Properties;
    expect(table.KeySchema).toEqual(TABLE_DEFINITION.KeySchema);
    expect(table.AttributeDefinitions).toEqual(TABLE_DEFINITION.AttributeDefinitions);
    expect(table.BillingMode).toBe(TABLE_DEFINITION.BillingMode);
    expect(table.TimeToLiveSpecification).toEqual(TABLE_DEFINITION.TimeToLive);
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it('keeps secrets out of the file: the environment names SSM parameters, the role reads just those', () => {
    const env: Record<string, unknown> = serverless.provider.environment;
    const named = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'GOOGLE_SERVICE_ACCOUNT_JSON'];
    for (const name of named) {
      expect(env[name]).toBeUndefined();
      expect(env[`${name}_PARAMETER`]).toMatch(/^\$\{param:secretsPath\}\/[a-z-]+$/);
    }
    expect(JSON.stringify(serverless)).not.toMatch(/\$\{(ssm|aws):/);
    const statements: { Action: string[]; Resource: unknown }[] = serverless.provider.iam.role.statements;
    const reads = statements.find((statement) => statement.Action.includes('ssm:GetParameters'));
    expect(reads?.Resource).toEqual(
      named.map((name) => ({
        'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${env[`${name}_PARAMETER`]}`,
      })),
    );
    expect(serverless.provider.runtime).toMatch(/^nodejs(2[2-9]|[3-9]\d)\.x$/);
  });
});
