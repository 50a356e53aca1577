import type { TopLevelSpec } from 'vega-lite'
import { type ChartRequest, type Datum, fillGaps, rankBy } from './chart-data.ts'
import { unitAffixes } from './format.ts'
import { textWidth } from './text-metrics.ts'
import { theme } from './theme.ts'
import { axisFormat, colorEncoding, compact, xTemporal } from './vega-style.ts'

function lineOrArea(req: ChartRequest, rows: Datum[]): TopLevelSpec {
  const { fields, width, height, type } = req
  const stacked = type === 'area'
  const data = stacked && fields.series ? fillGaps(rows) : rows
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

/**
 * Bars on a time axis: each bar is centred on its instant and 80 % as wide as the smallest gap.
 * Ranged bars and vega-lite's stacking do not mix (it turns them horizontal), so the stack is
 * computed here too.
 */
function barTemporal(req: ChartRequest, data: Datum[]): TopLevelSpec {
  const xs = [...new Set(data.map((d) => d.x as number))].sort((a, b) => a - b)
  let step = Number.POSITIVE_INFINITY
  for (let i = 1; i < xs.length; i++) step = Math.min(step, xs[i]! - xs[i - 1]!)
  if (!Number.isFinite(step)) step = 86_400_000
  const order = req.fields.series ? rankBy(data, (d) => d.s) : []
  const rank = new Map(order.map((s, i) => [s, i]))
  // The first legend entry ends up on top of the stack, as vega-lite does for areas.
  const sorted = [...data].sort((a, b) => (rank.get(b.s ?? '') ?? 0) - (rank.get(a.s ?? '') ?? 0))
  const base = new Map<number, number>()
  const values = sorted.map((d) => {
    const x = d.x as number
    const y0 = base.get(x) ?? 0
    const y1 = y0 + (d.y ?? 0)
    base.set(x, y1)
    return { ...d, x: x - step * 0.4, x2: x + step * 0.4, y0, y1 }
  })
  return {
    data: { values },
    mark: { type: 'rect' },
    encoding: {
      x: xTemporal(req.width),
      x2: { field: 'x2' },
      y: {
        field: 'y1',
        type: 'quantitative',
        scale: { zero: true },
        axis: { ...axisFormat(data, req.format, true), tickCount: Math.max(2, req.height / 45) },
      },
      y2: { field: 'y0' },
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

/** The vega-lite layers and encodings for one chart (size and config are added by the caller). */
export function chartSpec(req: ChartRequest, data: Datum[]): TopLevelSpec {
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
