import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { HEALTH_PATH } from '../../src/slack/app';

/**
 * No container engine runs here, so the image is never built in tests: this reads the
 * Dockerfile's instructions and checks the shape the README promises.
 */
const ROOT = join(__dirname, '..', '..');

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

function stages(all: Instruction[]): Instruction[][] {
  const result: Instruction[][] = [];
  for (const instruction of all) {
    if (instruction.keyword === 'FROM') result.push([]);
    result.at(-1)?.push(instruction);
  }
  return result;
}

const dockerfile = instructions(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const [build, runtime, ...more] = stages(dockerfile);
const args = (stage: Instruction[] | undefined, keyword: string) =>
  (stage ?? []).filter((i) => i.keyword === keyword).map((i) => i.args);

describe('Dockerfile', () => {
  it('builds in one stage and runs in another, both on Node 24 slim', () => {
    expect(more).toEqual([]);
    expect(args(build, 'FROM')).toEqual(['node:24-slim AS build']);
    expect(args(runtime, 'FROM')).toEqual(['node:24-slim']);
    // The compiler and the dev dependencies stay in the build stage.
    expect(args(build, 'RUN').join(' ')).toMatch(
      /npm ci .*tsc -p tsconfig\.build\.json.*npm prune --omit=dev/s,
    );
    expect(args(runtime, 'RUN')).toEqual([]);
    const copies = args(runtime, 'COPY');
    expect(copies).toEqual(
      expect.arrayContaining([
        '--from=build /app/node_modules ./node_modules',
        '--from=build /app/dist ./dist',
      ]),
    );
    expect(copies.some((copy) => /\bsrc\b|\.env/.test(copy))).toBe(false);
  });

  it('carries the IAM simulator build, which the embedded demo and `doctor` load through its workspace link', () => {
    const buildSteps = (build ?? []).map((i) => `${i.keyword} ${i.args}`);
    const manifest = buildSteps.indexOf('COPY packages/iam-simulator/package.json ./packages/iam-simulator/');
    expect(manifest).toBeGreaterThan(-1);
    expect(manifest).toBeLessThan(buildSteps.findIndex((step) => step.startsWith('RUN npm ci')));
    expect(args(build, 'RUN').join(' ')).toMatch(
      /tsc -p packages\/iam-simulator\/tsconfig\.build\.json.*tsc -p tsconfig\.build\.json/s,
    );
    expect(args(runtime, 'COPY')).toEqual(
      expect.arrayContaining([
        '--from=build /app/packages/iam-simulator/package.json ./packages/iam-simulator/',
        '--from=build /app/packages/iam-simulator/dist ./packages/iam-simulator/dist',
      ]),
    );
  });

  it('runs as the unprivileged node user, which owns nothing it runs', () => {
    const runtimeKeywords = (runtime ?? []).map((i) => i.keyword);
    const user = runtimeKeywords.lastIndexOf('USER');
    expect(args(runtime, 'USER')).toEqual(['node']);
    expect(user).toBeGreaterThan(runtimeKeywords.lastIndexOf('COPY'));
    expect(user).toBeLessThan(runtimeKeywords.indexOf('ENTRYPOINT'));
    expect(args(runtime, 'COPY').some((copy) => copy.includes('--chown'))).toBe(false);
  });

  it('starts `keywarden serve` and checks the health endpoint serve answers, on the port it listens on', () => {
    const bin = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: { keywarden: string } }
    ).bin;
    expect(JSON.parse(args(runtime, 'ENTRYPOINT')[0] ?? '[]')).toEqual(['node', bin.keywarden]);
    expect(JSON.parse(args(runtime, 'CMD')[0] ?? '[]')).toEqual(['serve']);
    const env = args(runtime, 'ENV').join(' ');
    expect(env).toMatch(/\bPORT=3000\b/);
    expect(args(runtime, 'EXPOSE')).toEqual(['3000']);
    const healthcheck = args(runtime, 'HEALTHCHECK')[0] ?? '';
    expect(healthcheck).toContain(`\${process.env.PORT}${HEALTH_PATH}`);
    // The same young-generation cap the benchmark measured and serverless.yml sets.
    expect(env).toContain('NODE_OPTIONS=--max-semi-space-size=4');
  });

  it('ships an env file for `docker run --env-file` that is a valid production configuration', () => {
    const settings = Object.fromEntries(
      readFileSync(join(ROOT, 'infra', 'keywarden.env.example'), 'utf8')
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith('#'))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    const config = loadConfig(settings);
    expect(config).toMatchObject({
      ledger: { kind: 'sheets', credentials: { keyFile: '/run/secrets/google.json' } },
      iam: { kind: 'aws' },
      state: { kind: 'aws' },
      slack: { adminChannel: 'C0123ABCD' },
    });
    expect(config.slack?.appToken).toBeDefined();
  });
});
