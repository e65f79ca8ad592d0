/**
 * Measures the OSM importer's signal-guessing rule against extracts that tag
 * their signals: `tsx scripts/osm-signal-rule.ts city.osm.pbf [more files...]`.
 *
 * Each file is imported twice, with `signals: osm` (the junctions the data's
 * `highway=traffic_signals` nodes signalise, mid-block crossings left out) and
 * with `signals: guess` (the rule alone, see engine/io/osm/guess.ts). A guessed
 * junction is right when a tagged one lies within MATCH_DISTANCE metres of it
 * (nearest first, each tagged junction matched once), so a guess on the other
 * node of the same crossing still counts. Prints per file the tagged and
 * guessed counts, precision (right guesses / guesses) and recall (tagged
 * junctions found / tagged junctions).
 */
import { importOsm } from '../engine/io/osm/index.js';
import type { RoadNetwork } from '../engine/network/road-network.js';

/** A guess this close to a tagged signal is the same intersection, m. */
const MATCH_DISTANCE = 40;

function signalised(network: RoadNetwork, midBlock: ReadonlySet<string>): Array<{ x: number; y: number }> {
  return network.junctions().filter((j) => j.control === 'signal' && !midBlock.has(j.id)).map((j) => ({ x: j.x, y: j.y }));
}

async function measure(file: string): Promise<void> {
  const common = { components: 'all' as const };
  const tagged = await importOsm(file, { ...common, signals: 'osm', pedestrianPhase: 10 });
  // Mid-block crossings are the programs with an all-red pedestrian phase (no green movement).
  const midBlock = new Set(tagged.programs.filter((p) => p.phases.some((ph) => ph.green.length === 0)).map((p) => p.junction));
  const guessed = await importOsm(file, { ...common, signals: 'guess' });
  const truth = signalised(tagged.network, midBlock);
  const guesses = signalised(guessed.network, new Set());
  const pairs: Array<{ g: number; t: number; d: number }> = [];
  guesses.forEach((g, gi) => truth.forEach((t, ti) => {
    const d = Math.hypot(g.x - t.x, g.y - t.y);
    if (d <= MATCH_DISTANCE) pairs.push({ g: gi, t: ti, d });
  }));
  pairs.sort((a, b) => a.d - b.d);
  const usedG = new Set<number>();
  const usedT = new Set<number>();
  for (const p of pairs) {
    if (usedG.has(p.g) || usedT.has(p.t)) continue;
    usedG.add(p.g);
    usedT.add(p.t);
  }
  const pct = (a: number, b: number): string => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(0)}%`);
  const name = file.split('/').pop();
  console.log(`| ${name} | ${tagged.network.junctionCount} | ${truth.length} | ${guesses.length} | ${usedG.size} | ${pct(usedG.size, guesses.length)} | ${pct(usedT.size, truth.length)} |`);
}

console.log('| extract | junctions | tagged signalised junctions | guessed | right | precision | recall |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const file of process.argv.slice(2)) await measure(file);
