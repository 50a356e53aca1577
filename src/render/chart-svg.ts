import { chartFields } from './fields.ts'
import { valueFormat } from './format.ts'
import { errorBodySvg, noDataSvg } from './message-svg.ts'
import { metricBodySvg } from './metric-svg.ts'
import { num, svgDoc, svgText } from './svg-util.ts'
import { tableModel } from './table-model.ts'
import { tableBodySvg } from './table-svg.ts'
import { truncateText } from './text-metrics.ts'
import { textBodySvg } from './text-svg.ts'
import { theme } from './theme.ts'
import type { PanelRenderOptions, RenderedPanel } from './types.ts'
import { chartSvg } from './vega-chart.ts'

/** Card geometry in px: the title band on top, the body below it inside the padding. */
export const CARD = { pad: 12, titleSize: 13, titleBaseline: 23, bodyTop: 36, bodyBottom: 10 }

export function cardBody(width: number, height: number) {
  return {
    x: CARD.pad,
    y: CARD.bodyTop,
    width: Math.max(1, width - CARD.pad * 2),
    height: Math.max(1, height - CARD.bodyTop - CARD.bodyBottom),
  }
}

function maxRows(options: Record<string, unknown>): number | undefined {
  const v = options.maxRows
  return typeof v === 'number' && v > 0 ? Math.floor(v) : undefined
}

/**
 * The panel's content (no title or frame) as an SVG document of `width` × `height` px: a chart, a
 * metric, a table, text, or the error the panel's query produced.
 */
export async function panelBodySvg(
  rp: RenderedPanel,
  width: number,
  height: number,
  opts: PanelRenderOptions = {},
): Promise<string> {
  const { panel, data, error } = rp
  const w = Math.max(1, width)
  const h = Math.max(1, height)
  if (error !== undefined) return svgDoc(w, h, errorBodySvg(error, w, h))
  if (panel.type === 'text') {
    const text = typeof panel.options.text === 'string' ? panel.options.text : ''
    return svgDoc(w, h, textBodySvg(text, w, h))
  }
  if (!data || data.rows.length === 0) return svgDoc(w, h, noDataSvg(w, h))
  switch (panel.type) {
    case 'metric':
      return svgDoc(w, h, metricBodySvg(panel, data, w, h))
    case 'table':
      return svgDoc(
        w,
        h,
        tableBodySvg(tableModel(panel, data, opts.timeZone), w, h, maxRows(panel.options)),
      )
    case 'line':
    case 'area':
    case 'bar':
    case 'pie': {
      const fields = chartFields(panel, data)
      if (typeof fields === 'string') return svgDoc(w, h, noDataSvg(w, h, fields))
      const format = valueFormat(panel.options)
      return chartSvg({ type: panel.type, data, fields, format, width: w, height: h, ...opts })
    }
    default:
      return svgDoc(w, h, noDataSvg(w, h, `Unsupported panel type "${String(panel.type)}"`))
  }
}

/** The card frame and title drawn around a body, as SVG markup for a `width` × `height` box. */
export function cardSvg(title: string, width: number, height: number): string {
  const text = truncateText(title, width - CARD.pad * 2, CARD.titleSize, true)
  return [
    `<rect x="0.5" y="0.5" width="${num(width - 1)}" height="${num(height - 1)}" rx="6" `,
    `fill="${theme.card}" stroke="${theme.border}"/>`,
    svgText(CARD.pad, CARD.titleBaseline, text, {
      size: CARD.titleSize,
      bold: true,
      fill: theme.title,
    }),
  ].join('')
}

/** A complete panel — frame, title and body — as one SVG document of `width` × `height` px. */
export async function panelSvg(
  rp: RenderedPanel,
  width: number,
  height: number,
  opts: PanelRenderOptions = {},
): Promise<string> {
  const body = cardBody(width, height)
  const inner = await panelBodySvg(rp, body.width, body.height, opts)
  const placed = inner.replace('<svg', `<svg x="${num(body.x)}" y="${num(body.y)}"`)
  return svgDoc(width, height, cardSvg(rp.panel.title, width, height) + placed)
}
