import type { Rect } from './grid.ts'
import { parseTextBlocks } from './markdown.ts'
import { metricText } from './metric-svg.ts'
import { type Doc, FONT, line } from './pdf-doc.ts'
import { truncateText } from './text-metrics.ts'
import { theme } from './theme.ts'
import type { Panel, PanelData } from './types.ts'

/** Card geometry in pt, the PDF counterpart of CARD in chart-svg.ts. */
export const PDF_CARD = { pad: 8, titleSize: 9.5, bodyTop: 24, bodyBottom: 7 }

export function pdfCardBody(r: Rect): Rect {
  return {
    x: r.x + PDF_CARD.pad,
    y: r.y + PDF_CARD.bodyTop,
    width: Math.max(1, r.width - PDF_CARD.pad * 2),
    height: Math.max(1, r.height - PDF_CARD.bodyTop - PDF_CARD.bodyBottom),
  }
}

export function drawCard(doc: Doc, r: Rect, title: string): void {
  doc
    .roundedRect(r.x, r.y, r.width, r.height, 4)
    .lineWidth(0.75)
    .fillAndStroke(theme.card, theme.border)
  const text = truncateText(title, r.width - PDF_CARD.pad * 2, PDF_CARD.titleSize, true)
  line(doc, text, r.x + PDF_CARD.pad, r.y + 8, {
    size: PDF_CARD.titleSize,
    bold: true,
    color: theme.title,
  })
}

export function drawError(doc: Doc, body: Rect, message: string): void {
  doc.roundedRect(body.x, body.y, body.width, body.height, 3).fill(theme.errorBg)
  line(doc, '⚠ Query failed', body.x + 8, body.y + 7, { size: 9, bold: true, color: theme.error })
  doc
    .font(FONT.regular)
    .fontSize(8)
    .fillColor(theme.error)
    .text(message, body.x + 8, body.y + 22, {
      width: body.width - 16,
      height: Math.max(10, body.height - 28),
      ellipsis: true,
    })
}

export function drawNoData(doc: Doc, body: Rect, label = 'No data'): void {
  line(doc, label, body.x, body.y + body.height / 2 - 5, {
    size: 9,
    color: theme.muted,
    width: body.width,
    align: 'center',
  })
}

export function drawMetric(doc: Doc, body: Rect, panel: Panel, data: PanelData): void {
  const text = metricText(panel, data) ?? '–'
  doc.font(FONT.bold).fontSize(100)
  const atHundred = doc.widthOfString(text) || 1
  const size = Math.max(8, Math.min(34, body.height * 0.6, (body.width * 0.85 * 100) / atHundred))
  const y = body.y + (body.height - size) / 2 - size * 0.1
  line(doc, text, body.x, y, {
    size,
    bold: true,
    color: theme.title,
    width: body.width,
    align: 'center',
  })
}

const TEXT_STYLE = {
  h1: { size: 12, bold: true, gap: 5 },
  h2: { size: 10, bold: true, gap: 4 },
  p: { size: 8.5, bold: false, gap: 4 },
  li: { size: 8.5, bold: false, gap: 1.5 },
} as const

/** Text blocks top-down; the block that reaches the bottom is cut with an ellipsis. */
export function drawTextPanel(doc: Doc, body: Rect, source: string): void {
  let y = body.y
  const bottom = body.y + body.height
  for (const block of parseTextBlocks(source)) {
    const style = TEXT_STYLE[block.kind]
    const indent = block.kind === 'li' ? 10 : 0
    const room = bottom - y
    if (room < style.size * 1.2) break
    doc.font(style.bold ? FONT.bold : FONT.regular).fontSize(style.size)
    const color = block.kind === 'h1' || block.kind === 'h2' ? theme.title : theme.text
    if (block.kind === 'li') line(doc, '•', body.x + 2, y, { size: style.size, color: theme.muted })
    const opts = { width: body.width - indent, height: room, ellipsis: true, lineGap: 1 }
    const used = Math.min(room, doc.heightOfString(block.text, opts))
    doc.fillColor(color).text(block.text, body.x + indent, y, opts)
    y += used + style.gap
  }
}
