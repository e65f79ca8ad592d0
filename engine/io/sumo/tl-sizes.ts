/**
 * The number of links each traffic light of a SUMO network controls, read from
 * the network's `<connection tl=".." linkIndex="..">` elements (and
 * `linkIndex2`): a program written for that network must have state strings of
 * exactly this length (SUMO: "Mismatching phase size in tls ..."). greenwave's
 * `signalIndex` only knows the links of the movements it imported (no
 * pedestrian crossings, no lanes of other vehicle classes), so a plan written
 * onto the original network takes its lengths from here.
 */
import { InputError } from '../../errors.js';
import { shortName } from '../files.js';
import { readXml } from '../xml.js';

/**
 * Per traffic-light id, 1 + the largest link index any connection of the
 * network gives it. Rejects with `InputError` for a file whose root is not
 * `<net>`, malformed XML or a link index that is not a whole number >= 0.
 */
export async function readTlLinkCounts(netFile: string): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  await readXml(netFile, {
    open(element) {
      if (element.parents.length === 0) {
        if (element.name !== 'net') throw new InputError(`${shortName(netFile)}:${element.line}`, `not a SUMO network: the root element is <${element.name}>, expected <net>`);
        return;
      }
      if (element.name !== 'connection' || element.parents.length !== 1) return;
      const tl = element.attributes.tl;
      if (tl === undefined) return;
      for (const key of ['linkIndex', 'linkIndex2'] as const) {
        const text = element.attributes[key];
        if (text === undefined) continue;
        const index = Number(text);
        if (!Number.isInteger(index) || index < -1) throw new InputError(`${shortName(netFile)}:${element.line}`, `connection of traffic light "${tl}": ${key} must be a whole number >= 0, got ${JSON.stringify(text)}`);
        sizes.set(tl, Math.max(sizes.get(tl) ?? 0, index + 1));
      }
    },
  });
  return sizes;
}
