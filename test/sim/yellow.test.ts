/**
 * Yellow runners (yellow.ts, movements.ts): a vehicle reaching the stop line
 * during the yellow, moving, with no queue ahead, crosses iff it was closer than
 * its braking distance D(u) when the yellow began, i.e. it arrives less than
 * D(u) / u after yellow onset (D = u² / (2b) in continuous time; SUMO's Euler
 * brake gap dt (k u - b dt k (k + 1) / 2), k = floor(u / (b dt)), at its step dt).
 * Queued vehicles never cross on yellow; a class that always stops (the fluid
 * model) lets nobody through.
 */
import { describe, expect, it } from 'vitest';
import { SIGNAL_GREEN, SIGNAL_RED, SIGNAL_YELLOW } from '../../engine/signals/index.js';
import { NO_LOSS_VEHICLE_MODEL, type VehicleModel } from '../../engine/sim/losses.js';
import { brakeGap, yellowWindow } from '../../engine/sim/yellow.js';
import { run, signalisedLine, subStates } from '../fixtures/kernel.js';

describe('brakeGap and yellowWindow', () => {
  it('brakeGap is u² / (2b) in continuous time and SUMO\'s Euler sum at a step', () => {
    expect(brakeGap(10, 4.5, 0)).toBeCloseTo(100 / 9, 12);
    expect(brakeGap(13.89, 4.5, 1)).toBeCloseTo(3 * 13.89 - 4.5 * 6, 12); // k = 3: 14.67 m
    expect(brakeGap(4, 4.5, 1)).toBe(0); // below b dt SUMO stops within the step
    expect(brakeGap(10, Infinity, 0)).toBe(0);
    expect(yellowWindow(10, 4.5, 0)).toBeCloseTo(10 / 9, 12); // u / (2b)
    expect(yellowWindow(13.89, 4.5, 1)).toBeCloseTo((3 * 13.89 - 27) / 13.89, 12); // 1.06 s
    expect(yellowWindow(0, 4.5, 0)).toBe(0); // a stopped vehicle can always stop
  });
});

describe('Movements: who crosses on yellow', () => {
  // A signal between a 200 m approach and a 600 m exit, one lane each, 10 m/s.
  const { net, a, b, J, ab } = signalisedLine();
  /** b = 4.5 m/s², continuous braking distance, no dawdling: window u / (2b) = 10 / 9 s. */
  const model: VehicleModel = { ...NO_LOSS_VEHICLE_MODEL, yellowDecel: 4.5, stepLength: 0 };
  const window = 10 / 9;
  const YELLOW_AT = 30;

  /** Green from 20 s, yellow at 30 s, red at 33 s, green again at 60 s; vehicles reach the stop line at `arrivals` (s). Leave times by vehicle. */
  function leaves(arrivals: number[], m: VehicleModel = model): number[] {
    const k = subStates(net, arrivals.length, m);
    const out: number[] = arrivals.map(() => NaN);
    k.observers.push({ leave: (v, _l, _e, t) => { out[v] = t; } });
    const events: Array<[number, () => void]> = [
      [20, () => { k.movements.signal[ab] = SIGNAL_GREEN; k.movements.show(J, 20); }],
      [YELLOW_AT, () => { k.movements.signal[ab] = SIGNAL_YELLOW; k.movements.show(J, YELLOW_AT); }],
      [33, () => { k.movements.signal[ab] = SIGNAL_RED; k.movements.show(J, 33); }],
      [60, () => { k.movements.signal[ab] = SIGNAL_GREEN; k.movements.show(J, 60); }],
    ];
    arrivals.forEach((t, v) => events.push([t, () => {
      k.vehicles.setRoute(v, Int32Array.of(a, b), 0, 2);
      k.links.enter(v, a, t - 20, 0);
      k.vehicles.stopLineTime[v] = t;
      k.links.reachStopLine(v);
      k.movements.join(v, a, t);
    }]));
    events.sort((x, y) => x[0] - y[0]); // stable: signal changes first at equal times
    for (const [t, act] of events) {
      run(k, t);
      act();
    }
    run(k, 100);
    return out;
  }

  it('a vehicle arriving just inside the window (closer than u² / (2b) at yellow onset) crosses on arrival', () => {
    const t = YELLOW_AT + window - 0.01; // 0.11 m inside its braking distance of 11.1 m
    expect(leaves([t])).toEqual([t]);
  });

  it('a vehicle arriving just outside the window (it could stop) holds until the next green', () => {
    const [left] = leaves([YELLOW_AT + window + 0.01]);
    expect(left).toBeCloseTo(61, 12); // first slot of the next green: 60 + half a 2 s headway
  });

  it('a queued vehicle never crosses on yellow, nor a moving one arriving behind it inside the window', () => {
    // Six queued on red, served at 21, 23, 25, 27, 29 s: the sixth is still queued at yellow onset (its
    // slot, 31 s, is in the yellow); a seventh arrives moving 0.5 s into the yellow, behind it.
    const out = leaves([10, 10, 10, 10, 10, 10, YELLOW_AT + 0.5]);
    expect(out.slice(0, 5)).toEqual([21, 23, 25, 27, 29]);
    expect(out[5]).toBeCloseTo(61, 12);
    expect(out[6]).toBeCloseTo(63, 12);
  });

  it('a moving vehicle arriving a headway behind a yellow runner crosses too, at its headway', () => {
    const out = leaves([YELLOW_AT + 0.1, YELLOW_AT + 0.9]);
    expect(out[0]).toBe(YELLOW_AT + 0.1);
    expect(out[1]).toBeCloseTo(YELLOW_AT + 2.1, 12); // arrived inside the window; leaves at the 2 s headway
  });

  it('the fluid model (yellowDecel Infinity) lets nobody cross on yellow', () => {
    expect(leaves([YELLOW_AT + 0.01], NO_LOSS_VEHICLE_MODEL)[0]).toBeCloseTo(61, 12);
  });

  it('SUMO\'s step shortens the window: at 10 m/s, b 4.5 m/s², dt 1 s, D = 2 x 10 - 4.5 x 3 = 6.5 m, window 0.65 s', () => {
    const sumo = { ...model, stepLength: 1 };
    expect(leaves([YELLOW_AT + 0.64], sumo)).toEqual([YELLOW_AT + 0.64]);
    expect(leaves([YELLOW_AT + 0.66], sumo)[0]).toBeCloseTo(61, 12);
  });
});
