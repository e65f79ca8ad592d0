/**
 * A CityFlow road as the importer reads it: the one record the roadnet reader
 * makes and the light and flow readers use (its own file, so they need not
 * import the roadnet reader, which imports them).
 */

/** A road as read, with what routing and demand need. */
export interface CityflowRoad {
  id: string;
  /** Position in `roads[]`. */
  index: number;
  from: string;
  to: string;
  /** Length of the `points` polyline, m. */
  length: number;
  /**
   * Length of its lanes as CityFlow computes it (the polyline cut back by the
   * width of each non-virtual end intersection), m: the cost of CityFlow's
   * LENGTH router.
   */
  laneLength: number;
  lanes: number;
  /** m/s */
  speed: number;
}
