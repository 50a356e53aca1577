import { describe, expect, it } from 'vitest'
import { jsonBulkDocument, jsonCell, jsonDocument, panelTable } from '../../../src/render/json.ts'
import type { Panel } from '../../../src/render/types.ts'

describe('JSON outputs', () => {
  it('cells: dates in the zone with offset, big integers as digits, bytes as base64', () => {
    expect(jsonCell(new Date('2026-11-29T00:00:00Z'), 'Europe/Berlin')).toBe(
      '2026-11-29T01:00:00.000+01:00',
    )
    expect(jsonCell(12n)).toBe(12)
    expect(jsonCell(2n ** 60n)).toBe('1152921504606846976')
    expect(jsonCell(Buffer.from('hi'))).toBe('aGk=')
    expect(jsonCell(undefined)).toBeNull()
    expect(jsonCell({ a: [1n] })).toEqual({ a: [1] })
  })

  it('rows keep column order, even for numeric column names', () => {
    const t = panelTable({ columns: ['b', '2', '1'], rows: [{ 1: 'x', 2: 'y', b: 'z' }] })
    expect(t).toEqual({ columns: ['b', '2', '1'], rows: [['z', 'y', 'x']] })
  })

  it('json is one document; json_bulk a line per row; text panels are left out', () => {
    const panel = (id: string, query?: boolean) =>
      ({ id, title: id.toUpperCase(), type: 'table', ...(query ? { query: {} } : {}) }) as Panel
    const doc = {
      report: 'r',
      timezone: 'UTC',
      timespan: { from: 'a', to: 'b' },
      panels: [
        { panel: panel('t') },
        {
          panel: panel('p', true),
          data: { columns: ['panel'], rows: [{ panel: 1 }, { panel: 2 }] },
        },
      ],
    }
    expect(JSON.parse(jsonDocument(doc))).toEqual({
      report: 'r',
      timezone: 'UTC',
      timespan: { from: 'a', to: 'b' },
      panels: [{ title: 'P', columns: ['panel'], rows: [[1], [2]] }],
    })
    expect(jsonBulkDocument(doc)).toBe(
      '{"panel":"P","row":{"panel":1}}\n{"panel":"P","row":{"panel":2}}\n',
    )
  })
})
