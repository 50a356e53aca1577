import { PGlite } from '@electric-sql/pglite'
import { sampleDashboard } from '../../../src/datasources/sample-dashboard.ts'
import { sampleSchemaSql, seedSample } from '../../../src/datasources/sample-data.ts'
import { bindQuery } from '../../../src/render/bind-query.ts'
import type { Panel, RenderedPanel, RenderInput } from '../../../src/render/types.ts'

export const NOW = Date.UTC(2025, 5, 15, 12, 0, 0)
export const FROM = new Date(NOW - 30 * 86_400_000)
export const TO = new Date(NOW)
export const TIME_RANGE_LABEL = '2025-05-16 12:00 – 2025-06-15 12:00 (UTC)'

export async function openSampleDb(): Promise<PGlite> {
  const db = new PGlite()
  await db.exec(sampleSchemaSql)
  await seedSample((sql, params) => db.query(sql, params), NOW)
  return db
}

export const allCountries = (): string[] => [...(sampleDashboard.variables[0]?.value ?? [])]

export async function runPanel(db: PGlite, panel: Panel): Promise<RenderedPanel> {
  if (!panel.query) return { panel }
  try {
    const bound = bindQuery(panel.query.sql, {
      from: FROM,
      to: TO,
      intervalSeconds: 86_400,
      variables: { country: allCountries() },
    })
    const res = await db.query<Record<string, unknown>>(bound.text, bound.values)
    return { panel, data: { columns: res.fields.map((f) => f.name), rows: res.rows } }
  } catch (err) {
    return { panel, error: err instanceof Error ? err.message : String(err) }
  }
}

export async function sampleInput(
  db: PGlite,
  extra: Partial<RenderInput> = {},
): Promise<RenderInput> {
  const tab = sampleDashboard.tabs[0]!
  const panels: RenderedPanel[] = []
  for (const panel of tab.panels) panels.push(await runPanel(db, panel))
  return {
    title: sampleDashboard.title,
    tabName: tab.name,
    timeRangeLabel: TIME_RANGE_LABEL,
    generatedAtLabel: '2025-06-15 12:00 UTC',
    panels,
    ...extra,
  }
}
