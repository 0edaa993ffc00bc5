// TypeScript 7 (the native compiler) has no JavaScript compiler API, so ts-jest cannot run on it. @swc/jest only
// strips types (fast, no type checking); `npm run typecheck` (tsc 7) does the type checking before jest runs.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Channel tests live beside their channel (channels/<name>/*.test.ts); the conformance suite runs on every adapter.
  roots: ['<rootDir>/tests', '<rootDir>/channels'],
  // Every process registers the channels when it loads its config (src/config imports channels/index.ts); a test that
  // imports one service alone gets the same registry here.
  setupFiles: ['<rootDir>/tests/helpers/register-channels.ts'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  testTimeout: 30000,
  forceExit: false,
};
