module.exports = {
  displayName: 'loading-app',
  preset: '../../jest.preset.js',
};
