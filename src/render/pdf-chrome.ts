import { type Doc, line } from './pdf-doc.ts'
import { truncateText } from './text-metrics.ts'
import { theme } from './theme.ts'
import type { RenderInput } from './types.ts'

/** Page geometry in pt shared by everything drawn on a page. */
export const PAGE = { margin: 28, header: 54, footer: 22 } as const
const MARGIN = PAGE.margin
const HEADER = PAGE.header

/** A tab's first-page header: title, then tab and time range, generated-at on the right. */
export function drawHeader(
  doc: Doc,
  input: Pick<RenderInput, 'title' | 'tabName' | 'timeRangeLabel' | 'generatedAtLabel'>,
  width: number,
): void {
  const room = width - MARGIN * 2
  line(doc, truncateText(input.title, room, 17, true), MARGIN, MARGIN, {
    size: 17,
    bold: true,
    color: theme.title,
  })
  const sub = `${input.tabName}  ·  ${input.timeRangeLabel}`
  line(doc, truncateText(sub, room * 0.62, 9.5), MARGIN, MARGIN + 25, {
    size: 9.5,
    color: theme.text,
  })
  const generated = truncateText(`Generated ${input.generatedAtLabel}`, room * 0.36, 8.5)
  line(doc, generated, MARGIN, MARGIN + 26, {
    size: 8.5,
    color: theme.muted,
    width: room,
    align: 'right',
  })
  doc.rect(MARGIN, MARGIN + HEADER - 12, room, 0.75).fill(theme.border)
}

/**
 * Footer on every page: what this is (the title and the page's tab), and page i of n. Needs
 * `bufferPages`.
 */
export function drawFooters(
  doc: Doc,
  title: string,
  pageTabs: string[],
  width: number,
  height: number,
): void {
  const { start, count } = doc.bufferedPageRange()
  const room = width - MARGIN * 2
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i)
    const label = truncateText(`${title} · ${pageTabs[i] ?? ''}`, room * 0.7, 7.5)
    const y = height - MARGIN + 6
    line(doc, label, MARGIN, y, { size: 7.5, color: theme.muted })
    line(doc, `Page ${i + 1} of ${count}`, MARGIN, y, {
      size: 7.5,
      color: theme.muted,
      width: room,
      align: 'right',
    })
  }
}
