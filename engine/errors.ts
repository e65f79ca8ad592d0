/**
 * The typed error hierarchy every public greenwave API throws.
 *
 * `GreenwaveError` is the root; callers (the CLI in particular) tell a user's
 * mistake (`NetworkError`, `UsageError`, `InputError`, `ScenarioError`) from a bug by the
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
 * Bad input data, located by a path into the input, for example
 * `signals[3].phases[1].green[0]: link "L7" does not end at junction "J4"`,
 * or by a file and (when known) a line and column: `roadnet.json:12:5: ...`.
 */
export class InputError extends GreenwaveError {
  override readonly name: string = 'InputError';
  /** Path of the offending value, for example `flows[2].vehPerHour` or `programs.J4.phases[1].duration`, or the file. */
  readonly path: string;
  /** What is wrong, without the location. */
  readonly reason: string;
  /** Line and column (1-based) in the file named by `path`, when known. */
  readonly position?: { line: number; column: number };

  constructor(path: string, message: string, position?: { line: number; column: number }) {
    super(`${position ? `${path}:${position.line}:${position.column}` : path}: ${message}`);
    this.path = path;
    this.reason = message;
    if (position) this.position = position;
  }
}

/**
 * One problem found in a scenario file: where it is (file, 1-based line and
 * column when known, and the path of the value, for example
 * `demand.flows[2].vehPerHour`) and what was expected and found.
 */
export interface ScenarioProblem {
  /** The file, as the caller named it. */
  file: string;
  /** 1-based line of the offending value (or key), when known. */
  line?: number;
  /** 1-based column of the offending value (or key), when known. */
  column?: number;
  /** Path of the offending value in the scenario, for example `network.links[3].lengthM`; `''` for the whole file. */
  path: string;
  /** What was expected and what was found. */
  message: string;
}

/** `file:line:column  path  message` for one problem (parts that are unknown are left out). */
export function formatScenarioProblem(problem: ScenarioProblem): string {
  let where = problem.file;
  if (problem.line !== undefined) where += `:${problem.line}${problem.column !== undefined ? `:${problem.column}` : ''}`;
  return problem.path === '' ? `${where}  ${problem.message}` : `${where}  ${problem.path}  ${problem.message}`;
}

/**
 * A scenario file that cannot be used: every problem found (as many as could be
 * found before giving up), each with its file, line, column and path. The message
 * lists them one per line, for example
 *
 * ```
 * 2 problems in scenarios/grid.yaml:
 *   scenarios/grid.yaml:7:15  network.speedKmH  unknown field "speedKmH"; did you mean "speedKmh"?
 *   scenarios/grid.yaml:19:21  demand.flows[0].vehPerHour  expected a number >= 0, found -900
 * ```
 */
export class ScenarioError extends GreenwaveError {
  override readonly name: string = 'ScenarioError';
  /** Every problem, ordered by file, line and column. */
  readonly problems: readonly ScenarioProblem[];

  constructor(problems: readonly ScenarioProblem[]) {
    const sorted = [...problems].sort(
      (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0),
    );
    const files = [...new Set(sorted.map((p) => p.file))].join(', ');
    const count = sorted.length === 1 ? '1 problem' : `${sorted.length} problems`;
    super(`${count} in ${files}:\n${sorted.map((p) => `  ${formatScenarioProblem(p)}`).join('\n')}`);
    this.problems = sorted;
  }
}

/**
 * An output that cannot be written where it was asked for: a full disk, a
 * read-only or missing directory, a directory where a file belongs, or a
 * directory holding another run's files. `path` names the file or directory.
 */
export class OutputError extends GreenwaveError {
  override readonly name: string = 'OutputError';
  /** The file or directory at fault. */
  readonly path: string;

  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.path = path;
  }
}
