module.exports = {
  displayName: 'secrets',
  preset: '../../jest.preset.js',
};
