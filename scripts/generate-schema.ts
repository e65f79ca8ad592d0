/**
 * Writes the two files generated from the zod schema in `engine/scenario/schema.ts`:
 * - `scenarios/schema.json`, the JSON Schema of scenario files (editor completion
 *   and hover docs);
 * - `engine/scenario/validate.generated.ts`, the loader's fast validator (see
 *   `scripts/validator-codegen.ts`).
 * Run it after changing the format:
 *
 *     npx tsx scripts/generate-schema.ts          # write the files
 *     npx tsx scripts/generate-schema.ts --check  # exit 1 if a file is stale
 *
 * `test/scenario/scenario.test.ts` fails when a committed file differs from a fresh one.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scenarioJsonSchemaText } from '../engine/scenario/json-schema.js';
import { ScenarioSchema } from '../engine/scenario/schema.js';
import { compileValidator } from './validator-codegen.js';

/** The generated files: path -> fresh text. */
export function generatedFiles(): Array<{ path: string; text: string }> {
  return [
    { path: fileURLToPath(new URL('../scenarios/schema.json', import.meta.url)), text: scenarioJsonSchemaText() },
    { path: fileURLToPath(new URL('../engine/scenario/validate.generated.ts', import.meta.url)), text: compileValidator(ScenarioSchema, 'engine/scenario/schema.ts') },
  ];
}

if (process.argv[1] !== undefined && /generate-schema\.ts$/.test(process.argv[1])) {
  let stale = 0;
  for (const { path, text } of generatedFiles()) {
    if (process.argv.includes('--check')) {
      let current = '';
      try {
        current = readFileSync(path, 'utf8');
      } catch {
        // missing counts as stale
      }
      if (current !== text) {
        console.error(`${path} is stale: run npx tsx scripts/generate-schema.ts`);
        stale++;
      } else {
        console.log(`${path} is up to date`);
      }
    } else {
      writeFileSync(path, text);
      console.log(`wrote ${path} (${text.length} bytes)`);
    }
  }
  if (stale > 0) process.exit(1);
}
