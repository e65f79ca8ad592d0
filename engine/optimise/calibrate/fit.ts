/**
 * Goodness of fit of simulated against observed counts, the way transport
 * agencies ask for it.
 *
 * GEH statistic (Geoffrey E. Havers; UK Design Manual for Roads and Bridges,
 * Volume 12, Section 2, Part 1 "Traffic Appraisal in Urban Areas", 1996, §4.4.39-42;
 * DfT Transport Analysis Guidance (TAG) unit M3.1 "Highway Assignment Modelling",
 * §3.2, Table 2):
 *
 *     GEH = sqrt( 2 (M - C)^2 / (M + C) )
 *
 * with M the modelled (simulated) and C the counted (observed) flow, both HOURLY
 * flows in vehicles per hour. Counts of other durations are converted to hourly
 * flows first: a 15-minute count of n vehicles is the flow 4n veh/h (n x 3600 /
 * duration). GEH is therefore not computed on the raw 15-minute numbers (which
 * would make it half as large: GEH scales with the square root of the flow). A
 * whole-period total is the location's vehicles over all its counts divided by
 * their total duration in hours. M = C = 0 gives GEH 0.
 *
 * Acceptability (TAG M3.1 Table 2, DMRB Table 4.2): GEH < 5 for more than 85% of
 * the counts; the flow criterion: the hourly flow within 100 veh/h of the count
 * below 700 veh/h, within 15% from 700 to 2,700 veh/h, within 400 veh/h above.
 * Also reported: R^2 (squared Pearson correlation) with the slope and intercept
 * of the least-squares line simulated = a + b x observed, the root-mean-square
 * error (vehicles per count) and %RMSE (RMSE / mean observed count).
 */

/** GEH of a simulated and an observed number of vehicles over `hours` (> 0): both converted to veh/h. */
export function geh(simulated: number, observed: number, hours: number): number {
  const m = simulated / hours;
  const c = observed / hours;
  return m + c > 0 ? Math.sqrt((2 * (m - c) * (m - c)) / (m + c)) : 0;
}

/** Whether hourly flows `m` (simulated) and `c` (observed) meet TAG M3.1's flow criterion (veh/h). */
export function meetsFlowCriterion(m: number, c: number): boolean {
  const d = Math.abs(m - c);
  if (c < 700) return d < 100;
  if (c <= 2700) return d < 0.15 * c;
  return d < 400;
}

/** One count and its simulated value: a row of calibration.csv. */
export interface FitRow {
  /** Location key (`link` or `from>to`). */
  location: string;
  /** s since midnight. */
  begin: number;
  /** s since midnight. */
  end: number;
  observed: number;
  simulated: number;
  /** GEH on hourly flows. */
  geh: number;
}

/** A location's whole-period totals. */
export interface LocationFit {
  location: string;
  observed: number;
  simulated: number;
  /** Counted duration (sum of its intervals), s. */
  duration: number;
  /** GEH of the totals as average hourly flows over `duration`. */
  geh: number;
}

/** The fit summary printed on stdout and written to calibration.json. */
export interface FitSummary {
  /** Counted locations. */
  locations: number;
  /** Interval counts. */
  counts: number;
  /** Interval counts where the observed or the simulated value is above 0. */
  countsWithTraffic: number;
  /** Share of interval counts with GEH < 5 (0..1). */
  shareGehBelow5: number;
  /** The same share over the counts with traffic (empty intervals matched by empty simulation left out). */
  shareGehBelow5WithTraffic: number;
  /** Share of locations whose whole-period totals have GEH < 5. */
  periodShareGehBelow5: number;
  /** Share of interval counts meeting TAG M3.1's flow criterion. */
  shareFlowCriterion: number;
  /** Mean GEH over interval counts. */
  meanGeh: number;
  /** Squared correlation of simulated against observed interval counts (NaN with fewer than 2 counts or no variance). */
  r2: number;
  /** Least-squares line simulated = intercept + slope x observed. */
  slope: number;
  intercept: number;
  /** Root-mean-square error, vehicles per count. */
  rmse: number;
  /** RMSE / mean observed count x 100. */
  percentRmse: number;
  /** Sum of observed and of simulated vehicles over all counts, and simulated / observed. */
  totals: { observed: number; simulated: number; ratio: number };
  /** Locations furthest off over the whole period, largest GEH first. */
  worst: LocationFit[];
}

/** Rows of `observed` and `simulated` counts with their GEH. */
export function fitRows(rows: ReadonlyArray<Omit<FitRow, 'geh'>>): FitRow[] {
  return rows.map((r) => ({ ...r, geh: geh(r.simulated, r.observed, (r.end - r.begin) / 3600) }));
}

/** Whole-period totals per location, in order of first appearance. */
export function locationFits(rows: readonly FitRow[]): LocationFit[] {
  const byLocation = new Map<string, LocationFit>();
  for (const r of rows) {
    let f = byLocation.get(r.location);
    if (!f) byLocation.set(r.location, (f = { location: r.location, observed: 0, simulated: 0, duration: 0, geh: 0 }));
    f.observed += r.observed;
    f.simulated += r.simulated;
    f.duration += r.end - r.begin;
  }
  const out = [...byLocation.values()];
  for (const f of out) f.geh = geh(f.simulated, f.observed, f.duration / 3600);
  return out;
}

/** The fit statistics of `rows` (see the file header); `worst` lists up to `worstCount` locations (default 10). */
export function fitSummary(rows: readonly FitRow[], worstCount = 10): FitSummary {
  const n = rows.length;
  let below = 0;
  let traffic = 0;
  let belowTraffic = 0;
  let flow = 0;
  let gehSum = 0;
  let so = 0;
  let ss = 0;
  let soo = 0;
  let sss = 0;
  let sos = 0;
  let sqErr = 0;
  for (const r of rows) {
    const hours = (r.end - r.begin) / 3600;
    if (r.geh < 5) below++;
    if (r.observed > 0 || r.simulated > 0) {
      traffic++;
      if (r.geh < 5) belowTraffic++;
    }
    if (meetsFlowCriterion(r.simulated / hours, r.observed / hours)) flow++;
    gehSum += r.geh;
    so += r.observed;
    ss += r.simulated;
    soo += r.observed * r.observed;
    sss += r.simulated * r.simulated;
    sos += r.observed * r.simulated;
    sqErr += (r.simulated - r.observed) ** 2;
  }
  const varO = soo - (so * so) / n;
  const varS = sss - (ss * ss) / n;
  const cov = sos - (so * ss) / n;
  const slope = varO > 0 ? cov / varO : NaN;
  const periods = locationFits(rows);
  const rmse = n > 0 ? Math.sqrt(sqErr / n) : NaN;
  return {
    locations: periods.length,
    counts: n,
    countsWithTraffic: traffic,
    shareGehBelow5: n > 0 ? below / n : NaN,
    shareGehBelow5WithTraffic: traffic > 0 ? belowTraffic / traffic : NaN,
    periodShareGehBelow5: periods.length > 0 ? periods.filter((p) => p.geh < 5).length / periods.length : NaN,
    shareFlowCriterion: n > 0 ? flow / n : NaN,
    meanGeh: n > 0 ? gehSum / n : NaN,
    r2: n > 1 && varO > 0 && varS > 0 ? (cov * cov) / (varO * varS) : NaN,
    slope,
    intercept: n > 0 && Number.isFinite(slope) ? (ss - slope * so) / n : NaN,
    rmse,
    percentRmse: so > 0 ? (100 * rmse) / (so / n) : NaN,
    totals: { observed: so, simulated: ss, ratio: so > 0 ? ss / so : NaN },
    worst: [...periods].sort((a, b) => b.geh - a.geh || a.location.localeCompare(b.location)).slice(0, worstCount),
  };
}
