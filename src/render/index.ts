/**
 * Server-side rendering of dashboard tabs: PDF and PNG of a whole tab, CSV of one panel's data,
 * SVG of one panel, and the binding of panel SQL to the report's time range and variables.
 */
export { type BindParams, type BoundQuery, bindQuery } from './bind-query.ts'
export { panelBodySvg, panelSvg } from './chart-svg.ts'
export { csvFilename, renderCsv, safeFilename } from './csv.ts'
export { renderPdf } from './pdf.ts'
export { DEFAULT_PNG_WIDTH, dashboardSvg, rasterize, renderPng } from './png.ts'
export type {
  Panel,
  PanelData,
  PanelRenderOptions,
  PanelType,
  RenderedPanel,
  RenderInput,
} from './types.ts'
