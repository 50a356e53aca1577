import { describe, expect, it } from 'vitest'
import { bands, cellRect, normalizeCell } from '../../../src/render/grid.ts'
import { parseTextBlocks } from '../../../src/render/markdown.ts'
import { columnWidths } from '../../../src/render/table-model.ts'
import { textWidth, truncateText, wrapText } from '../../../src/render/text-metrics.ts'

describe('grid', () => {
  it('places a cell on the 24-column grid with gaps between neighbours', () => {
    const left = cellRect({ x: 0, y: 0, w: 12, h: 2 }, 0, 0, 490, 30, 10)
    const right = cellRect({ x: 12, y: 0, w: 12, h: 2 }, 0, 0, 490, 30, 10)
    expect(left).toEqual({ x: 0, y: 0, width: 240, height: 50 })
    expect(right.x - (left.x + left.width)).toBeCloseTo(10)
    expect(right.x + right.width).toBeCloseTo(490)
  })

  it('clamps cells that stick out of the grid', () => {
    expect(normalizeCell({ x: 20, y: -3, w: 10, h: 0 })).toEqual({ x: 14, y: 0, w: 10, h: 1 })
  })

  it('groups panels whose rows overlap into one band', () => {
    const cell = (y: number, h: number) => ({ cell: { x: 0, y, w: 6, h } })
    const result = bands([cell(0, 4), cell(2, 4), cell(6, 2), cell(8, 8), cell(9, 1)])
    expect(result.map((b) => [b.top, b.rows, b.items.length])).toEqual([
      [0, 6, 2],
      [6, 2, 1],
      [8, 8, 2],
    ])
  })
})

describe('text metrics', () => {
  it('measures DejaVu Sans widths, bold wider than regular', () => {
    expect(textWidth('Herald', 10)).toBeGreaterThan(30)
    expect(textWidth('Herald', 10, true)).toBeGreaterThan(textWidth('Herald', 10))
    expect(textWidth('iiii', 10)).toBeLessThan(textWidth('WWWW', 10))
  })

  it('truncates with an ellipsis and wraps on words', () => {
    const cut = truncateText('A rather long product name', 60, 10)
    expect(cut.endsWith('…')).toBe(true)
    expect(textWidth(cut, 10)).toBeLessThanOrEqual(60)
    const lines = wrapText('one two three four five six', 50, 10)
    expect(lines.length).toBeGreaterThan(1)
    for (const l of lines) expect(textWidth(l, 10)).toBeLessThanOrEqual(50)
  })
})

describe('table column widths', () => {
  it('narrows the widest column first so short columns stay whole', () => {
    const model = {
      headers: ['name', 'n'],
      rows: [['a very long name that cannot possibly fit', '12']],
      numeric: [false, true],
    }
    const [name, n] = columnWidths(model, 120, 10, 4)
    expect(n).toBeCloseTo(textWidth('12', 10) + 8, 0)
    expect((name ?? 0) + (n ?? 0)).toBeCloseTo(120)
  })
})

describe('parseTextBlocks', () => {
  it('reads headings, bullets and paragraphs and drops inline markers', () => {
    expect(parseTextBlocks('# Title\n\nSome **bold**\ntext\n- one\n2. two\n## Sub')).toEqual([
      { kind: 'h1', text: 'Title' },
      { kind: 'p', text: 'Some bold text' },
      { kind: 'li', text: 'one' },
      { kind: 'li', text: 'two' },
      { kind: 'h2', text: 'Sub' },
    ])
  })
})
