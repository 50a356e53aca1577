import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newId } from '../../src/lib/ids.ts'
import { loadRunOutputs, type OutputRow, replaceRunOutputs } from '../../src/runs/store/outputs.ts'
import { insertQueuedRuns } from '../../src/runs/store/runs.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { makeDashboard, makeReport } from '../helpers/factories.ts'

const org = 'copies'

/** A file as a render would produce it. */
function file(text: string, index = 0): OutputRow {
  const bytes = Buffer.from(`%PDF-1.7 ${text} ${'x'.repeat(4096)}`)
  return {
    index,
    dashboard: 0,
    mediaType: 'application/pdf',
    filename: `report-${index}.pdf`,
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.length,
  }
}

describe('a file shared by many runs is stored once, then copied in the database', () => {
  let t: TestApp
  let report: string

  beforeAll(async () => {
    t = await createTestApp()
    const dash = await makeDashboard(t, org)
    report = await makeReport(t, org, dash, 'default', { destinations: [], enabled: false })
  })
  afterAll(async () => {
    await t?.close()
  })

  const newRun = async () => {
    const [row] = await insertQueuedRuns(
      t.tdb.database.db,
      [{ id: newId(), org, reportId: report, trigger: 'manual', parameters: {} }],
      t.clock.now(),
    )
    return row!.id
  }
  const store = (runId: string, files: OutputRow[]) =>
    replaceRunOutputs(t.tdb.database, runId, files, t.clock.now())
  const bytesOf = async (runId: string) =>
    (await loadRunOutputs(t.tdb.database, runId)).map((o) => o.bytes.toString())

  it('copies a file another run stored, keeping its own name and index', async () => {
    const shared = file('shared')
    const first = await newRun()
    expect(await store(first, [shared])).toEqual({ copied: 0 })
    const second = await newRun()
    const own = { ...file('shared', 1), filename: 'team-copy.pdf' }
    expect(await store(second, [file('own'), own])).toEqual({ copied: 1 })
    const [a, b] = await loadRunOutputs(t.tdb.database, second)
    expect(a!.bytes.toString()).toBe(file('own').bytes.toString())
    expect(b).toMatchObject({ index: 1, filename: 'team-copy.pdf' })
    expect(b!.bytes.equals(shared.bytes)).toBe(true)
  })

  it('runs storing the same new file at once send it once', async () => {
    const same = file('burst')
    const runs = await Promise.all([newRun(), newRun(), newRun(), newRun()])
    const results = await Promise.all(runs.map((r) => store(r, [same])))
    expect(results.map((r) => r.copied).sort()).toEqual([0, 1, 1, 1])
    for (const r of runs) expect(await bytesOf(r)).toEqual([same.bytes.toString()])
  })

  it('sends the bytes when the run it would copy from no longer has them', async () => {
    const gone = file('gone')
    const source = await newRun()
    await store(source, [gone])
    // A retry of the source run stored other files in their place.
    await store(source, [file('retried')])
    const later = await newRun()
    expect(await store(later, [gone])).toEqual({ copied: 0 })
    expect(await bytesOf(later)).toEqual([gone.bytes.toString()])
    // And the next one copies from the run that has them now.
    expect(await store(await newRun(), [gone])).toEqual({ copied: 1 })
  })

  it('a retry of a run replaces its files rather than copying from itself', async () => {
    const run = await newRun()
    const f = file('retry')
    await store(run, [f])
    expect(await store(run, [f])).toEqual({ copied: 0 })
    expect(await bytesOf(run)).toEqual([f.bytes.toString()])
  })
})
