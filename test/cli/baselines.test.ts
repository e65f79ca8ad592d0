/**
 * The baselines `optimise` and `verify-sumo` judge a plan against. Webster's
 * plan (Webster 1958: C = (1.5 L + 5) / (1 - Y), L the lost time of the cycle)
 * must be computed on the clearances the plan will run, so it is one plan
 * whether the caller passes the scenario's programs (verify-sumo) or the same
 * programs already raised to the safety minima (optimise).
 */
import { describe, expect, it } from 'vitest';
import { baselinePlans } from '../../cli/baselines.js';
import { buildScenario, parseScenario } from '../../engine/scenario/index.js';
import { completePrograms } from '../../engine/signals/complete.js';
import { programToSpec } from '../../engine/signals/program.js';
import { safePrograms } from '../../engine/signals/safety.js';
import { twoSignalsYaml } from '../fixtures/two-signals.js';

/** Sum over phases of yellow + all-red (s): the clearance part of Webster's lost time. */
const clearance = (spec: { phases: ReadonlyArray<{ yellow?: number; allRed?: number }> }): number =>
  spec.phases.reduce((s, ph) => s + (ph.yellow ?? 0) + (ph.allRed ?? 0), 0);

describe('baselinePlans: one Webster plan for every caller', () => {
  const built = buildScenario(parseScenario(twoSignalsYaml('baselines', { scale: 1.6 }), 'baselines.yaml'));
  const net = built.compiled;
  // The scenario's programs with clearances below ITE's (yellow 2 s, no all-red): as a SUMO or CityFlow
  // import may give them.
  const raw = completePrograms(net, completePrograms(net, built.signals.programs).map((p) => {
    const { cycle: _cycle, ...spec } = programToSpec(net, p);
    return { ...spec, phases: spec.phases.map((ph) => ({ ...ph, yellow: 2, allRed: 0 })) };
  }));
  const safe = completePrograms(net, safePrograms(net, raw.map((p) => programToSpec(net, p)), built.scenario.signals.safety));

  it('the raw programs really run below the safety minima (else the next test proves nothing)', () => {
    for (let i = 0; i < raw.length; i++) {
      expect(clearance(programToSpec(net, safe[i]))).toBeGreaterThan(clearance(programToSpec(net, raw[i])) + 1);
    }
  });

  it('gives the same Webster plan from the raw programs as from the safety-raised ones', () => {
    const fromRaw = baselinePlans(built, raw).webster;
    const fromSafe = baselinePlans(built, safe).webster;
    expect(fromRaw).toEqual(fromSafe);
  });
});
