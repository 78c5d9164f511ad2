/**
 * `npm run bench`: runs every bench/*.bench.ts (or the ones named on the command line) one after another.
 * Benchmarks print their own p50/p99 lines and record figures (bench/report.ts); at the end one table lists every
 * figure with its goal and whether it is met. Timings never decide a test.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { machineLine, recordedFigures, renderTable, setBenchSource } from './report.ts';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();

for (const file of files) {
  console.log(`\n== ${file}`);
  setBenchSource(file);
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: () => Promise<void> };
  await mod.default();
}

// The one table of every figure, with its goal (bench/report.ts); also kept for the README.
const table = `Machine: ${machineLine()}\n\n${renderTable()}\n`;
console.log(`\n== all figures\n${table}`);
const out = join(here, '..', '.tmp');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'bench-report.md'), table);
writeFileSync(join(out, 'bench-report.json'), `${JSON.stringify({ machine: machineLine(), figures: recordedFigures() }, null, 2)}\n`);
