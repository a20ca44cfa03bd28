module.exports = {
  displayName: 'transformation-app',
  preset: '../../jest.preset.js',
};
