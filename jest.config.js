/** Jest runs every suite on the database named by DATABASE_URL (SQLite in memory when unset). */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  setupFiles: ['reflect-metadata'],
  testTimeout: 30000,
  maxWorkers: process.env.DATABASE_URL?.startsWith('mysql') ? 1 : '50%',
};
