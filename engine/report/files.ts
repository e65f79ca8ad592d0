/**
 * Names of the files a run writes into its output directory: a constant on its
 * own, so the scenario format (which lets `outputs.files` choose among them)
 * and the writers share one list without loading the writers.
 */

/**
 * Files a run may write into `outputs.dir` (the HTML report and its recordings
 * join with --report); convergence.csv only with `routeChoice: equilibrium`.
 */
export const OUTPUT_FILE_NAMES = [
  'summary.json', 'trips.csv', 'links.csv', 'junctions.csv', 'timeseries.csv', 'network.geojson', 'timing.csv', 'convergence.csv',
] as const;
