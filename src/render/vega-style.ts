import type { Datum } from './chart-data.ts'
import { FONT_FAMILY } from './fonts.ts'
import { unitAffixes, type ValueFormat } from './format.ts'
import { textWidth } from './text-metrics.ts'
import { theme } from './theme.ts'

/** Value-axis labels: SI-abbreviated when large, with the panel's unit. */
export function axisFormat(data: Datum[], fmt: ValueFormat, stacked: boolean) {
  const sums = new Map<string | number, number>()
  let max = 0
  for (const d of data) {
    const v = Math.abs(d.y ?? 0)
    const total = stacked ? (sums.get(d.x) ?? 0) + v : v
    sums.set(d.x, total)
    max = Math.max(max, total)
  }
  const spec = max >= 10_000 ? '.3~s' : ',~g'
  const { prefix, suffix } = unitAffixes(fmt.unit)
  const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
  const value = `replace(format(datum.value, '${spec}'), 'G', 'B')`
  return { labelExpr: `${quote(prefix)} + ${value} + ${quote(suffix)}` }
}

/** The look every chart shares: our font, muted axes, the report palette. */
export function baseConfig() {
  return {
    // Accessibility attributes only bloat a static image and slow svg-to-pdfkit's parser.
    aria: false,
    font: FONT_FAMILY,
    background: theme.card,
    view: { stroke: null },
    axis: {
      labelColor: theme.muted,
      labelFontSize: 10,
      domainColor: '#cbd5e1',
      tickColor: '#cbd5e1',
      gridColor: theme.grid,
      title: null,
    },
    axisQuantitative: { domain: false, ticks: false, labelPadding: 6 },
    legend: {
      labelColor: theme.text,
      labelFontSize: 10,
      symbolType: 'circle',
      symbolSize: 64,
      title: null,
      labelLimit: 160,
    },
    range: { category: [...theme.palette] },
  }
}

export function legendFor(width: number, labels: string[]) {
  const widest = Math.max(...labels.map((l) => textWidth(l, 10)), 0) + 26
  if (width >= 460 && widest < width * 0.3) return { orient: 'right' as const }
  const columns = Math.max(
    1,
    Math.min(labels.length, Math.floor((width - 20) / Math.min(widest, 170))),
  )
  return { orient: 'top' as const, direction: 'horizontal' as const, columns }
}

export function colorEncoding(order: string[], width: number) {
  return {
    field: 's',
    type: 'nominal' as const,
    scale: { domain: order, range: [...theme.palette] },
    legend: legendFor(width, order),
  }
}

export function xTemporal(width: number) {
  return {
    field: 'x',
    type: 'temporal' as const,
    scale: { type: 'utc' as const },
    axis: { grid: false, labelOverlap: true, tickCount: Math.max(2, Math.floor(width / 90)) },
  }
}

/** Short value labels for bar ends: 1.2k, 3.4M, 5B, with the unit. */
export function compact(n: number, prefix: string, suffix: string): string {
  const abs = Math.abs(n)
  const scaled =
    abs >= 1e9
      ? `${trim(n / 1e9)}B`
      : abs >= 1e6
        ? `${trim(n / 1e6)}M`
        : abs >= 1e4
          ? `${trim(n / 1e3)}k`
          : n.toLocaleString('en-US', { maximumFractionDigits: 2 })
  return `${prefix}${scaled}${suffix}`
}

const trim = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 })
