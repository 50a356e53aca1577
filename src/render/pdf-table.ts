import type { Rect } from './grid.ts'
import { PAGE } from './pdf-chrome.ts'
import { type Doc, line } from './pdf-doc.ts'
import { columnWidths, type TableModel, tableModel } from './table-model.ts'
import { truncateText } from './text-metrics.ts'
import { theme } from './theme.ts'
import type { Panel, PanelData } from './types.ts'

export const TABLE = { size: 8, row: 15, pad: 5 } as const

export function tableWidths(model: TableModel, width: number): number[] {
  return columnWidths(model, width, TABLE.size, TABLE.pad)
}

function drawRow(
  doc: Doc,
  model: TableModel,
  cells: string[],
  widths: number[],
  x: number,
  y: number,
  bold: boolean,
) {
  let cx = x
  cells.forEach((cell, i) => {
    const w = widths[i] ?? 0
    const text = truncateText(cell, w - TABLE.pad * 2, TABLE.size, bold)
    const right = model.numeric[i] === true
    line(doc, text, cx + TABLE.pad, y + 4, {
      size: TABLE.size,
      bold,
      color: bold ? theme.title : theme.text,
      width: w - TABLE.pad * 2,
      align: right ? 'right' : 'left',
    })
    cx += w
  })
}

/**
 * Draws the header row, then rows from `start` while they fit above `maxY`. Returns the index of
 * the first row not drawn and where the table ended, so a caller can continue it on the next page.
 */
export function drawTable(
  doc: Doc,
  model: TableModel,
  widths: number[],
  x: number,
  y: number,
  start: number,
  maxY: number,
): { next: number; bottom: number } {
  const width = widths.reduce((a, b) => a + b, 0)
  doc.rect(x, y, width, TABLE.row).fill(theme.tableHeader)
  drawRow(doc, model, model.headers, widths, x, y, true)
  let rowY = y + TABLE.row
  let i = start
  for (; i < model.rows.length && rowY + TABLE.row <= maxY; i++) {
    if ((i - start) % 2 === 1) doc.rect(x, rowY, width, TABLE.row).fill(theme.tableStripe)
    drawRow(doc, model, model.rows[i] ?? [], widths, x, rowY, false)
    rowY += TABLE.row
  }
  doc.lineWidth(0.5).strokeColor(theme.border)
  doc
    .moveTo(x, y + TABLE.row)
    .lineTo(x + width, y + TABLE.row)
    .stroke()
  doc
    .moveTo(x, rowY)
    .lineTo(x + width, rowY)
    .stroke()
  return { next: i, bottom: rowY }
}

/** The rows of a table panel that did not fit its cell, to be drawn after the grid. */
export interface Overflow {
  title: string
  model: TableModel
  widths: number[]
  next: number
}

/** A table panel in its cell: the rows that fit, and a note pointing to the continuation. */
export function drawTablePanel(
  doc: Doc,
  body: Rect,
  panel: Panel,
  data: PanelData,
  timeZone?: string,
): Overflow | undefined {
  const model = tableModel(panel, data, timeZone)
  const widths = tableWidths(model, body.width)
  const fitsAll = (model.rows.length + 1) * TABLE.row <= body.height
  const maxY = body.y + body.height - (fitsAll ? 0 : 14)
  const { next, bottom } = drawTable(doc, model, widths, body.x, body.y, 0, maxY)
  if (next >= model.rows.length) return undefined
  const left = (model.rows.length - next).toLocaleString('en-US')
  const note = `+${left} more rows, continued after the dashboard`
  line(doc, note, body.x, bottom + 4, { size: 7.5, color: theme.muted })
  return { title: panel.title, model, widths, next }
}

/** Long tables carry on after the grid, page after page, repeating their header row. */
export function drawOverflow(doc: Doc, tables: Overflow[], size: [number, number]): void {
  const [width, height] = size
  const room = width - PAGE.margin * 2
  const maxY = height - PAGE.margin - PAGE.footer
  for (const t of tables) {
    // Same columns as the part drawn in the panel, so the continuation reads as the same table.
    const widths = t.widths
    let next = t.next
    while (next < t.model.rows.length) {
      doc.addPage({ size, margin: 0 })
      line(doc, truncateText(`${t.title} (continued)`, room, 11, true), PAGE.margin, PAGE.margin, {
        size: 11,
        bold: true,
        color: theme.title,
      })
      const drawn = drawTable(doc, t.model, widths, PAGE.margin, PAGE.margin + 20, next, maxY)
      // A page too short for a single row would otherwise loop for ever.
      next = drawn.next === next ? t.model.rows.length : drawn.next
    }
  }
}
