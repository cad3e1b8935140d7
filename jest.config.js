// Jest runs in CommonJS mode. Several dependencies ship only ESM, so swc transpiles them too;
// when Jest names a package it cannot parse, add it to esmOnly.
const esmOnly = [
  '@nestjs',
  'jose',
  'oidc-provider',
  'openid-client',
  'oauth4webapi',
  'cookie',
  'content-disposition',
  'file-type',
  'strtok3',
  'token-types',
  '@tokenizer',
  'uint8array-extras',
  'json-schema-typed',
  '@modelcontextprotocol',
  'pkce-challenge',
  'quick-lru',
  'eventsource-parser',
];

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

const common = {
  testEnvironment: '<rootDir>/../test/support/node-environment.js',
  transform: { '^.+\\.(t|j|mj|cj)s$': swc },
  // Judged by the innermost node_modules folder, so a nested ESM-only copy (cookie under
  // light-my-request) is transpiled too.
  transformIgnorePatterns: [`/node_modules/(?!.*/node_modules/)(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', rootDir: 'src', testMatch: ['**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      rootDir: 'test',
      testMatch: ['**/*.e2e-spec.ts'],
    },
  ],
  testTimeout: 60000,
};
