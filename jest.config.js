/** One jest run for every package: unit tests in-process, integration tests spawn real processes. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/test-support'],
  testMatch: ['**/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }],
  },
  moduleNameMapper: {
    '^@spanwise/([a-z-]+)$': '<rootDir>/packages/$1/src',
  },
  testTimeout: 60000,
  maxWorkers: 2,
};
