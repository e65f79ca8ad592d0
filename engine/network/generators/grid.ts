/**
 * `grid(rows, cols)`: a Manhattan grid, the standard synthetic network for signal
 * coordination and routing tests (SUMO's `netgenerate --grid`).
 *
 * Junction `r<r>c<c>` sits at x = c * spacing, y = r * spacing (plus `origin`), so
 * row 0 is the southern row and column 0 the western one. Each pair of 4-neighbours
 * is joined by a two-way street: links `r0c0>r0c1` and `r0c1>r0c0`, each `spacing`
 * m long. Streets along a row are named `row <r>`, along a column `col <c>`.
 *
 * With `attachLength` > 0 (SUMO's `--grid.attach-length`) every boundary junction
 * also gets a dead-end stub per boundary side it lies on, pointing outward, so
 * demand can enter and leave: `w<r>`/`e<r>` west/east of row r, `s<c>`/`n<c>`
 * south/north of column c (a corner gets two). The stubs continue the grid street,
 * with its lanes, speed and name. Default 0: no stubs, and the grid's corners are
 * plain bends (two neighbours, not signalised).
 *
 * Movements: every turn but U-turns; see `common.ts` (`deadEndUTurns`).
 */
import type { RoadNetwork } from '../road-network.js';
import { checkCount, checkNonNegative, checkPositive, NetworkPlan, resolveOptions, type GeneratorOptions } from './common.js';

/** Default distance between neighbouring grid junctions, m. */
export const DEFAULT_GRID_SPACING = 200;

/** Options of {@link grid}. */
export interface GridOptions extends GeneratorOptions {
  /** Distance between neighbouring junctions, m; also each grid link's length. Default 200. */
  spacing?: number;
  /**
   * Length of the dead-end stub attached outward at each boundary junction, m.
   * Default 0: no stubs.
   */
  attachLength?: number;
}

/**
 * A `rows` x `cols` grid of junctions joined by two-way streets between
 * 4-neighbours. Junctions with 3 or more neighbours are signalised by default.
 *
 * Counts without stubs: rows*cols junctions, 2*(rows*(cols-1) + cols*(rows-1))
 * links; stubs add 2*(rows+cols) junctions and twice as many links.
 *
 * @param rows Number of junction rows (along y), integer >= 1.
 * @param cols Number of junction columns (along x), integer >= 1.
 * @throws UsageError naming the argument, for example `grid.rows`.
 */
export function grid(rows: number, cols: number, options?: GridOptions): RoadNetwork {
  checkCount('grid.rows', rows, 1);
  checkCount('grid.cols', cols, 1);
  const { resolved, record } = resolveOptions('grid', options, ['spacing', 'attachLength']);
  const spacing = record.spacing === undefined ? DEFAULT_GRID_SPACING : checkPositive('grid.options.spacing', record.spacing);
  const attach = record.attachLength === undefined ? 0 : checkNonNegative('grid.options.attachLength', record.attachLength);
  const { main } = resolved;
  const id = (r: number, c: number): string => `r${r}c${c}`;

  const plan = new NetworkPlan();
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) plan.junction(id(r, c), c * spacing, r * spacing);
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (c + 1 < cols) plan.twoWay(id(r, c), id(r, c + 1), spacing, main, `row ${r}`);
      if (r + 1 < rows) plan.twoWay(id(r, c), id(r + 1, c), spacing, main, `col ${c}`);
    }
  }

  if (attach > 0) {
    const east = (cols - 1) * spacing;
    const north = (rows - 1) * spacing;
    for (let r = 0; r < rows; r++) {
      plan.junction(`w${r}`, -attach, r * spacing);
      plan.junction(`e${r}`, east + attach, r * spacing);
    }
    for (let c = 0; c < cols; c++) {
      plan.junction(`s${c}`, c * spacing, -attach);
      plan.junction(`n${c}`, c * spacing, north + attach);
    }
    for (let r = 0; r < rows; r++) {
      plan.twoWay(`w${r}`, id(r, 0), attach, main, `row ${r}`);
      plan.twoWay(id(r, cols - 1), `e${r}`, attach, main, `row ${r}`);
    }
    for (let c = 0; c < cols; c++) {
      plan.twoWay(`s${c}`, id(0, c), attach, main, `col ${c}`);
      plan.twoWay(id(rows - 1, c), `n${c}`, attach, main, `col ${c}`);
    }
  }
  return plan.build(resolved);
}
