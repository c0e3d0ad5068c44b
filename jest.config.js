/** Jest runs every suite on the database named by DATABASE_URL (SQLite in memory when unset). */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  setupFiles: ['reflect-metadata'],
  // Generous: a suite's set-up migrates a fresh database, which is slow on a loaded MariaDB.
  testTimeout: 60000,
  maxWorkers: process.env.DATABASE_URL?.startsWith('mysql') ? 1 : '50%',
};
