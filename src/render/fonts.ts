import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

/**
 * The one font family every renderer uses. Charts name it in their SVG, resvg is given exactly
 * these files (the host has no system fonts) and pdfkit embeds the same files, so measurements
 * made for layout match what is drawn.
 */
export const FONT_FAMILY = 'DejaVu Sans'

const require = createRequire(import.meta.url)

export const fontFiles = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
} as const

let buffers: { regular: Buffer; bold: Buffer } | undefined

/** File contents, read once per process: pdfkit re-parses a path on every document otherwise. */
export function fontBuffers(): { regular: Buffer; bold: Buffer } {
  buffers ??= { regular: readFileSync(fontFiles.regular), bold: readFileSync(fontFiles.bold) }
  return buffers
}
