import { DateTime } from 'luxon'
import * as vega from 'vega'
import { compile, type TopLevelSpec } from 'vega-lite'
import { type ChartFields, toEpochMs, toNumber } from './fields.ts'
import { FONT_FAMILY } from './fonts.ts'
import { unitAffixes, type ValueFormat } from './format.ts'
import { textWidth } from './text-metrics.ts'
import { theme } from './theme.ts'
import type { PanelData } from './types.ts'
import { installTextMetrics } from './vega-metrics.ts'

export type ChartType = 'line' | 'area' | 'bar' | 'pie'

export interface ChartRequest {
  type: ChartType
  data: PanelData
  fields: ChartFields
  format: ValueFormat
  width: number
  height: number
  timeZone?: string
}

interface Datum {
  x: string | number
  y: number | null
  s?: string
  [k: string]: unknown
}

/**
 * Vega only formats time in UTC or the process zone, so instants are moved by the report zone's
 * offset and then drawn on a UTC scale: the labels read as wall-clock time in that zone.
 */
function shiftToZone(ms: number, timeZone: string | undefined): number {
  if (!timeZone || timeZone === 'UTC') return ms
  const dt = DateTime.fromMillis(ms, { zone: timeZone })
  return dt.isValid ? ms + dt.offset * 60_000 : ms
}

function toData(req: ChartRequest): Datum[] {
  const { x, y, series, temporal } = req.fields
  const out: Datum[] = []
  for (const row of req.data.rows) {
    const raw = row[x]
    let xv: string | number
    if (temporal) {
      const ms = toEpochMs(raw)
      if (ms === null) continue
      xv = shiftToZone(ms, req.timeZone)
    } else xv = raw === null || raw === undefined ? '(none)' : String(raw)
    const d: Datum = { x: xv, y: toNumber(row[y]) }
    if (series)
      d.s = row[series] === null || row[series] === undefined ? '(none)' : String(row[series])
    out.push(d)
  }
  return out
}

/** Keys ordered by their total value, largest first, so colours and legends follow importance. */
function rankBy(data: Datum[], key: (d: Datum) => string | undefined): string[] {
  const totals = new Map<string, number>()
  for (const d of data) {
    const k = key(d)
    if (k === undefined) continue
    totals.set(k, (totals.get(k) ?? 0) + (d.y ?? 0))
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k)
}

function axisFormat(data: Datum[], fmt: ValueFormat, stacked: boolean) {
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

function baseConfig() {
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

function legendFor(width: number, labels: string[]) {
  const widest = Math.max(...labels.map((l) => textWidth(l, 10)), 0) + 26
  if (width >= 460 && widest < width * 0.3) return { orient: 'right' as const }
  const columns = Math.max(
    1,
    Math.min(labels.length, Math.floor((width - 20) / Math.min(widest, 170))),
  )
  return { orient: 'top' as const, direction: 'horizontal' as const, columns }
}

function colorEncoding(order: string[], width: number) {
  return {
    field: 's',
    type: 'nominal' as const,
    scale: { domain: order, range: [...theme.palette] },
    legend: legendFor(width, order),
  }
}

function xTemporal(width: number) {
  return {
    field: 'x',
    type: 'temporal' as const,
    scale: { type: 'utc' as const },
    axis: { grid: false, labelOverlap: true, tickCount: Math.max(2, Math.floor(width / 90)) },
  }
}

/**
 * A series missing at some x would make its stacked band cut through the others. vega-lite's own
 * `impute` puts the filled rows at the top of the stack (they lack its sort key), so fill here.
 */
function fillGaps(data: Datum[]): Datum[] {
  const xs = new Set(data.map((d) => d.x))
  const present = new Set(data.map((d) => `${d.s}\u0000${d.x}`))
  const out = [...data]
  for (const s of new Set(data.map((d) => d.s))) {
    for (const x of xs) if (!present.has(`${s}\u0000${x}`)) out.push({ x, y: 0, s })
  }
  return out.sort((a, b) => (a.x < b.x ? -1 : a.x > b.x ? 1 : 0))
}

function lineOrArea(req: ChartRequest, data: Datum[]): TopLevelSpec {
  const { fields, width, height, type } = req
  const stacked = type === 'area'
  if (stacked && fields.series) data = fillGaps(data)
  const order = fields.series ? rankBy(data, (d) => d.s) : []
  const perSeries = data.length / Math.max(1, order.length)
  const x = fields.temporal
    ? xTemporal(width)
    : {
        field: 'x',
        type: 'ordinal' as const,
        sort: null,
        axis: { labelOverlap: true, labelAngle: 0 },
      }
  const mark =
    type === 'line'
      ? {
          type: 'line' as const,
          strokeWidth: 2,
          interpolate: 'monotone' as const,
          point: perSeries <= 24 ? { size: 28, filled: true } : false,
        }
      : { type: 'area' as const, interpolate: 'monotone' as const, opacity: 0.8, line: true }
  return {
    data: { values: data },
    mark,
    encoding: {
      x,
      y: {
        field: 'y',
        type: 'quantitative',
        stack: stacked ? 'zero' : null,
        axis: { ...axisFormat(data, req.format, stacked), tickCount: Math.max(2, height / 45) },
      },
      ...(fields.series
        ? { color: colorEncoding(order, width) }
        : { color: { value: theme.palette[0] } }),
    },
  } as TopLevelSpec
}

function barTemporal(req: ChartRequest, data: Datum[]): TopLevelSpec {
  const xs = [...new Set(data.map((d) => d.x as number))].sort((a, b) => a - b)
  let step = Number.POSITIVE_INFINITY
  for (let i = 1; i < xs.length; i++) step = Math.min(step, xs[i]! - xs[i - 1]!)
  if (!Number.isFinite(step)) step = 86_400_000
  const values = data.map((d) => ({
    ...d,
    x: (d.x as number) + step * 0.1,
    x2: (d.x as number) + step * 0.9,
  }))
  const order = req.fields.series ? rankBy(data, (d) => d.s) : []
  return {
    data: { values },
    mark: { type: 'bar', cornerRadiusEnd: 1 },
    encoding: {
      x: xTemporal(req.width),
      x2: { field: 'x2' },
      y: {
        field: 'y',
        type: 'quantitative',
        stack: 'zero',
        axis: { ...axisFormat(data, req.format, true), tickCount: Math.max(2, req.height / 45) },
      },
      ...(req.fields.series
        ? { color: colorEncoding(order, req.width) }
        : { color: { value: theme.palette[0] } }),
    },
  } as TopLevelSpec
}

function barCategorical(req: ChartRequest, data: Datum[]): TopLevelSpec {
  const cats = rankBy(data, (d) => String(d.x))
  const { series } = req.fields
  const order = series ? rankBy(data, (d) => d.s) : []
  const fmt = axisFormat(data, req.format, true)
  const y = {
    field: 'x',
    type: 'nominal' as const,
    sort: cats,
    axis: { labelLimit: Math.max(60, req.width * 0.3), ticks: false, labelPadding: 6 },
  }
  const x = {
    field: 'y',
    type: 'quantitative' as const,
    stack: 'zero' as const,
    axis: { ...fmt, tickCount: Math.max(2, Math.floor(req.width / 80)) },
  }
  if (series) {
    return {
      data: { values: data },
      mark: { type: 'bar', cornerRadiusEnd: 2 },
      encoding: { y, x, color: colorEncoding(order, req.width) },
    } as TopLevelSpec
  }
  // Values are printed at the end of each bar, so leave head-room on the value axis for them.
  const { prefix, suffix } = unitAffixes(req.format.unit)
  const labelled = data.map((d) => ({
    ...d,
    label: d.y === null ? '' : compact(d.y, prefix, suffix),
  }))
  const widest = Math.max(...labelled.map((d) => textWidth(d.label, 10)), 0)
  const max = Math.max(...data.map((d) => d.y ?? 0), 0)
  const plotWidth = Math.max(80, req.width * 0.65)
  const headroom = max > 0 ? max * (1 + (widest + 10) / Math.max(40, plotWidth - widest)) : 1
  return {
    data: { values: labelled },
    encoding: { y, x: { ...x, scale: { domainMax: headroom, nice: false } } },
    layer: [
      { mark: { type: 'bar', cornerRadiusEnd: 2, color: theme.palette[0] } },
      {
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 4, fontSize: 10 },
        encoding: { text: { field: 'label' }, color: { value: theme.text } },
      },
    ],
  } as TopLevelSpec
}

function compact(n: number, prefix: string, suffix: string): string {
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

function pie(req: ChartRequest, data: Datum[]): TopLevelSpec {
  const totals = new Map<string, number>()
  for (const d of data)
    totals.set(String(d.x), (totals.get(String(d.x)) ?? 0) + Math.max(0, d.y ?? 0))
  const sum = [...totals.values()].reduce((a, b) => a + b, 0) || 1
  const slices = [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([x, y], idx) => ({
      x,
      y,
      idx,
      label: y / sum >= 0.06 ? `${Math.round((y / sum) * 100)}%` : '',
    }))
  const legendLabels = slices.map((s) => s.x)
  const legendWidth = Math.min(
    req.width * 0.45,
    Math.max(...legendLabels.map((l) => textWidth(l, 10)), 0) + 34,
  )
  const radius = Math.max(10, Math.min((req.width - legendWidth) / 2, req.height / 2) - 6)
  return {
    data: { values: slices },
    encoding: {
      theta: { field: 'y', type: 'quantitative', stack: true },
      order: { field: 'idx', type: 'quantitative' },
      color: {
        field: 'x',
        type: 'nominal',
        scale: { domain: legendLabels, range: [...theme.palette] },
        legend: { orient: 'right', labelLimit: legendWidth - 24 },
      },
    },
    layer: [
      {
        mark: {
          type: 'arc',
          innerRadius: radius * 0.55,
          outerRadius: radius,
          stroke: theme.card,
          strokeWidth: 1.5,
        },
      },
      {
        mark: {
          type: 'text',
          radius: radius * 0.78,
          fontSize: Math.max(8, Math.min(11, radius / 7)),
          fontWeight: 'bold',
          fill: '#ffffff',
        },
        encoding: { text: { field: 'label' } },
      },
    ],
  } as TopLevelSpec
}

function spec(req: ChartRequest, data: Datum[]): TopLevelSpec {
  switch (req.type) {
    case 'line':
    case 'area':
      return lineOrArea(req, data)
    case 'bar':
      return req.fields.temporal ? barTemporal(req, data) : barCategorical(req, data)
    case 'pie':
      return pie(req, data)
  }
}

/** Renders one chart to an SVG document of exactly `width` × `height` px, headless. */
export async function chartSvg(req: ChartRequest): Promise<string> {
  await installTextMetrics()
  const body = spec(req, toData(req))
  const full = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: req.width,
    height: req.height,
    autosize: { type: 'fit', contains: 'padding' },
    padding: { left: 2, right: 6, top: 4, bottom: 2 },
    config: baseConfig(),
    ...body,
  } as TopLevelSpec
  const view = new vega.View(vega.parse(compile(full).spec), { renderer: 'none' })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}
