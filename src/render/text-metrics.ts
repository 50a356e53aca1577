import PDFDocument from 'pdfkit'
import { fontBuffers } from './fonts.ts'

// Widths are cached per character in 1/1000 em; kerning is ignored, which keeps estimates within a
// few percent for Latin text and is plenty for fitting labels into boxes.
const cache = { regular: new Map<string, number>(), bold: new Map<string, number>() }
let measurer: PDFKit.PDFDocument | undefined

function measure(ch: string, bold: boolean): number {
  if (!measurer) {
    const fonts = fontBuffers()
    measurer = new PDFDocument({ autoFirstPage: false })
    measurer.registerFont('regular', fonts.regular)
    measurer.registerFont('bold', fonts.bold)
  }
  measurer.font(bold ? 'bold' : 'regular').fontSize(1000)
  return measurer.widthOfString(ch)
}

function charWidth(ch: string, bold: boolean): number {
  const table = bold ? cache.bold : cache.regular
  let w = table.get(ch)
  if (w === undefined) {
    w = measure(ch, bold)
    table.set(ch, w)
  }
  return w
}

/** Advance width of `text` in DejaVu Sans at `size` (same unit as size). */
export function textWidth(text: string, size: number, bold = false): number {
  let total = 0
  for (const ch of text) total += charWidth(ch, bold)
  return (total * size) / 1000
}

/** Cuts `text` to fit `maxWidth`, ending it with an ellipsis when anything was cut. */
export function truncateText(text: string, maxWidth: number, size: number, bold = false): string {
  if (textWidth(text, size, bold) <= maxWidth) return text
  const chars = [...text]
  const budget = maxWidth - textWidth('…', size, bold)
  let used = 0
  let keep = 0
  for (const ch of chars) {
    const w = (charWidth(ch, bold) * size) / 1000
    if (used + w > budget) break
    used += w
    keep++
  }
  return keep === 0 ? '' : `${chars.slice(0, keep).join('').trimEnd()}…`
}

/** Greedy word wrap; a word longer than a line is truncated rather than split mid-word. */
export function wrapText(text: string, maxWidth: number, size: number, bold = false): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word
    if (textWidth(candidate, size, bold) <= maxWidth) {
      line = candidate
      continue
    }
    if (line) lines.push(line)
    line = textWidth(word, size, bold) <= maxWidth ? word : truncateText(word, maxWidth, size, bold)
  }
  if (line) lines.push(line)
  return lines
}
