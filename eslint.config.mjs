import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/', 'web/**/*.js', '.tmp*/', 'miniprogram/dist/', 'web/dist/'] },
  js.configs.recommended,
  { files: ['*.js', '*.cjs'], languageOptions: { globals: { module: 'readonly', process: 'readonly', require: 'readonly' } } },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // The layering of ARCHITECTURE.md: services know neither Koa nor Wechaty; api and bot never import each other.
    files: ['services/**/*.ts', 'entities/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['koa', '@koa/*', 'wechaty', 'wechaty-*', '../api/*', '../bot/*', '../jobs/*'] }] },
  },
  { files: ['api/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: ['wechaty', 'wechaty-*', '../bot/*', '../../bot/*'] }] } },
  { files: ['bot/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: ['koa', '@koa/*', '../api/*', '../../api/*'] }] } },
  // The mini-program runs on the phone: it talks to the api over HTTP and imports nothing of the server.
  {
    files: ['miniprogram/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['node:*', 'koa', 'typeorm', 'wechaty', '**/services/*', '**/api/*', '**/entities/*', '**/bot/*', '**/jobs/*'] }] },
  },
  // The worker console runs in the browser: it talks to the api over HTTP (API.md) and imports nothing of the server.
  {
    files: ['web/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['node:*', 'koa', 'typeorm', 'wechaty', '**/services/*', '**/api/*', '**/entities/*', '**/bot/*', '**/jobs/*'] }] },
  },
);
