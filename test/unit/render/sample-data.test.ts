// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} is SQL macro syntax here
import { describe, expect, it } from 'vitest'
import { sampleDashboard } from '../../../src/datasources/sample-dashboard.ts'
import { seedSample } from '../../../src/datasources/sample-data.ts'

const NOW = Date.UTC(2025, 5, 15, 12)

async function record(nowMs: number) {
  const calls: { sql: string; params: unknown[] }[] = []
  await seedSample(async (sql, params = []) => {
    calls.push({ sql, params })
  }, nowMs)
  return calls
}

describe('seedSample', () => {
  it('is deterministic for a given now', async () => {
    const [a, b] = [await record(NOW), await record(NOW)]
    expect(JSON.stringify(a)).toBe(JSON.stringify(b))
  })

  it('inserts in multi-row batches well under the bind parameter limit', async () => {
    const calls = await record(NOW)
    const inserts = calls.filter((c) => c.sql.startsWith('INSERT'))
    expect(inserts.length).toBeGreaterThan(3)
    for (const c of inserts) {
      expect(c.params.length).toBeLessThan(65_534)
      expect(c.sql).not.toMatch(/'/)
    }
    const rows = (table: string) =>
      inserts
        .filter((c) => c.sql.startsWith(`INSERT INTO ${table} `))
        .reduce((n, c) => n + (c.sql.match(/\(\$/g)?.length ?? 0), 0)
    expect(rows('orders')).toBeGreaterThan(2000)
    expect(rows('signups')).toBeGreaterThan(1000)
    expect(rows('latency')).toBeGreaterThan(5000)
  })

  it('keeps every timestamp within the 90 days before now', async () => {
    const calls = await record(NOW)
    const dates = calls.flatMap((c) => c.params.filter((p): p is Date => p instanceof Date))
    const min = Math.min(...dates.map((d) => d.getTime()))
    const max = Math.max(...dates.map((d) => d.getTime()))
    expect(max).toBeLessThanOrEqual(NOW)
    expect(min).toBeGreaterThanOrEqual(NOW - 90 * 86_400_000)
  })
})

describe('sampleDashboard', () => {
  const panels = sampleDashboard.tabs[0]!.panels

  it('has at least six panels of several types on the sample datasource', () => {
    expect(panels.length).toBeGreaterThanOrEqual(6)
    expect(new Set(panels.map((p) => p.type))).toEqual(
      new Set(['metric', 'line', 'area', 'bar', 'pie', 'table', 'text']),
    )
    for (const p of panels) if (p.query) expect(p.query.datasource).toBe('sample')
  })

  it('filters every query by the time range and the country variable', () => {
    for (const p of panels) {
      if (!p.query) continue
      expect(p.query.sql).toContain('$__from')
      expect(p.query.sql).toContain('$__to')
      expect(p.query.sql).toContain('= ANY(${country})')
    }
    expect(sampleDashboard.variables[0]?.name).toBe('country')
  })
})
