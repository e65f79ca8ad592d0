/**
 * `parseScenario`: validate scenario text already in memory, synchronously.
 * The same checks as `loadScenario` (the compiled validator first, the zod
 * schema for the messages when there is a problem), but the zod schema is
 * imported up front, since a synchronous call cannot wait for it.
 */
import type { LoadedScenario } from './convert.js';
import { checkText, finishScenario } from './load.js';
import { schemaProblems } from './schema-problems.js';

/**
 * Validate scenario `text` as if read from `file` (its extension picks JSON or
 * YAML, anything but `.json` is read as YAML; relative network files resolve
 * against its directory). Throws `ScenarioError` with every problem found.
 */
export function parseScenario(text: string, file: string): LoadedScenario {
  const checked = checkText(text, file);
  if (checked.valid !== undefined) return finishScenario(checked, checked.valid, []);
  const exact = schemaProblems(checked.data, file, checked.locate);
  return finishScenario(checked, exact.ok ? exact.scenario : undefined, exact.ok ? [] : exact.problems);
}
