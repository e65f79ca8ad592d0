/**
 * The JSON Schema of scenario files, generated from the zod schema
 * (`z.toJSONSchema`, draft 2020-12, input side: fields with defaults are
 * optional). `scripts/generate-schema.ts` writes it to `scenarios/schema.json`,
 * which scenario files reference for editor completion and hover docs:
 * `"$schema": "../schema.json"` in JSON, `# yaml-language-server: $schema=../schema.json`
 * in YAML. A test keeps the committed file equal to a fresh one.
 */
import { z } from 'zod';
import { ScenarioSchema } from './schema.js';

/** `$id` of the generated schema. */
export const SCENARIO_SCHEMA_ID = 'https://greenwave.dev/schemas/scenario.json';

/** The JSON Schema of a scenario file, as an object. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema, ...rest } = schema;
  return { $schema, $id: SCENARIO_SCHEMA_ID, title: 'greenwave scenario', ...rest };
}

/** The JSON Schema as the text of `scenarios/schema.json` (two-space indent, final newline). */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
