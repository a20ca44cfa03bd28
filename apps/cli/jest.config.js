module.exports = {
  displayName: 'cli-app',
  preset: '../../jest.preset.js',
};
