import { parseTextBlocks } from './markdown.ts'
import { svgText } from './svg-util.ts'
import { wrapText } from './text-metrics.ts'
import { theme } from './theme.ts'

const STYLE = {
  h1: { size: 16, bold: true, gap: 8 },
  h2: { size: 13, bold: true, gap: 6 },
  p: { size: 11, bold: false, gap: 6 },
  li: { size: 11, bold: false, gap: 2 },
} as const

/** Lays the text out top-down and stops at the first line that would not fit. */
export function textBodySvg(source: string, width: number, height: number): string {
  const parts: string[] = []
  let y = 0
  for (const block of parseTextBlocks(source)) {
    const style = STYLE[block.kind]
    const indent = block.kind === 'li' ? 14 : 0
    const lineHeight = style.size * 1.35
    const lines = wrapText(block.text, width - indent, style.size, style.bold)
    for (const [i, line] of lines.entries()) {
      if (y + lineHeight > height) {
        parts.push(svgText(width, height - 2, '…', { size: 11, fill: theme.muted, anchor: 'end' }))
        return parts.join('')
      }
      y += lineHeight
      const base = y - lineHeight * 0.28
      if (block.kind === 'li' && i === 0) {
        parts.push(svgText(3, base, '•', { size: style.size, fill: theme.muted }))
      }
      const fill = block.kind === 'p' || block.kind === 'li' ? theme.text : theme.title
      parts.push(svgText(indent, base, line, { size: style.size, bold: style.bold, fill }))
    }
    y += style.gap
  }
  return parts.join('')
}
