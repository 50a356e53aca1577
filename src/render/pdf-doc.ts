import PDFDocument from 'pdfkit'
import { fontBuffers } from './fonts.ts'

/** CSS px → PDF pt: attachment_dimensions are in px, pages in pt. */
export const PX_TO_PT = 0.75
export const A4_LANDSCAPE: [number, number] = [841.89, 595.28]
export const FONT = { regular: 'DejaVu', bold: 'DejaVu-Bold' } as const

export type Doc = PDFKit.PDFDocument

let parsed: { regular: unknown; bold: unknown } | undefined

/**
 * Parsing a TTF is a fifth of a PDF's render time, and pdfkit would parse it again for every
 * document. pdfkit also accepts an already parsed (fontkit) font, so parse once and share it:
 * each document still makes its own subset. The parsed font is reached through a private field;
 * if that ever changes shape we fall back to the buffer and only lose the saving.
 */
function parsedFonts(): { regular: unknown; bold: unknown } {
  if (!parsed) {
    const probe = new PDFDocument({ autoFirstPage: false })
    const parse = (buf: Buffer): unknown => {
      probe.font(buf)
      const font = (probe as unknown as { _font?: { font?: { layout?: unknown } } })._font?.font
      return typeof font?.layout === 'function' ? font : buf
    }
    const buffers = fontBuffers()
    parsed = { regular: parse(buffers.regular), bold: parse(buffers.bold) }
  }
  return parsed
}

/**
 * A document with DejaVu embedded (Unicode text that stays extractable) and no margins: layout is
 * done here, and pdfkit's automatic page breaks would otherwise move text that sits near an edge.
 */
export function createDoc(size: [number, number], title: string): Doc {
  const doc = new PDFDocument({
    size,
    margin: 0,
    bufferPages: true,
    autoFirstPage: false,
    info: { Title: title, Creator: 'Herald', Producer: 'Herald' },
  })
  const fonts = parsedFonts()
  doc.registerFont(FONT.regular, fonts.regular as PDFKit.Mixins.PDFFontSource)
  doc.registerFont(FONT.bold, fonts.bold as PDFKit.Mixins.PDFFontSource)
  doc.addPage({ size, margin: 0 })
  return doc
}

export function finish(doc: Doc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    doc.on('data', (c: Buffer) => chunks.push(c))
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
    doc.end()
  })
}

export interface TextOpts {
  size: number
  bold?: boolean
  color: string
  width?: number
  align?: 'left' | 'right' | 'center'
}

/** One line of text whose top-left corner is (x, y); never wraps or breaks the page. */
export function line(doc: Doc, text: string, x: number, y: number, o: TextOpts): void {
  doc
    .font(o.bold ? FONT.bold : FONT.regular)
    .fontSize(o.size)
    .fillColor(o.color)
    .text(text, x, y, {
      lineBreak: false,
      ...(o.width === undefined ? {} : { width: o.width }),
      align: o.align ?? 'left',
    })
}
