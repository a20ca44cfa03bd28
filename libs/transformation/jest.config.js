module.exports = {
  displayName: 'transformation',
  preset: '../../jest.preset.js',
};
