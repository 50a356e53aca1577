import { type Doc, line } from './pdf-doc.ts'
import { columnWidths, type TableModel } from './table-model.ts'
import { truncateText } from './text-metrics.ts'
import { theme } from './theme.ts'

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
