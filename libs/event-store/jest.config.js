const preset = require('../../jest.preset.js');

module.exports = {
  displayName: 'event-store',
  preset: '../../jest.preset.js',
  // NestJS 12 is ESM-only: compile it to CommonJS for Jest (see jest.esm-to-cjs.js).
  transform: { ...preset.transform, '^.+/node_modules/@nestjs/.+\\.js$': '<rootDir>/jest.esm-to-cjs.js' },
  transformIgnorePatterns: ['/node_modules/(?!@nestjs/)'],
};
