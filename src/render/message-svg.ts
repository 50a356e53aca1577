import { svgText } from './svg-util.ts'
import { wrapText } from './text-metrics.ts'
import { theme } from './theme.ts'

/** A panel whose query failed: the message is the content, so it is shown in full when it fits. */
export function errorBodySvg(message: string, width: number, height: number): string {
  const size = 11
  const lineHeight = 15
  const inner = width - 28
  const maxLines = Math.max(1, Math.floor((height - 40) / lineHeight))
  const lines = wrapText(message, inner, size)
  const shown = lines.slice(0, maxLines)
  if (lines.length > maxLines) shown[maxLines - 1] = `${shown[maxLines - 1] ?? ''}…`
  const parts = [
    `<rect x="0" y="0" width="${width}" height="${height}" rx="4" fill="${theme.errorBg}"/>`,
    svgText(12, 22, '⚠ Query failed', { size: 12, bold: true, fill: theme.error }),
    ...shown.map((line, i) => svgText(12, 42 + i * lineHeight, line, { size, fill: theme.error })),
  ]
  return parts.join('')
}

export function noDataSvg(width: number, height: number, label = 'No data'): string {
  return svgText(width / 2, height / 2 + 4, label, {
    size: 12,
    fill: theme.muted,
    anchor: 'middle',
  })
}
