/**
 * Builds the mini-program into miniprogram/dist (the `miniprogramRoot` of project.config.json):
 * TypeScript through miniprogram/tsconfig.json, then the wxml, wxss and json files copied beside it.
 * Open the miniprogram/ folder in WeChat DevTools after `npm run build:miniprogram`.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

const root = __dirname;
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');

function copyAssets(dir: string): number {
  let n = 0;
  for (const name of readdirSync(dir)) {
    const from = path.join(dir, name);
    if (statSync(from).isDirectory()) n += copyAssets(from);
    else if (!name.endsWith('.ts')) {
      cpSync(from, path.join(dist, path.relative(src, from)));
      n++;
    }
  }
  return n;
}

rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
const copied = copyAssets(src);
console.log(`mini-program built into ${path.relative(process.cwd(), dist) || dist} (${copied} assets copied)`);
