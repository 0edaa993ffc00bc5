// TypeScript 7 (the native compiler) has no JavaScript compiler API, so ts-jest cannot run on it. @swc/jest only
// strips types (fast, no type checking); `npm run typecheck` (tsc 7) does the type checking before jest runs.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  testTimeout: 30000,
  forceExit: false,
};
