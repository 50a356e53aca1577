import { toNumber } from './fields.ts'
import { formatCell, formatValue, valueFormat } from './format.ts'
import { svgText } from './svg-util.ts'
import { textWidth } from './text-metrics.ts'
import { theme } from './theme.ts'
import type { Panel, PanelData } from './types.ts'

/** The single value a metric panel shows, already formatted; undefined when there is none. */
export function metricText(panel: Panel, data: PanelData): string | undefined {
  const row = data.rows[0]
  if (!row) return undefined
  const col =
    typeof panel.options.y === 'string'
      ? panel.options.y
      : (data.columns.find((c) => toNumber(row[c]) !== null) ?? data.columns[0])
  if (!col) return undefined
  const n = toNumber(row[col])
  return n === null ? formatCell(row[col]) : formatValue(n, valueFormat(panel.options))
}

/** Largest size (capped) at which `text` fits `width`. */
export function fitFontSize(text: string, width: number, height: number, max = 56): number {
  const atOne = textWidth(text, 1, true) || 1
  return Math.max(8, Math.min(max, height, width / atOne))
}

export function metricBodySvg(panel: Panel, data: PanelData, width: number, height: number) {
  const text = metricText(panel, data) ?? '–'
  const size = fitFontSize(text, width * 0.92, height * 0.62)
  const y = height / 2 + size * 0.36
  return svgText(width / 2, y, text, { size, bold: true, fill: theme.title, anchor: 'middle' })
}
