/**
 * What a SUMO input file is, read from its root element rather than its name or
 * its place on a command line: `<net>` a network, `<routes>` demand (routes,
 * trips, flows), `<additional>` (or `<add>`) additional elements such as
 * `tlLogic` programs, `<configuration>` (or `<sumoConfiguration>`...) a
 * configuration. Only the first start tag is parsed; the rest of the file is not
 * read. `.gz` files are read through gunzip like every SUMO file.
 */
import { InputError } from '../../errors.js';
import { readXml } from '../xml.js';
import { shortName } from '../files.js';

/** Kinds of SUMO input file. */
export type SumoFileKind = 'net' | 'routes' | 'additional' | 'config';

/** Thrown from the root element's handler to stop reading; never leaves this module. */
class RootFound {
  constructor(readonly name: string, readonly line: number) {}
}

/** The kind a root element name stands for, or undefined for a name SUMO does not read as input. */
export function kindOfRoot(name: string): SumoFileKind | undefined {
  if (name === 'net') return 'net';
  if (name === 'routes') return 'routes';
  if (name === 'additional' || name === 'add') return 'additional';
  if (name === 'configuration' || name.endsWith('Configuration')) return 'config';
  return undefined;
}

/**
 * The kind of SUMO file `file` is, from its root element. Rejects with
 * `InputError` (`file:line`) for a file whose root is none of `<net>`,
 * `<routes>`, `<additional>`, `<configuration>`, for malformed XML before the
 * root, and for a missing or unreadable file.
 */
export async function sumoFileKind(file: string): Promise<SumoFileKind> {
  let root: RootFound | undefined;
  try {
    await readXml(file, {
      open(element) {
        throw new RootFound(element.name, element.line);
      },
    });
  } catch (error) {
    if (!(error instanceof RootFound)) throw error;
    root = error;
  }
  if (root === undefined) throw new InputError(shortName(file), 'not a SUMO file: it has no root element');
  const kind = kindOfRoot(root.name);
  if (kind === undefined) {
    throw new InputError(`${shortName(file)}:${root.line}`, `not a SUMO input file: the root element is <${root.name}>, expected <net> (network), <routes> (routes, trips, flows), <additional> (tlLogic programs) or <configuration> (.sumocfg)`);
  }
  return kind;
}
