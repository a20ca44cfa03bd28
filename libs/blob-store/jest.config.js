const preset = require('../../jest.preset.js');

module.exports = {
  displayName: 'blob-store',
  preset: '../../jest.preset.js',
  // NestJS 12 is ESM-only: compile it to CommonJS for Jest (see that transformer).
  transform: { ...preset.transform, '^.+/node_modules/@nestjs/.+\\.js$': '<rootDir>/../event-store/jest.esm-to-cjs.js' },
  transformIgnorePatterns: ['/node_modules/(?!@nestjs/)'],
};
