module.exports = {
  displayName: 'cli',
  preset: '../../jest.preset.js',
  // A CLI test runs several whole imports (and some a real process): on a slow two-core machine
  // the revert tests took over Jest's default of 5 s.
  testTimeout: 30_000,
};
