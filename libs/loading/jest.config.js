module.exports = {
  displayName: 'loading',
  preset: '../../jest.preset.js',
};
