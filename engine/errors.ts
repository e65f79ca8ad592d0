/**
 * The typed error hierarchy every public greenwave API throws.
 *
 * `GreenwaveError` is the root; callers (the CLI in particular) tell a user's
 * mistake (`NetworkError`, `UsageError`, later `ScenarioError`) from a bug by the
 * class, and tests check the class and its location fields rather than the text.
 */

/** Root of every error greenwave raises on purpose. */
export class GreenwaveError extends Error {
  override readonly name: string = 'GreenwaveError';
}

/** A caller passed something the API cannot accept (bad option, index out of range). */
export class UsageError extends GreenwaveError {
  override readonly name: string = 'UsageError';
}

/** The kind of element a {@link NetworkError} is about. */
export type NetworkElementKind = 'junction' | 'link' | 'movement' | 'network' | 'buffer';

/**
 * Bad road-network data: names the element (kind and id) and the field at fault,
 * for example `link "L12": lengthM must be a positive finite number, got NaN`.
 */
export class NetworkError extends GreenwaveError {
  override readonly name: string = 'NetworkError';
  /** Kind of element at fault. */
  readonly element: NetworkElementKind;
  /** Id of the element at fault (`''` for network-wide problems). */
  readonly id: string;
  /** Field at fault, for example `length` or `from` (`''` when the whole element is at fault). */
  readonly field: string;

  constructor(element: NetworkElementKind, id: string, field: string, message: string) {
    const where = id === '' ? element : `${element} "${id}"`;
    super(field === '' ? `${where}: ${message}` : `${where}: ${field} ${message}`);
    this.element = element;
    this.id = id;
    this.field = field;
  }
}

/**
 * Bad demand or signal data, located by a path into the input, for example
 * `signals[3].phases[1].green[0]: link "L7" does not end at junction "J4"`.
 */
export class InputError extends GreenwaveError {
  override readonly name: string = 'InputError';
  /** Path of the offending value, for example `flows[2].vehPerHour` or `programs.J4.phases[1].duration`. */
  readonly path: string;

  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.path = path;
  }
}
