const { availableParallelism } = require('node:os');

const cores = availableParallelism();

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/packages/iam-simulator/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // tsconfig sets isolatedModules, so ts-jest only transpiles: type-checking is `npm run typecheck`'s job.
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  moduleNameMapper: {
    // The workspace package from its TypeScript source, as tsconfig.json's customConditions resolve it.
    '^@keywarden/iam-simulator$': '<rootDir>/packages/iam-simulator/src/index.ts',
  },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  // Several times what any test takes on a busy 2-core machine: a hang still fails, a slow machine does not.
  testTimeout: 60_000,
  // Jest's default (cores − 1) runs every file one after the other on 2 cores; two workers let
  // the fault suite's child processes and another file's waits overlap.
  maxWorkers: Math.max(2, cores - 1),
  // it.concurrent tests at a time in one file (the fault suite's CLI worlds): a run of the CLI is
  // mostly its child process starting up, which is CPU, so more than the cores only stretches
  // every test without finishing the file sooner.
  maxConcurrency: cores,
};
