import { type ResvgRenderOptions, renderAsync } from '@resvg/resvg-js'
import { panelSvg } from './chart-svg.ts'
import { FONT_FAMILY, fontFiles } from './fonts.ts'
import { cellRect, gridRows, naturalRowHeight, normalizeCell } from './grid.ts'
import { num, placeSvg, scopeIds, svgDoc, svgText } from './svg-util.ts'
import { truncateText } from './text-metrics.ts'
import { theme } from './theme.ts'
import type { RenderInput } from './types.ts'

/** OpenObserve's report browser window is 1370 px wide; without dimensions the height follows. */
export const DEFAULT_PNG_WIDTH = 1370
const PAD = 16
const GAP = 10
const HEADER = 74
const MIN_SIZE = 32
const MAX_SIZE = 8192

function clampSize(n: number | undefined): number | undefined {
  if (n === undefined || !Number.isFinite(n)) return undefined
  return Math.round(Math.min(MAX_SIZE, Math.max(MIN_SIZE, n)))
}

function headerSvg(input: RenderInput, width: number): string {
  const generated = `Generated ${input.generatedAtLabel}`
  const subtitle = `${input.tabName}  ·  ${input.timeRangeLabel}`
  const room = width - PAD * 2
  return [
    `<rect x="0" y="0" width="${width}" height="${HEADER - 12}" fill="${theme.card}"/>`,
    `<rect x="0" y="${HEADER - 13}" width="${width}" height="1" fill="${theme.border}"/>`,
    `<rect x="0" y="0" width="4" height="${HEADER - 12}" fill="${theme.accent}"/>`,
    svgText(PAD + 4, 30, truncateText(input.title, room, 20, true), {
      size: 20,
      bold: true,
      fill: theme.title,
    }),
    svgText(PAD + 4, 50, truncateText(subtitle, room * 0.65, 12), { size: 12, fill: theme.text }),
    svgText(width - PAD, 50, truncateText(generated, room * 0.33, 11), {
      size: 11,
      fill: theme.muted,
      anchor: 'end',
    }),
  ].join('')
}

/**
 * The whole tab as one SVG document: header, then every panel in its grid cell. Without a height
 * the image is as tall as the dashboard; with one, rows shrink (or grow, up to 2×) to fill it.
 */
export async function dashboardSvg(
  input: RenderInput,
): Promise<{ svg: string; width: number; height: number }> {
  const width = clampSize(input.width) ?? DEFAULT_PNG_WIDTH
  const gridWidth = width - PAD * 2
  const cells = input.panels.map((p) => normalizeCell(p.panel.layout))
  const rows = Math.max(1, gridRows(cells))
  const natural = naturalRowHeight(gridWidth)
  const requested = clampSize(input.height)
  const rowHeight = requested
    ? Math.max(4, Math.min(natural * 2, (requested - HEADER - PAD + GAP) / rows))
    : natural
  const height = requested ?? Math.round(HEADER + rows * rowHeight - GAP + PAD)
  const opts = input.timeZone ? { timeZone: input.timeZone } : {}
  const placed = await Promise.all(
    input.panels.map(async (rp, i) => {
      const r = cellRect(cells[i]!, PAD, HEADER, gridWidth, rowHeight, GAP)
      const svg = await panelSvg(rp, Math.round(r.width), Math.round(r.height), opts)
      return placeSvg(scopeIds(svg, `p${i}-`), Math.round(r.x), Math.round(r.y))
    }),
  )
  const body = [
    `<rect x="0" y="0" width="${num(width)}" height="${num(height)}" fill="${theme.page}"/>`,
    headerSvg(input, width),
    ...placed,
  ].join('')
  return { svg: svgDoc(width, height, body), width, height }
}

/** resvg draws no text without fonts and the host has none: give it exactly ours. */
export const resvgOptions: ResvgRenderOptions = {
  font: {
    fontFiles: [fontFiles.regular, fontFiles.bold],
    loadSystemFonts: false,
    defaultFontFamily: FONT_FAMILY,
    sansSerifFamily: FONT_FAMILY,
  },
  fitTo: { mode: 'original' },
  shapeRendering: 2,
  textRendering: 1,
}

/** Rasterises an SVG document at its own size, off the main thread. */
export async function rasterize(svg: string): Promise<Buffer> {
  return (await renderAsync(svg, resvgOptions)).asPng()
}

/** Rasterises the tab; the PNG is exactly `width` × `height` when they are given. */
export async function renderPng(input: RenderInput): Promise<Buffer> {
  const { svg } = await dashboardSvg(input)
  return rasterize(svg)
}
