/**
 * Writes `scenarios/schema.json`, the JSON Schema of scenario files, from the zod
 * schema in `engine/scenario/schema.ts`. Run it after changing the format:
 *
 *     npx tsx scripts/generate-schema.ts          # write the file
 *     npx tsx scripts/generate-schema.ts --check  # exit 1 if the file is stale
 *
 * `test/scenario/scenario.test.ts` fails when the committed file differs from a fresh one.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scenarioJsonSchemaText } from '../engine/scenario/json-schema.js';

const target = fileURLToPath(new URL('../scenarios/schema.json', import.meta.url));
const text = scenarioJsonSchemaText();

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    console.error(`${target} is stale: run npx tsx scripts/generate-schema.ts`);
    process.exit(1);
  }
  console.log(`${target} is up to date`);
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target} (${text.length} bytes)`);
}
