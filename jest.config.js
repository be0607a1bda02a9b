// One Jest run for the whole monorepo: unit (*.spec.ts), integration (*.int-spec.ts) and
// end-to-end (test/e2e/*.e2e-spec.ts) tests. Libraries are mapped to their sources so tests
// never need a build; e2e tests start the built services as real processes.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const common = {
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^@wabridge/sandbox$': '<rootDir>/apps/sandbox/src', '^@wabridge/([a-z-]+)$': '<rootDir>/libs/$1/src' },
  testEnvironment: 'node',
  // .local/ holds Kafka data, logs and image build contexts (copies of the packages): never modules or tests
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/', '<rootDir>/.local/'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/.local/'],
};

module.exports = {
  // generous: hooks start real services against a shared broker; a loaded 2-core CI box is slow
  testTimeout: 120000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/*/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs}/*/src/**/*.int-spec.ts', '<rootDir>/{apps,libs}/*/test/**/*.int-spec.ts', '<rootDir>/test/**/*.int-spec.ts'] },
    // examples/<name>/test: each runnable integration example's own test (issue 21)
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts', '<rootDir>/examples/*/test/**/*.e2e-spec.ts'] },
  ],
};
