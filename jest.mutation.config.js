/**
 * Jest for `npm run mutation` only: the suites that aim at the mutated services (check-ins and their
 * sweep, the outbox and its sender, alerts), so that each mutant costs seconds, not the whole suite.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS config, like jest.config.js
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: [
    '**/test/jobs/checkins.test.ts', '**/test/jobs/checkin-guards.test.ts', '**/test/services/checkins.test.ts',
    '**/test/api/checkins.test.ts', '**/test/bot/checkins.test.ts',
    '**/test/services/outbox.test.ts', '**/test/services/outbox-claim.test.ts', '**/test/bot/sender.test.ts',
    '**/test/services/subscription-channel.test.ts', '**/test/api/broadcasts.test.ts', '**/test/bot/broadcasts.test.ts',
    '**/test/bot/sender-crash.test.ts', '**/test/services/alerts.test.ts', '**/test/services/handoffs.test.ts',
    '**/test/api/residents-review.test.ts', '**/test/bot/safety.test.ts',
  ],
};
