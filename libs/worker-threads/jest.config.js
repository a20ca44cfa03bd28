module.exports = {
  displayName: 'worker-threads',
  preset: '../../jest.preset.js',
};
