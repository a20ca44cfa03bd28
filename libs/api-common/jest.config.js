module.exports = {
  displayName: 'api-common',
  preset: '../../jest.preset.js',
};
