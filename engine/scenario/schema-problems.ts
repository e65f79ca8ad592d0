/**
 * The slow, exact path of validation: the zod schema run over data the fast
 * validator refused, its issues turned into located problems with the messages
 * a planner reads ("expected a number > 0, found -5", "unknown field "speed":
 * ... did you mean "speedKmh"?"). Loading zod costs start-up time, so the
 * loader imports this module only when a scenario has a problem.
 */
import type { ScenarioProblem } from '../errors.js';
import type { Locator } from '../text/position.js';
import { issueMessage, issuesToProblems } from './issues.js';
import { ScenarioSchema, type ScenarioFile } from './schema.js';

/**
 * Validate `data` (read from `file`) with the zod schema: the scenario file
 * (defaults applied) or every problem, located with `locate`.
 */
export function schemaProblems(data: unknown, file: string, locate: Locator): { ok: true; scenario: ScenarioFile } | { ok: false; problems: ScenarioProblem[] } {
  const parsed = ScenarioSchema.safeParse(data, { error: (iss) => issueMessage(iss as Parameters<typeof issueMessage>[0]) });
  if (parsed.success) return { ok: true, scenario: parsed.data };
  return { ok: false, problems: issuesToProblems(parsed.error.issues, { file, data, schema: ScenarioSchema, locate }) };
}
