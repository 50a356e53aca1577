import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { csvFilename, renderCsv, safeFilename } from '../../../src/render/csv.ts'

describe('renderCsv', () => {
  it('writes a header row and CRLF-terminated records', () => {
    const csv = renderCsv({ columns: ['a', 'b'], rows: [{ a: 1, b: 'x' }] })
    expect(csv).toBe('a,b\r\n1,x\r\n')
  })

  it('quotes commas, quotes and line breaks so the data parses back', () => {
    const rows = [
      { name: 'Smith, John', note: 'said "hi"', text: 'line 1\nline 2' },
      { name: "'; DROP TABLE x; --", note: '', text: 'crlf\r\nend' },
    ]
    const csv = renderCsv({ columns: ['name', 'note', 'text'], rows })
    expect(parse(csv, { columns: true })).toEqual(rows)
  })

  it('writes dates as ISO 8601 and empties for nulls', () => {
    const at = new Date('2025-06-01T10:20:30.400Z')
    const csv = renderCsv({
      columns: ['at', 'n', 'flag', 'big', 'obj', 'none'],
      rows: [{ at, n: 1.5, flag: true, big: 12n, obj: { k: [1] }, none: null }],
    })
    expect(parse(csv)).toEqual([
      ['at', 'n', 'flag', 'big', 'obj', 'none'],
      ['2025-06-01T10:20:30.400Z', '1.5', 'true', '12', '{"k":[1]}', ''],
    ])
  })

  it('keeps a column whose name looks like a path', () => {
    const csv = renderCsv({ columns: ['a.b'], rows: [{ 'a.b': 7 }] })
    expect(csv).toBe('a.b\r\n7\r\n')
  })
})

describe('safeFilename', () => {
  it('keeps letters, digits, dash, underscore and spaces', () => {
    expect(safeFilename('Sales 2025_Q1-final', 'pdf')).toBe('Sales 2025_Q1-final.pdf')
  })

  it('replaces everything else with underscores', () => {
    expect(safeFilename('../etc/passwd', 'csv')).toBe('___etc_passwd.csv')
    expect(safeFilename('Umsätze: Q1/Q2', 'png')).toBe('Ums_tze_ Q1_Q2.png')
  })

  it('falls back to "report" for an empty title', () => {
    expect(safeFilename('', 'pdf')).toBe('report.pdf')
    expect(safeFilename('   ', 'pdf')).toBe('report.pdf')
    expect(csvFilename('Top products')).toBe('Top products.csv')
  })
})

describe('renderCsv times in the report timezone', () => {
  it('writes a Berlin midnight as local time with its offset, across a DST change', () => {
    const csv = renderCsv(
      {
        columns: ['day'],
        rows: [
          { day: new Date('2026-03-28T23:00:00Z') },
          { day: new Date('2026-03-29T22:00:00Z') },
        ],
      },
      'Europe/Berlin',
    )
    expect(csv).toBe('day\r\n2026-03-29T00:00:00.000+01:00\r\n2026-03-30T00:00:00.000+02:00\r\n')
  })
})
