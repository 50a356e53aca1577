import SVGtoPDF from 'svg-to-pdfkit'
import { panelBodySvg } from './chart-svg.ts'
import {
  bands,
  type Cell,
  cellRect,
  gridRows,
  naturalRowHeight,
  normalizeCell,
  type Rect,
} from './grid.ts'
import { drawFooters, drawHeader, PAGE } from './pdf-chrome.ts'
import { A4_LANDSCAPE, createDoc, type Doc, FONT, finish, PX_TO_PT } from './pdf-doc.ts'
import {
  drawCard,
  drawError,
  drawMetric,
  drawNoData,
  drawTextPanel,
  pdfCardBody,
} from './pdf-panels.ts'
import { drawOverflow, drawTablePanel, type Overflow } from './pdf-table.ts'
import type { RenderedPanel, RenderInput, RenderTab } from './types.ts'

const { margin: MARGIN, header: HEADER, footer: FOOTER } = PAGE
const GAP = 8
const MIN_PAGE = 144
const MAX_STRETCH = 1.6
const MIN_SQUEEZE = 0.75

interface Item {
  rp: RenderedPanel
  cell: Cell
  /** Chart body as SVG, rendered before layout because vega is asynchronous. */
  svg?: string
}

function pageSize(input: RenderInput): [number, number] {
  if (!input.width || !input.height) return A4_LANDSCAPE
  const pt = (px: number) => Math.max(MIN_PAGE, px * PX_TO_PT)
  return [pt(input.width), pt(input.height)]
}

const isChart = (rp: RenderedPanel) =>
  rp.error === undefined &&
  ['line', 'area', 'bar', 'pie'].includes(rp.panel.type) &&
  (rp.data?.rows.length ?? 0) > 0

/**
 * Rows keep the proportions of the PNG (see grid.ts), but a dashboard that nearly fits on the
 * first page is fitted to it: stretched up to MAX_STRETCH rather than leaving the page half
 * blank, or squeezed down to MIN_SQUEEZE rather than pushing one row of panels onto a new page.
 */
function rowHeightFor(items: Item[], gridWidth: number, pageHeight: number): number {
  const natural = naturalRowHeight(gridWidth / PX_TO_PT) * PX_TO_PT
  const rows = gridRows(items.map((i) => i.cell))
  const available = pageHeight - MARGIN * 2 - HEADER - FOOTER + GAP
  if (rows === 0) return natural
  const fitted = available / rows
  if (fitted < natural * MIN_SQUEEZE) return natural
  return Math.min(natural * MAX_STRETCH, fitted)
}

/** Draws one panel in its box; a table that does not fit returns what is left for later pages. */
function drawPanel(doc: Doc, item: Item, r: Rect, timeZone?: string): Overflow | undefined {
  const { rp } = item
  drawCard(doc, r, rp.panel.title)
  const body = pdfCardBody(r)
  if (rp.error !== undefined) return void drawError(doc, body, rp.error)
  if (rp.panel.type === 'text') {
    const text = typeof rp.panel.options.text === 'string' ? rp.panel.options.text : ''
    return void drawTextPanel(doc, body, text)
  }
  if (item.svg) {
    SVGtoPDF(doc, item.svg, body.x, body.y, {
      width: body.width,
      height: body.height,
      fontCallback: (_family, bold) => (bold ? FONT.bold : FONT.regular),
      warningCallback: () => {},
    })
    return undefined
  }
  const data = rp.data
  if (!data || data.rows.length === 0) return void drawNoData(doc, body)
  if (rp.panel.type === 'metric') return void drawMetric(doc, body, rp.panel, data)
  if (rp.panel.type === 'table') return drawTablePanel(doc, body, rp.panel, data, timeZone)
  return void drawNoData(doc, body, `Unsupported panel type "${String(rp.panel.type)}"`)
}

/**
 * The report entry's tabs as one PDF: each tab from a new page under a header (title, tab, time
 * range, generated-at), every panel in its grid cell — charts as vectors, tables and text as real
 * text — and page numbers. Rows of panels that do not fit move to the next page together; long
 * tables continue after their tab's grid.
 */
export async function renderPdf(input: RenderInput): Promise<Buffer> {
  const size = pageSize(input)
  const doc = createDoc(size, input.title)
  const tabs: RenderTab[] = [input, ...(input.moreTabs ?? [])]
  /** The tab each page belongs to, by page index: the footer names it. */
  const pageTabs: string[] = []
  for (const [i, tab] of tabs.entries()) {
    if (i > 0) doc.addPage({ size, margin: 0 })
    const first = doc.bufferedPageRange().count - 1
    await drawTab(doc, input, tab, size)
    for (let p = first; p < doc.bufferedPageRange().count; p++) pageTabs[p] = tab.tabName
  }
  drawFooters(doc, input.title, pageTabs, size[0], size[1])
  return finish(doc)
}

/** One tab from the current (fresh) page on: its header, its grid, then its long tables. */
async function drawTab(
  doc: Doc,
  input: RenderInput,
  tab: RenderTab,
  size: [number, number],
): Promise<void> {
  const [width, height] = size
  const gridWidth = width - MARGIN * 2
  const items: Item[] = tab.panels.map((rp) => ({ rp, cell: normalizeCell(rp.panel.layout) }))
  const rowHeight = rowHeightFor(items, gridWidth, height)
  const opts = input.timeZone ? { timeZone: input.timeZone } : {}
  drawHeader(doc, { ...input, tabName: tab.tabName }, width)
  const top = MARGIN
  const bottom = height - MARGIN - FOOTER
  let y = MARGIN + HEADER
  let pageTop = y
  const overflow: Overflow[] = []
  for (const band of bands(items)) {
    let bandRow = rowHeight
    // Each cell leaves GAP below itself, so a band may end GAP past the usable area.
    if (y + band.rows * rowHeight - GAP > bottom && y > pageTop) {
      doc.addPage({ size, margin: 0 })
      y = top
      pageTop = top
    }
    // A band taller than a page is squeezed onto one page rather than cut through its panels.
    if (y + band.rows * bandRow - GAP > bottom) bandRow = (bottom + GAP - y) / band.rows
    const placed = band.items.map((item) => ({
      item,
      rect: cellRect(item.cell, MARGIN, y, gridWidth, bandRow, GAP, band.top),
    }))
    await Promise.all(
      placed.map(async ({ item, rect }) => {
        if (!isChart(item.rp)) return
        const body = pdfCardBody(rect)
        item.svg = await panelBodySvg(item.rp, body.width / PX_TO_PT, body.height / PX_TO_PT, opts)
      }),
    )
    for (const { item, rect } of placed) {
      const rest = drawPanel(doc, item, rect, input.timeZone)
      if (rest) overflow.push(rest)
    }
    y += band.rows * bandRow
  }
  if (items.length === 0)
    drawNoData(doc, { x: MARGIN, y, width: gridWidth, height: 40 }, 'This tab has no panels')
  drawOverflow(doc, overflow, size)
}
