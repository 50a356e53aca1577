import * as vega from 'vega'
import { compile, type TopLevelSpec } from 'vega-lite'
import { type ChartRequest, toChartData } from './chart-data.ts'
import { chartSpec } from './chart-specs.ts'
import { installTextMetrics } from './vega-metrics.ts'
import { baseConfig } from './vega-style.ts'

export type { ChartRequest, ChartType } from './chart-data.ts'

/** Renders one chart to an SVG document of exactly `width` × `height` px, headless. */
export async function chartSvg(req: ChartRequest): Promise<string> {
  await installTextMetrics()
  const body = chartSpec(req, toChartData(req))
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
