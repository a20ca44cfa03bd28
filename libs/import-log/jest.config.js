module.exports = {
  displayName: 'import-log',
  preset: '../../jest.preset.js',
};
