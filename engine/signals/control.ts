/**
 * Signal control of a run as plain data, and the controllers it builds.
 *
 * `SignalControl` says how the programs of a run are driven (fixed time,
 * actuated, max-pressure, with their options); it is plain JSON-able data, so a
 * scenario file, the optimiser and worker tasks can carry it. `SignalSetup` is
 * what a simulation is given: programs (compiled or specs), the control kind,
 * and optionally ready controllers. `createControllers` turns a setup into one
 * controller per signalised junction, the way the kernel needs them:
 *
 *  - given controllers first (two for one junction is a `UsageError`);
 *  - then one per program, built by `controllerFactory` under the control kind
 *    (a junction that already has a controller keeps it), or by the program's
 *    own `control` when it has one and the run's kind is fixed time;
 *  - then `defaultProgram` under the same kind for every signalised junction
 *    with approaches that still has none.
 *
 * Max-pressure's turn ratios come from the run's trips (`movementFlows` in the
 * busiest hour, routed on free-flow times) unless `turnRatios: 'uniform'`;
 * they are computed once, on the first max-pressure controller built.
 */
import { UsageError } from '../errors.js';
import { CONTROL_CODE, type CompiledNetwork } from '../network/compiled.js';
import type { TripTable } from '../demand/demand.js';
import { createActuatedController, type ActuatedOptions } from './actuated.js';
import type { SignalController } from './controller.js';
import { createFixedTimeController } from './fixed-time.js';
import { movementFlows, movementTurnRatios } from './flows.js';
import { createMaxPressureController, type MaxPressureOptions } from './max-pressure.js';
import { compileProgram, defaultProgram, type SignalProgram, type SignalProgramSpec } from './program.js';

/**
 * How the programs of a run are driven, as plain data (it can be sent to
 * workers): `fixed` time (the default), `actuated` (gap-out, see
 * signals/actuated.ts) or `max-pressure` (Varaiya 2013, see
 * signals/max-pressure.ts), with their options (s). Max-pressure's turn ratios
 * are `demand` (default: from the run's trips, routed on free-flow times,
 * busiest hour) or `uniform`.
 */
export type SignalControl =
  | { kind: 'fixed' }
  | ({ kind: 'actuated' } & ActuatedOptions)
  | ({ kind: 'max-pressure' } & Omit<MaxPressureOptions, 'turnRatios'> & { turnRatios?: 'demand' | 'uniform' });

/** Signal control of a run: programs per junction (compiled or specs), or ready controllers. */
export interface SignalSetup {
  /** Programs; signalised junctions without one get `defaultProgram`. */
  programs?: ReadonlyArray<SignalProgram | SignalProgramSpec>;
  /**
   * Controller kind driving the programs (given or default). Default `{ kind: 'fixed' }`.
   * A program with its own `control` (an imported SUMO actuated program) runs
   * that instead, unless this is a kind other than fixed.
   */
  control?: SignalControl;
  /** Controllers (actuated, max-pressure, your own); they take precedence over programs. */
  controllers?: readonly SignalController[];
}

/**
 * The function that builds a program's controller under `control` (default
 * fixed time) on `net`; `trips` feed max-pressure's demand turn ratios. Throws
 * `UsageError` for an unknown kind or turn-ratio source; the controllers check
 * their own options when built.
 */
export function controllerFactory(net: CompiledNetwork, trips: TripTable, control: SignalControl | undefined): (program: SignalProgram) => SignalController {
  if (control === undefined || control.kind === 'fixed') return createFixedTimeController;
  if (control.kind === 'actuated') {
    const { kind: _kind, ...options } = control;
    return (program) => createActuatedController(net, program, options);
  }
  if (control.kind === 'max-pressure') {
    const { kind: _kind, turnRatios, ...options } = control;
    if (turnRatios !== undefined && turnRatios !== 'demand' && turnRatios !== 'uniform') {
      throw new UsageError(`signals.control.turnRatios must be "demand" or "uniform", got ${JSON.stringify(turnRatios)}`);
    }
    let ratios: Float64Array | undefined;
    return (program) => {
      if (turnRatios !== 'uniform') ratios ??= movementTurnRatios(net, movementFlows(net, trips));
      return createMaxPressureController(net, program, { ...options, turnRatios: ratios });
    };
  }
  throw new UsageError(`signals.control.kind must be "fixed", "actuated" or "max-pressure", got ${JSON.stringify((control as { kind?: unknown }).kind)}`);
}

/**
 * One controller per signalised junction of `net` from `setup` (see the file
 * header for the order), in that order. Program specs are compiled here (a bad
 * spec throws `InputError` at `programs[i]`); two given controllers for one
 * junction throw `UsageError`.
 */
export function createControllers(net: CompiledNetwork, trips: TripTable, setup: SignalSetup): SignalController[] {
  const controllers: SignalController[] = [];
  const controlled = new Set<number>();
  for (const c of setup.controllers ?? []) {
    if (controlled.has(c.junction)) throw new UsageError(`two controllers for junction "${net.junctionKey(c.junction)}"`);
    controlled.add(c.junction);
    controllers.push(c);
  }
  const build = controllerFactory(net, trips, setup.control);
  (setup.programs ?? []).forEach((p, i) => {
    // A compiled program names its junction by index, a spec by id.
    const program = typeof p.junction === 'number' ? (p as SignalProgram) : compileProgram(net, p as SignalProgramSpec, `programs[${i}]`);
    if (controlled.has(program.junction)) return;
    controlled.add(program.junction);
    const own = program.control;
    if (own !== undefined && (setup.control === undefined || setup.control.kind === 'fixed')) {
      const { kind: _kind, ...options } = own;
      controllers.push(createActuatedController(net, program, options));
    } else {
      controllers.push(build(program));
    }
  });
  for (let j = 0; j < net.junctionCount; j++) {
    if (net.junctionControl[j] === CONTROL_CODE.signal && !controlled.has(j) && net.junctionInOffsets[j + 1] > net.junctionInOffsets[j]) {
      controllers.push(build(defaultProgram(net, j)));
    }
  }
  return controllers;
}
