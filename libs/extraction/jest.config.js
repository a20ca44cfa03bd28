module.exports = {
  displayName: 'extraction',
  preset: '../../jest.preset.js',
};
