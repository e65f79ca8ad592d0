/**
 * resolveSimOptions: defaults, the merge, and the one validation of simulation
 * options, each rule with the option named in the error.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../engine/errors.js';
import { DEFAULT_SIM_OPTIONS, resolveSimOptions } from '../../engine/sim/options.js';

describe('resolveSimOptions', () => {
  it('fills defaults and keeps given values', () => {
    expect(resolveSimOptions({})).toEqual(DEFAULT_SIM_OPTIONS);
    expect(resolveSimOptions({ end: 900, seed: 7, routingInterval: Infinity })).toEqual({ ...DEFAULT_SIM_OPTIONS, end: 900, seed: 7, routingInterval: Infinity });
    expect(resolveSimOptions({ start: -100, end: -50, stopThreshold: 0, rerouteShare: 1 })).toMatchObject({ start: -100, end: -50, stopThreshold: 0, rerouteShare: 1 });
  });

  it('rejects each bad option with UsageError naming it', () => {
    const cases: Array<[Partial<Record<string, unknown>>, RegExp]> = [
      [{ start: NaN }, /options\.start must be a finite number, got NaN/],
      [{ end: Infinity }, /options\.end must be a finite number/],
      [{ start: 10, end: 10 }, /options\.end must be after options\.start, got start 10 and end 10/],
      [{ seed: 1.5 }, /options\.seed must be an integer, got 1\.5/],
      [{ gridlockTimeout: 0 }, /options\.gridlockTimeout must be a positive finite number, got 0/],
      [{ stopThreshold: Infinity }, /options\.stopThreshold must be a finite number/],
      [{ routingInterval: -1 }, /options\.routingInterval must be a positive finite number, got -1/],
      [{ rerouteShare: 1.01 }, /options\.rerouteShare must be within \[0, 1\], got 1\.01/],
      [{ rerouteShare: NaN }, /options\.rerouteShare must be within \[0, 1\], got NaN/],
      [{ start: '0' }, /options\.start must be a finite number, got 0/],
    ];
    for (const [options, message] of cases) {
      expect(() => resolveSimOptions(options as never)).toThrow(UsageError);
      expect(() => resolveSimOptions(options as never)).toThrow(message);
    }
  });
});
