import { importCityflow } from '../engine/network/io/cityflow/index.js';
const r = await importCityflow({ roadnet: 'test/fixtures/cityflow/rules/roadnet.json', flow: 'test/fixtures/cityflow/rules/flow.json' });
console.log(r.counts, r.warnings, JSON.stringify(r.programs), r.network.movements(), r.network.links(), r.signalIndex);
for (const f of ['malformed','dangling-roadlink','dangling-intersection','dangling-intersection-road','wrong-type-speed','lane-out-of-range','phase-index','road-not-at-intersection','intersections-not-array','missing-virtual','no-phases']) {
  try { await importCityflow('test/fixtures/cityflow/bad/' + f + '.json'); console.log('NO ERROR', f); } catch (e) { console.log(f, '|', (e as any).name, '|', (e as Error).message); }
}
for (const f of ['flow-unknown-road','flow-wrong-type','flow-missing-vehicle-field','flow-not-array','flow-zero-interval']) {
  try { await importCityflow({ roadnet: 'test/fixtures/cityflow/tiny/roadnet.json', flow: 'test/fixtures/cityflow/bad/' + f + '.json' }); console.log('NO ERROR', f); } catch (e) { console.log(f, '|', (e as any).name, '|', (e as Error).message); }
}
try { await importCityflow('test/fixtures/cityflow/bad/config-missing-roadnet.json'); } catch (e) { console.log((e as Error).message); }
