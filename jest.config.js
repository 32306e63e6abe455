/**
 * One Jest run over every workspace. Sources are compiled by SWC (no type-check here: `tsc -b`
 * in `npm test` does that), and workspace imports resolve to `src/` so tests never read stale `dist/`.
 * Processes that end-to-end tests spawn run the built `dist/`, which `npm test` builds first.
 */
const esmDeps = [
  'msw', '@mswjs', 'until-async', 'rettime', 'outvariant', 'strict-event-emitter', 'headers-polyfill',
  'is-node-process', '@open-draft', 'tough-cookie', 'cookie', 'type-fest', '@bundled-es-modules',
];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/services', '<rootDir>/e2e'],
  testMatch: ['**/src/**/*.test.ts', '<rootDir>/e2e/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  moduleNameMapper: {
    '^@trustsync/([a-z-]+)$': ['<rootDir>/packages/$1/src', '<rootDir>/services/$1/src'],
  },
  transform: {
    '^.+\\.(ts|js|mjs|cjs)$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmDeps.join('|')})/)`],
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/jest.summary-reporter.js'],
};
