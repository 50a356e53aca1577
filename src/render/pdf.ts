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
import { A4_LANDSCAPE, createDoc, type Doc, FONT, finish, line, PX_TO_PT } from './pdf-doc.ts'
import {
  drawCard,
  drawError,
  drawMetric,
  drawNoData,
  drawTextPanel,
  pdfCardBody,
} from './pdf-panels.ts'
import { drawTable, TABLE, tableWidths } from './pdf-table.ts'
import { type TableModel, tableModel } from './table-model.ts'
import { truncateText } from './text-metrics.ts'
import { theme } from './theme.ts'
import type { RenderedPanel, RenderInput } from './types.ts'

const MARGIN = 28
const GAP = 8
const HEADER = 54
const FOOTER = 22
const MIN_PAGE = 144
const MAX_STRETCH = 1.6

interface Item {
  rp: RenderedPanel
  cell: Cell
  /** Chart body as SVG, rendered before layout because vega is asynchronous. */
  svg?: string
}

interface Overflow {
  title: string
  model: TableModel
  widths: number[]
  next: number
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

function drawHeader(doc: Doc, input: RenderInput, width: number): void {
  const room = width - MARGIN * 2
  line(doc, truncateText(input.title, room, 17, true), MARGIN, MARGIN, {
    size: 17,
    bold: true,
    color: theme.title,
  })
  const sub = `${input.tabName}  ·  ${input.timeRangeLabel}`
  line(doc, truncateText(sub, room * 0.62, 9.5), MARGIN, MARGIN + 25, {
    size: 9.5,
    color: theme.text,
  })
  const generated = truncateText(`Generated ${input.generatedAtLabel}`, room * 0.36, 8.5)
  line(doc, generated, MARGIN, MARGIN + 26, {
    size: 8.5,
    color: theme.muted,
    width: room,
    align: 'right',
  })
  doc.rect(MARGIN, MARGIN + HEADER - 12, room, 0.75).fill(theme.border)
}

function drawFooters(doc: Doc, input: RenderInput, width: number, height: number): void {
  const { start, count } = doc.bufferedPageRange()
  const room = width - MARGIN * 2
  const label = truncateText(`${input.title} · ${input.tabName}`, room * 0.7, 7.5)
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i)
    const y = height - MARGIN + 6
    line(doc, label, MARGIN, y, { size: 7.5, color: theme.muted })
    line(doc, `Page ${i + 1} of ${count}`, MARGIN, y, {
      size: 7.5,
      color: theme.muted,
      width: room,
      align: 'right',
    })
  }
}

/**
 * Rows keep the proportions of the PNG (see grid.ts), but a dashboard that fits on the first page
 * is stretched, up to MAX_STRETCH, to use the page instead of leaving its lower part blank.
 */
function rowHeightFor(items: Item[], gridWidth: number, pageHeight: number): number {
  const natural = naturalRowHeight(gridWidth / PX_TO_PT) * PX_TO_PT
  const rows = gridRows(items.map((i) => i.cell))
  const available = pageHeight - MARGIN * 2 - HEADER - FOOTER + GAP
  if (rows === 0 || rows * natural > available) return natural
  return Math.min(natural * MAX_STRETCH, available / rows)
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
  if (rp.panel.type === 'table') {
    const model = tableModel(rp.panel, data, timeZone)
    const widths = tableWidths(model, body.width)
    const fitsAll = (model.rows.length + 1) * TABLE.row <= body.height
    const maxY = body.y + body.height - (fitsAll ? 0 : 14)
    const { next, bottom } = drawTable(doc, model, widths, body.x, body.y, 0, maxY)
    if (next >= model.rows.length) return undefined
    const left = model.rows.length - next
    line(
      doc,
      `+${left.toLocaleString('en-US')} more rows, continued after the dashboard`,
      body.x,
      bottom + 4,
      {
        size: 7.5,
        color: theme.muted,
      },
    )
    return { title: rp.panel.title, model, widths, next }
  }
  return void drawNoData(doc, body, `Unsupported panel type "${String(rp.panel.type)}"`)
}

/** Long tables carry on after the grid, page after page, repeating their header row. */
function drawOverflow(doc: Doc, tables: Overflow[], size: [number, number]): void {
  const [width, height] = size
  const room = width - MARGIN * 2
  const maxY = height - MARGIN - FOOTER
  for (const t of tables) {
    // Same columns as the part drawn in the panel, so the continuation reads as the same table.
    const widths = t.widths
    let next = t.next
    while (next < t.model.rows.length) {
      doc.addPage({ size, margin: 0 })
      line(doc, truncateText(`${t.title} (continued)`, room, 11, true), MARGIN, MARGIN, {
        size: 11,
        bold: true,
        color: theme.title,
      })
      const drawn = drawTable(doc, t.model, widths, MARGIN, MARGIN + 20, next, maxY)
      // A page too short for a single row would otherwise loop for ever.
      next = drawn.next === next ? t.model.rows.length : drawn.next
    }
  }
}

/**
 * The selected tab as a PDF: a header (title, tab, time range, generated-at), every panel in its
 * grid cell — charts as vectors, tables and text as real text — and page numbers. Rows of panels
 * that do not fit move to the next page together; long tables continue after the grid.
 */
export async function renderPdf(input: RenderInput): Promise<Buffer> {
  const size = pageSize(input)
  const [width, height] = size
  const gridWidth = width - MARGIN * 2
  const items: Item[] = input.panels.map((rp) => ({ rp, cell: normalizeCell(rp.panel.layout) }))
  const rowHeight = rowHeightFor(items, gridWidth, height)
  const opts = input.timeZone ? { timeZone: input.timeZone } : {}
  const doc = createDoc(size, input.title)
  drawHeader(doc, input, width)
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
  drawFooters(doc, input, width, height)
  return finish(doc)
}
