/**
 * Shapes shared by every renderer (SVG, PNG, PDF, CSV).
 *
 * Panel `options` conventions, all optional:
 * - `x`, `y`, `series`: column names. Without them the first column is the x axis / category, the
 *   first numeric column after it is the value, and a remaining non-numeric column (if any) splits
 *   the data into series.
 * - `unit`: appended to values (`ms`, `%`); a currency symbol (`$`, `€`, `£`, `¥`) is prefixed.
 * - `decimals`: fixed number of decimals for values (default: up to 2, trimmed).
 * - `text`: the markdown-ish body of a `text` panel (`#`/`##` headings, `-` bullets, paragraphs,
 *   `**bold**` markers are dropped).
 * - `columns`: per-column `{ unit, decimals }` for tables, e.g. `{ revenue: { unit: '$' } }`.
 * - `maxRows`: cap on table rows drawn in an image (the PDF paginates instead).
 */

export type PanelType = 'line' | 'area' | 'bar' | 'pie' | 'table' | 'metric' | 'text'

export interface Panel {
  id: string
  type: PanelType
  title: string
  query?: { datasource: string; sql: string }
  /** Cell on a 24-column grid; `y` and `h` count grid rows (see grid.ts). */
  layout: { x: number; y: number; w: number; h: number }
  options: Record<string, unknown>
}

export interface PanelData {
  columns: string[]
  rows: Record<string, unknown>[]
}

export interface RenderedPanel {
  panel: Panel
  data?: PanelData
  error?: string
}

/** One tab of a dashboard with its panels' results. */
export interface RenderTab {
  tabName: string
  panels: RenderedPanel[]
}

export interface RenderInput extends RenderTab {
  title: string
  timeRangeLabel: string
  generatedAtLabel: string
  /**
   * PDF only: further tabs of the same report entry, drawn after the first, each from a new page
   * under its own header. A PNG is one tab; several tabs are several images.
   */
  moreTabs?: RenderTab[]
  /**
   * attachment_dimensions, in CSS pixels. PNG: the exact image size (width defaults to 1370, height
   * to the dashboard's own). PDF: the page size at 96 px/in when both are given, else A4 landscape.
   */
  width?: number
  height?: number
  /** IANA zone used to label time axes; UTC when absent. */
  timeZone?: string
}

/** Options every panel renderer accepts beyond its box. */
export interface PanelRenderOptions {
  timeZone?: string
}
