/**
 * Jest for `npm run mutation` only: the suites that aim at the mutated services (check-ins and their
 * sweep, the outbox and its sender, alerts), so that each mutant costs seconds, not the whole suite.
 * MUTATION_AREA (set by the `mutation:<area>` scripts) narrows them to one area's own suites: Stryker
 * loads every listed suite for every mutant (about 2 s each), so few suites keep one area's run short.
 * Unset (`npm run mutation`), all areas' suites run.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS config, like jest.config.js
const base = require('./jest.config');

const areas = {
  alerts: ['services/alerts', 'services/handoffs', 'bot/safety'],
  sweep: ['jobs/checkins', 'jobs/checkin-guards', 'services/checkin-sweep', 'services/subscription-channel'],
  checkins: ['services/checkins', 'services/checkin-board', 'api/checkins', 'bot/checkins', 'jobs/checkins'],
  outbox: ['services/outbox', 'services/outbox-claim', 'bot/sender', 'bot/sender-crash', 'services/subscription-channel'],
};
const area = process.env.MUTATION_AREA;
if (area && !areas[area]) throw new Error(`MUTATION_AREA: one of ${Object.keys(areas).join(', ')}`);
const suites = area ? areas[area] : [...new Set(Object.values(areas).flat())];

module.exports = {
  ...base,
  testMatch: suites.map((s) => `**/test/${s}.test.ts`),
};
