import PDFDocument from 'pdfkit'
import { fontBuffers } from './fonts.ts'

/** CSS px → PDF pt: attachment_dimensions are in px, pages in pt. */
export const PX_TO_PT = 0.75
export const A4_LANDSCAPE: [number, number] = [841.89, 595.28]
export const FONT = { regular: 'DejaVu', bold: 'DejaVu-Bold' } as const

export type Doc = PDFKit.PDFDocument

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
  const fonts = fontBuffers()
  doc.registerFont(FONT.regular, fonts.regular)
  doc.registerFont(FONT.bold, fonts.bold)
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
