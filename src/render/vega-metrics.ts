import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { textWidth } from './text-metrics.ts'

interface TextItem {
  fontSize?: number | string
  fontWeight?: number | string
  limit?: number
}

type VegaTextMetrics = { width: (item: TextItem, text: unknown) => number }

// vega's packages do not share one vega-scenegraph: layout (vega-view-transforms) and the SVG
// renderer (vega-view) resolve different copies, each with its own `textMetrics`.
const SCENEGRAPH_USERS = [
  'vega-view',
  'vega-view-transforms',
  'vega-functions',
  'vega-label',
  'vega-parser',
  'vega-encode',
]

function scenegraphCopies(): string[] {
  const fromVega = createRequire(createRequire(import.meta.url).resolve('vega'))
  const copies = new Set<string>([fromVega.resolve('vega-scenegraph')])
  for (const name of SCENEGRAPH_USERS) {
    try {
      copies.add(createRequire(fromVega.resolve(name)).resolve('vega-scenegraph'))
    } catch {
      // A package that no longer exists or no longer uses the scenegraph needs no patch.
    }
  }
  return [...copies]
}

function dejaVuWidth(item: TextItem, text: unknown): number {
  const s = text === null || text === undefined ? '' : String(text).trim()
  const size = item.fontSize === undefined ? 11 : Number(item.fontSize) || 0
  const weight = item.fontWeight
  const bold = weight === 'bold' || (typeof weight === 'number' && weight >= 600)
  const w = textWidth(s, size, bold)
  // Vega asks for the width of labels it will truncate to `limit`; report the truncated width.
  return item.limit && item.limit > 0 ? Math.min(w, item.limit) : w
}

let installing: Promise<void> | undefined

/**
 * Without a canvas vega guesses every glyph at 0.8 em, about a third wider than DejaVu Sans: labels
 * get truncated or dropped as "overlapping" and legends padded. Vega supports replacing the
 * measurer (vl-convert does the same), so we measure with the font resvg and pdfkit draw with.
 */
export function installTextMetrics(): Promise<void> {
  installing ??= (async () => {
    for (const file of scenegraphCopies()) {
      const mod = (await import(pathToFileURL(file).href)) as { textMetrics?: VegaTextMetrics }
      if (mod.textMetrics) mod.textMetrics.width = dejaVuWidth
    }
  })()
  return installing
}
