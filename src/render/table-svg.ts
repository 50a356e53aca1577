import { num, svgText } from './svg-util.ts'
import type { TableModel } from './table-model.ts'
import { columnWidths } from './table-model.ts'
import { truncateText } from './text-metrics.ts'
import { theme } from './theme.ts'

const SIZE = 11
const ROW = 22
const PAD = 8

/** An image cannot scroll: draw the rows that fit and say how many were left out. */
export function tableBodySvg(
  model: TableModel,
  width: number,
  height: number,
  maxRows = Number.POSITIVE_INFINITY,
): string {
  const widths = columnWidths(model, width, SIZE, PAD)
  const total = model.rows.length
  let fit = Math.max(0, Math.floor((height - ROW) / ROW))
  if (total > fit || total > maxRows) fit = Math.max(0, Math.floor((height - ROW - 18) / ROW))
  const shown = model.rows.slice(0, Math.min(fit, maxRows))
  const parts = [
    `<rect x="0" y="0" width="${num(width)}" height="${ROW}" fill="${theme.tableHeader}"/>`,
  ]
  const row = (cells: string[], y: number, bold: boolean, fill: string) => {
    let x = 0
    cells.forEach((cell, i) => {
      const w = widths[i] ?? 0
      const text = truncateText(cell, w - PAD * 2, SIZE, bold)
      const right = model.numeric[i] === true
      const tx = right ? x + w - PAD : x + PAD
      parts.push(
        svgText(tx, y + 15, text, { size: SIZE, bold, fill, anchor: right ? 'end' : 'start' }),
      )
      x += w
    })
  }
  row(model.headers, 0, true, theme.title)
  shown.forEach((cells, r) => {
    const y = ROW * (r + 1)
    if (r % 2 === 1) {
      parts.push(
        `<rect x="0" y="${y}" width="${num(width)}" height="${ROW}" fill="${theme.tableStripe}"/>`,
      )
    }
    row(cells, y, false, theme.text)
  })
  const bottom = ROW * (shown.length + 1)
  parts.push(
    `<line x1="0" y1="${ROW}" x2="${num(width)}" y2="${ROW}" stroke="${theme.border}"/>`,
    `<line x1="0" y1="${bottom}" x2="${num(width)}" y2="${bottom}" stroke="${theme.border}"/>`,
  )
  const hidden = total - shown.length
  if (hidden > 0) {
    const note = `+${hidden.toLocaleString('en-US')} more row${hidden === 1 ? '' : 's'}`
    parts.push(svgText(PAD, bottom + 14, note, { size: 10, fill: theme.muted, italic: true }))
  }
  return parts.join('')
}
