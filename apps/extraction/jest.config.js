module.exports = {
  displayName: 'extraction-app',
  preset: '../../jest.preset.js',
};
