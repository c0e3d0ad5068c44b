/**
 * The layer table of ARCHITECTURE.md, enforced by `npm run lint` (depcruise): a forbidden import
 * fails CI. Type-only imports count (tsPreCompilationDeps), so a type cycle is a cycle.
 * entities → nothing of ours; migrations → entities; services → entities; api, bot, jobs →
 * services (and the entities' types and constants); api and bot never import each other; no
 * service reaches the context or the wiring module (they get their peers in their constructor).
 */
const OURS = '^(entities|migrations|services|api|bot|jobs|cli|web|miniprogram|test|bench|main\\.ts|ormconfig\\.ts)';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'No import cycles, type-only imports included.', from: {}, to: { circular: true } },
    {
      name: 'entities-import-nothing-of-ours', severity: 'error', comment: 'entities/ may import nothing of ours.',
      from: { path: '^entities/' }, to: { path: OURS, pathNot: '^entities/' },
    },
    {
      name: 'migrations-import-entities-only', severity: 'error', comment: 'migrations/ may import entities only.',
      from: { path: '^migrations/' }, to: { path: OURS, pathNot: '^(entities|migrations)/' },
    },
    {
      name: 'services-import-entities-only', severity: 'error',
      comment: 'services/ may import entities (and services) only; the database module builds its DataSource from ormconfig.',
      from: { path: '^services/' }, to: { path: OURS, pathNot: '^(entities|services)/|^ormconfig\\.ts$' },
    },
    {
      name: 'services-know-no-door-framework', severity: 'error', comment: 'Nothing in services/ knows Koa or Wechaty.',
      from: { path: '^(services|entities)/' }, to: { dependencyTypes: ['npm'], path: 'node_modules/(koa|@koa/|wechaty)' },
    },
    {
      name: 'no-service-locator', severity: 'error',
      comment: 'A service gets its peers in its constructor: only the context imports the wiring, and no service imports the context.',
      from: { path: '^services/', pathNot: '^services/context\\.ts$' }, to: { path: '^services/(context|index)\\.ts$' },
    },
    {
      name: 'api-imports-services', severity: 'error', comment: 'api/ may import services (and the entities\' types and constants).',
      from: { path: '^api/' }, to: { path: OURS, pathNot: '^(api|services|entities)/' },
    },
    {
      name: 'bot-imports-services', severity: 'error', comment: 'bot/ may import services (and the entities\' types and constants).',
      from: { path: '^bot/' }, to: { path: OURS, pathNot: '^(bot|services|entities)/' },
    },
    {
      name: 'jobs-import-services', severity: 'error', comment: 'jobs/ may import services (and the entities).',
      from: { path: '^jobs/' }, to: { path: OURS, pathNot: '^(jobs|services|entities)/' },
    },
    {
      name: 'api-knows-no-wechaty', severity: 'error', comment: 'The api never knows Wechaty.',
      from: { path: '^api/' }, to: { dependencyTypes: ['npm'], path: 'node_modules/wechaty' },
    },
    {
      name: 'bot-knows-no-koa', severity: 'error', comment: 'The bot never knows Koa.',
      from: { path: '^bot/' }, to: { dependencyTypes: ['npm'], path: 'node_modules/(koa|@koa/)' },
    },
    {
      name: 'cli-imports-services', severity: 'error', comment: 'cli/ is a door like the others: services, entities, the job list.',
      from: { path: '^cli/' }, to: { path: OURS, pathNot: '^(cli|services|entities|jobs)/' },
    },
    {
      name: 'no-tests-in-production', severity: 'error', comment: 'Only tests and benchmarks import test code.',
      from: { pathNot: '^(test|bench)/' }, to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|data|coverage|web|miniprogram)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
