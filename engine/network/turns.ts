/**
 * Turn classification from geometry. The turn angle is the signed angle from the
 * approach direction to the exit direction (counter-clockwise positive, y north),
 * so a positive angle is a left turn whatever side traffic drives on; the driving
 * side only decides which turn is the near-side one and which crosses oncoming
 * traffic (the far-side, opposed turn).
 */
import type { DrivingSide, TurnKind } from './types.js';

/** |angle| below this (radians, 30 degrees) is `straight`. */
const STRAIGHT_LIMIT = Math.PI / 6;
/** |angle| above this (radians, 150 degrees) is `uturn`. */
const UTURN_LIMIT = (5 * Math.PI) / 6;

/**
 * Signed turn angle in radians, in (-pi, pi], from direction (ax, ay) to (bx, by).
 * Positive turns left (counter-clockwise).
 */
export function turnAngle(ax: number, ay: number, bx: number, by: number): number {
  return Math.atan2(ax * by - ay * bx, ax * bx + ay * by);
}

/**
 * Classify a turn from approach direction (ax, ay) to exit direction (bx, by).
 * `returnsToOrigin` (the exit leads back to the approach's upstream junction) is
 * a U-turn whatever the drawn geometry says.
 */
export function classifyTurn(ax: number, ay: number, bx: number, by: number, returnsToOrigin: boolean): TurnKind {
  if (returnsToOrigin) return 'uturn';
  if ((ax === 0 && ay === 0) || (bx === 0 && by === 0)) return 'straight';
  const angle = turnAngle(ax, ay, bx, by);
  const abs = Math.abs(angle);
  if (abs < STRAIGHT_LIMIT) return 'straight';
  if (abs > UTURN_LIMIT) return 'uturn';
  return angle > 0 ? 'left' : 'right';
}

/**
 * True when the turn crosses the oncoming traffic stream: a left turn where
 * traffic drives on the right, a right turn where it drives on the left (Macau).
 * U-turns cross it too.
 */
export function isFarSideTurn(turn: TurnKind, side: DrivingSide): boolean {
  if (turn === 'uturn') return true;
  return side === 'right' ? turn === 'left' : turn === 'right';
}

/** True for the turn that stays on the kerb side: right in right-hand traffic, left in left-hand. */
export function isNearSideTurn(turn: TurnKind, side: DrivingSide): boolean {
  return side === 'right' ? turn === 'right' : turn === 'left';
}

/** Numeric codes for turn kinds in compiled arrays. */
export const TURN_CODE: Readonly<Record<TurnKind, number>> = { straight: 0, left: 1, right: 2, uturn: 3 };
/** Inverse of {@link TURN_CODE}. */
export const TURN_KINDS: readonly TurnKind[] = ['straight', 'left', 'right', 'uturn'];
