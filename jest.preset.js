// Shared Jest settings for every project.
// - Our TypeScript goes through ts-jest, which type-checks and emits decorator metadata (NestJS
//   injects by type).
// - NestJS 12 and a few of its dependencies ship only as ES modules; Jest runs CommonJS, so
//   those packages are compiled to CommonJS with SWC. Node itself loads them natively.
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.base.json');

const esmOnlyPackages = ['@nestjs', 'uid', 'file-type', 'load-esm', 'strtok3', 'token-types', 'peek-readable', '@tokenizer', 'uint8array-extras'];

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
    '^.+\\.m?js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: [`node_modules/(?!(${esmOnlyPackages.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: `${__dirname}/` }),
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
