import type { Panel } from './types.ts'

/**
 * Panels are placed on a 24-column grid (as in Grafana; a dashboard saved on another grid must be
 * converted when imported), `y`/`h` counting rows. A row is 30 px when the grid is 1338 px wide
 * (the 1370 px default image less its padding) and scales with the width, so a dashboard keeps
 * its proportions at any size.
 */
export const GRID_COLUMNS = 24
export const ROW_PX_AT_REFERENCE = 30
export const REFERENCE_WIDTH = 1338

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export type Cell = Panel['layout']

/** Cell clamped onto the grid, so a hand-written layout cannot place a panel off the page. */
export function normalizeCell(layout: Cell): Cell {
  const finite = (n: number, d: number) => (Number.isFinite(n) ? n : d)
  const w = Math.min(GRID_COLUMNS, Math.max(1, Math.round(finite(layout.w, GRID_COLUMNS))))
  const x = Math.min(GRID_COLUMNS - w, Math.max(0, Math.round(finite(layout.x, 0))))
  const y = Math.max(0, finite(layout.y, 0))
  const h = Math.max(1, finite(layout.h, 8))
  return { x, y, w, h }
}

export function naturalRowHeight(gridWidth: number): number {
  return (ROW_PX_AT_REFERENCE * gridWidth) / REFERENCE_WIDTH
}

/** Total rows used by the cells (the bottom edge of the lowest panel). */
export function gridRows(cells: Cell[]): number {
  return cells.reduce((max, c) => Math.max(max, c.y + c.h), 0)
}

/** A cell's box, with `gap` left between neighbouring panels. `top` is the y of grid row `y0`. */
export function cellRect(
  cell: Cell,
  left: number,
  top: number,
  gridWidth: number,
  rowHeight: number,
  gap: number,
  y0 = 0,
): Rect {
  const colWidth = (gridWidth + gap) / GRID_COLUMNS
  return {
    x: left + cell.x * colWidth,
    y: top + (cell.y - y0) * rowHeight,
    width: cell.w * colWidth - gap,
    height: cell.h * rowHeight - gap,
  }
}

/**
 * Groups cells into horizontal bands that can be moved as a whole (to a new page) without cutting
 * through a panel: cells belong to one band when their row ranges overlap, directly or in a chain.
 */
export function bands<T extends { cell: Cell }>(
  items: T[],
): { top: number; rows: number; items: T[] }[] {
  const sorted = [...items].sort((a, b) => a.cell.y - b.cell.y || a.cell.x - b.cell.x)
  const out: { top: number; rows: number; items: T[] }[] = []
  let current: { top: number; bottom: number; items: T[] } | undefined
  for (const item of sorted) {
    const { y, h } = item.cell
    if (current && y < current.bottom) {
      current.items.push(item)
      current.bottom = Math.max(current.bottom, y + h)
    } else {
      if (current)
        out.push({ top: current.top, rows: current.bottom - current.top, items: current.items })
      current = { top: y, bottom: y + h, items: [item] }
    }
  }
  if (current)
    out.push({ top: current.top, rows: current.bottom - current.top, items: current.items })
  return out
}
