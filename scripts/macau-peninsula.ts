/**
 * Writes scenarios/macau-peninsula/scenario.yaml: a schematic, left-hand-traffic
 * network after the Macau peninsula's main avenues, with a morning-peak demand.
 *
 * How it was made: the junction positions below are approximate WGS84 coordinates
 * of well-known junctions (Lisboa roundabout, Senado, Red Market, Border Gate, the
 * Outer Harbour ferry terminal, ...), placed by the greenwave authors from general
 * knowledge of the street layout, not from a survey or from OpenStreetMap data.
 * Roads are straight lines between them; lanes and speeds are plausible urban
 * values (2 lanes at 50 km/h on avenues, 1 lane at 40 km/h on old-town streets),
 * every road is two-way, and every non-U-turn movement is permitted. Planar x/y
 * come from a local equirectangular projection around 22.195 N, 113.545 E.
 * It is a teaching and testing network, not a model of Macau's real traffic.
 *
 *   npx tsx scripts/macau-peninsula.ts     (re-generates the file)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

const LON0 = 113.545;
const LAT0 = 22.195;
const R = 6_371_008.8;
const toX = (lon: number): number => Math.round(((lon - LON0) * Math.PI / 180) * R * Math.cos((LAT0 * Math.PI) / 180));
const toY = (lat: number): number => Math.round(((lat - LAT0) * Math.PI / 180) * R);

// id, description, lon, lat, control
const junctions: Array<[string, string, number, number, 'signal' | 'priority' | 'uncontrolled']> = [
  ['lisboa', 'Praça de Ferreira do Amaral (Lisboa roundabout)', 113.5447, 22.1906, 'signal'],
  ['infante', 'Av. do Infante D. Henrique / Av. de Almeida Ribeiro', 113.5418, 22.1925, 'signal'],
  ['senado', 'Av. de Almeida Ribeiro at Largo do Senado', 113.5395, 22.1937, 'signal'],
  ['cincoOutubro', 'Av. de Almeida Ribeiro / Rua de Cinco de Outubro', 113.5370, 22.1950, 'signal'],
  ['lorchas', 'Av. de Almeida Ribeiro / Rua das Lorchas (Inner Harbour)', 113.5350, 22.1958, 'signal'],
  ['praiaGrande', 'Av. da Praia Grande / Av. do Infante D. Henrique', 113.5425, 22.1898, 'signal'],
  ['namVan', 'Av. da República (Nam Van)', 113.5380, 22.1872, 'priority'],
  ['barra', 'Barra (Rua do Almirante Sérgio)', 113.5318, 22.1870, 'signal'],
  ['almiranteSergio', 'Rua do Almirante Sérgio / Rua das Lorchas', 113.5335, 22.1915, 'priority'],
  ['tapSiac', 'Rua do Campo / Av. do Conselheiro Ferreira de Almeida', 113.5462, 22.1975, 'signal'],
  ['hortaCosta', 'Av. de Horta e Costa / Av. do Conselheiro Ferreira de Almeida', 113.5458, 22.2010, 'signal'],
  ['sidonio', 'Av. de Horta e Costa / Av. de Sidónio Pais', 113.5488, 22.2020, 'signal'],
  ['ouvidor', 'Av. de Horta e Costa / Av. do Ouvidor Arriaga', 113.5432, 22.2035, 'signal'],
  ['redMarket', 'Red Market (Av. do Almirante Lacerda / Av. de Horta e Costa)', 113.5418, 22.2062, 'signal'],
  ['patane', 'Rua do Visconde Paço de Arcos (Patane)', 113.5385, 22.2040, 'signal'],
  ['ponte16', 'Rua do Visconde Paço de Arcos / Ponte 16', 113.5352, 22.1990, 'signal'],
  ['outerHarbour', 'Av. da Amizade / Av. do Dr. Rodrigo Rodrigues', 113.5520, 22.1940, 'signal'],
  ['rodrigues', 'Av. do Dr. Rodrigo Rodrigues / Estrada de Cacilhas', 113.5495, 22.1960, 'signal'],
  ['nape', 'Av. Dr. Sun Yat-sen / Av. da Amizade (NAPE)', 113.5480, 22.1915, 'signal'],
  ['ferry', 'Av. da Amizade at the Outer Harbour Ferry Terminal', 113.5575, 22.1975, 'signal'],
  ['repouso', 'Av. do Almirante Lacerda / Estrada do Repouso', 113.5440, 22.2085, 'signal'],
  ['tamagnini', 'Av. de Artur Tamagnini Barbosa / Av. de Venceslau de Morais', 113.5500, 22.2080, 'signal'],
  ['toiSan', 'Av. do Almirante Lacerda / Av. de Artur Tamagnini Barbosa (Toi San)', 113.5455, 22.2120, 'signal'],
  ['borderGate', 'Portas do Cerco (Border Gate) forecourt', 113.5495, 22.2150, 'signal'],
  ['ilhaVerde', 'Av. Marginal do Patane / Ilha Verde', 113.5390, 22.2110, 'priority'],
  // Fringe junctions: where traffic enters and leaves the peninsula model.
  ['zhuhaiBorder', 'Border crossing to Zhuhai (Gongbei)', 113.5500, 22.2185, 'uncontrolled'],
  ['bridgeNobre', 'Ponte Governador Nobre de Carvalho (to Taipa)', 113.5470, 22.1865, 'uncontrolled'],
  ['bridgeAmizade', 'Ponte da Amizade (to Taipa)', 113.5610, 22.1950, 'uncontrolled'],
  ['bridgeSaiVan', 'Ponte de Sai Van (to Taipa), from Barra', 113.5300, 22.1845, 'uncontrolled'],
  ['lotusBridge', 'Towards Ilha Verde / Lótus checkpoint road', 113.5370, 22.2140, 'uncontrolled'],
];

// from, to, lanes per direction, speed km/h, street name
const roads: Array<[string, string, number, number, string]> = [
  ['lorchas', 'cincoOutubro', 1, 40, 'Avenida de Almeida Ribeiro'],
  ['cincoOutubro', 'senado', 1, 40, 'Avenida de Almeida Ribeiro'],
  ['senado', 'infante', 1, 40, 'Avenida de Almeida Ribeiro'],
  ['infante', 'lisboa', 2, 50, 'Avenida de Almeida Ribeiro'],
  ['lisboa', 'praiaGrande', 2, 50, 'Avenida do Infante D. Henrique'],
  ['praiaGrande', 'infante', 1, 40, 'Avenida do Infante D. Henrique'],
  ['praiaGrande', 'namVan', 2, 50, 'Avenida da Praia Grande'],
  ['namVan', 'barra', 2, 50, 'Avenida da República'],
  ['barra', 'almiranteSergio', 2, 40, 'Rua do Almirante Sérgio'],
  ['almiranteSergio', 'lorchas', 1, 40, 'Rua das Lorchas'],
  ['lorchas', 'ponte16', 1, 40, 'Rua do Visconde Paço de Arcos'],
  ['ponte16', 'patane', 2, 40, 'Rua do Visconde Paço de Arcos'],
  ['patane', 'ilhaVerde', 2, 50, 'Avenida Marginal do Patane'],
  ['senado', 'tapSiac', 1, 40, 'Rua do Campo'],
  ['tapSiac', 'hortaCosta', 2, 50, 'Avenida do Conselheiro Ferreira de Almeida'],
  ['ouvidor', 'hortaCosta', 2, 50, 'Avenida de Horta e Costa'],
  ['hortaCosta', 'sidonio', 2, 50, 'Avenida de Horta e Costa'],
  ['ouvidor', 'redMarket', 2, 50, 'Avenida de Horta e Costa'],
  ['ouvidor', 'patane', 1, 40, 'Avenida do Ouvidor Arriaga'],
  ['ponte16', 'cincoOutubro', 1, 30, 'Rua de Cinco de Outubro'],
  ['redMarket', 'repouso', 2, 50, 'Avenida do Almirante Lacerda'],
  ['repouso', 'toiSan', 2, 50, 'Avenida do Almirante Lacerda'],
  ['repouso', 'ilhaVerde', 1, 40, 'Estrada do Repouso'],
  ['toiSan', 'tamagnini', 2, 50, 'Avenida de Artur Tamagnini Barbosa'],
  ['toiSan', 'borderGate', 2, 40, 'Avenida do Almirante Lacerda'],
  ['tamagnini', 'borderGate', 2, 40, 'Avenida de Venceslau de Morais'],
  ['tamagnini', 'sidonio', 2, 50, 'Avenida de Venceslau de Morais'],
  ['sidonio', 'rodrigues', 2, 50, 'Avenida de Sidónio Pais'],
  ['tapSiac', 'rodrigues', 1, 40, 'Estrada de Adolfo Loureiro'],
  ['rodrigues', 'outerHarbour', 2, 50, 'Avenida do Dr. Rodrigo Rodrigues'],
  ['lisboa', 'nape', 2, 50, 'Avenida da Amizade'],
  ['nape', 'outerHarbour', 2, 50, 'Avenida da Amizade'],
  ['nape', 'rodrigues', 1, 40, 'Avenida Dr. Sun Yat-sen'],
  ['outerHarbour', 'ferry', 2, 50, 'Avenida da Amizade'],
  ['ferry', 'tamagnini', 2, 50, 'Estrada do Reservatório / Av. Venceslau de Morais'],
  // Fringe connectors.
  ['borderGate', 'zhuhaiBorder', 3, 30, 'Portas do Cerco'],
  ['lisboa', 'bridgeNobre', 2, 60, 'Ponte Governador Nobre de Carvalho'],
  ['ferry', 'bridgeAmizade', 2, 60, 'Ponte da Amizade'],
  ['barra', 'bridgeSaiVan', 2, 60, 'Ponte de Sai Van'],
  ['ilhaVerde', 'lotusBridge', 2, 50, 'Avenida Marginal do Patane'],
];

const ids = new Set(junctions.map(([id]) => id));
for (const [a, b] of roads) if (!ids.has(a) || !ids.has(b)) throw new Error(`road ${a}-${b}: unknown junction`);

const links = roads.flatMap(([a, b, lanes, speedKmh, name]) => [
  { id: `${a}>${b}`, from: a, to: b, lanes, speedKmh, name },
  { id: `${b}>${a}`, from: b, to: a, lanes, speedKmh, name },
]);

// Morning peak, 07:00-09:00: in from the Border Gate and the Taipa bridges towards the old
// town, the Red Market area and the NAPE offices; some out towards the ferry and Zhuhai.
const zones = ['zhuhaiBorder', 'bridgeNobre', 'bridgeAmizade', 'bridgeSaiVan', 'lotusBridge', 'senado', 'hortaCosta', 'redMarket', 'nape', 'ferry'];
const production: Record<string, number> = { zhuhaiBorder: 1100, bridgeNobre: 700, bridgeAmizade: 600, bridgeSaiVan: 400, lotusBridge: 300, senado: 150, hortaCosta: 250, redMarket: 250, nape: 150, ferry: 200 };
const attraction: Record<string, number> = { zhuhaiBorder: 250, bridgeNobre: 250, bridgeAmizade: 200, bridgeSaiVan: 150, lotusBridge: 100, senado: 800, hortaCosta: 600, redMarket: 500, nape: 900, ferry: 350 };
const totalAttraction = zones.reduce((s, z) => s + attraction[z], 0);
const matrix = zones.map((o) => zones.map((d) => (o === d ? 0 : Math.round((production[o] * attraction[d]) / (totalAttraction - attraction[o])))));

const scenario = {
  name: 'macau-peninsula',
  description: 'Morning peak (07:00-09:00) on a schematic left-hand network after the Macau peninsula\'s main avenues. Approximate geometry authored by the greenwave project (see scripts/macau-peninsula.ts); not a survey.',
  drivingSide: 'left',
  network: {
    junctions: junctions.map(([id, , lon, lat, control]) => ({ id, xM: toX(lon), yM: toY(lat), lon, lat, control })),
    links,
  },
  demand: {
    od: [{
      zones,
      vehPerHour: matrix,
      begin: '07:00',
      end: '09:00',
      profile: [
        { time: '07:00', factor: 0.6 },
        { time: '07:45', factor: 1.2 },
        { time: '08:15', factor: 1.3 },
        { time: '09:00', factor: 0.8 },
      ],
      arrivals: 'poisson',
    }],
  },
  simulation: { start: '07:00', end: '10:00', seed: 853, intervalS: 900 },
  outputs: { dir: 'out', files: ['summary.json', 'trips.csv', 'links.csv', 'junctions.csv', 'timeseries.csv', 'network.geojson'] },
};

const header = `# yaml-language-server: $schema=../schema.json
# Generated by scripts/macau-peninsula.ts — edit that script, not this file.
# Junctions (approximate WGS84 positions of well-known junctions, authored by the project):
${junctions.map(([id, desc]) => `#   ${id.padEnd(16)} ${desc}`).join('\n')}
`;
mkdirSync('scenarios/macau-peninsula', { recursive: true });
writeFileSync('scenarios/macau-peninsula/scenario.yaml', `${header}${stringify(scenario, { lineWidth: 0, flowCollectionPadding: false })}`);
console.log(`wrote scenarios/macau-peninsula/scenario.yaml: ${junctions.length} junctions, ${links.length} links, ${zones.length} zones`);
