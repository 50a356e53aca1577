import { FONT_FAMILY } from './fonts.ts'

export function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

export const num = (n: number) => String(Math.round(n * 100) / 100)

export interface TextStyle {
  size: number
  bold?: boolean
  fill: string
  anchor?: 'start' | 'middle' | 'end'
  italic?: boolean
}

export function svgText(x: number, y: number, text: string, style: TextStyle): string {
  const attrs = [
    `x="${num(x)}"`,
    `y="${num(y)}"`,
    `font-family="${FONT_FAMILY}"`,
    `font-size="${num(style.size)}"`,
    `fill="${style.fill}"`,
  ]
  if (style.bold) attrs.push('font-weight="bold"')
  if (style.italic) attrs.push('font-style="italic"')
  if (style.anchor && style.anchor !== 'start') attrs.push(`text-anchor="${style.anchor}"`)
  return `<text ${attrs.join(' ')}>${esc(text)}</text>`
}

export function svgDoc(width: number, height: number, body: string): string {
  const w = num(width)
  const h = num(height)
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" ` +
    `viewBox="0 0 ${w} ${h}">${body}</svg>`
  )
}

/** Places a complete `<svg>` document at (x, y) inside another one. */
export function placeSvg(svg: string, x: number, y: number): string {
  const start = svg.indexOf('<svg')
  if (start < 0) return ''
  return `<svg x="${num(x)}" y="${num(y)}"${svg.slice(start + 4)}`
}

/**
 * Prefixes every id (and its references) so several vega documents can share one page: vega numbers
 * clip paths and gradients per process, which is unique today but not something to rely on.
 */
export function scopeIds(svg: string, prefix: string): string {
  return svg
    .replace(/(\s)id="([^"]+)"/g, `$1id="${prefix}$2"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}$1"`)
}
