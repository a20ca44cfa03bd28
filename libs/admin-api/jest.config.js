module.exports = {
  displayName: 'admin-api',
  preset: '../../jest.preset.js',
};
