import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../../src/clock.ts'
import { type RenderKeyParts, renderKey, SharedRenders } from '../../../src/runs/shared-renders.ts'

const parts: RenderKeyParts = {
  org: 'o',
  dashboard: 'd',
  definition: { title: 'T', definition: { tabs: [], variables: [] } },
  tabs: ['default'],
  from: 1,
  to: 2,
  timeZone: 'UTC',
  variables: { country: 'DE', region: ['a', 'b'] },
  format: 'pdf',
  previewImage: false,
  datasources: { sample: 'sample' },
}

describe('renderKey', () => {
  it('ignores the order of keys, not their values', () => {
    const reordered = { ...parts, variables: { region: ['a', 'b'], country: 'DE' } }
    expect(renderKey(reordered)).toBe(renderKey(parts))
    expect(renderKey({ ...parts, variables: { ...parts.variables, region: ['b', 'a'] } })).not.toBe(
      renderKey(parts),
    )
  })

  it('changes with every part, a datasource edit included', () => {
    const variants: Partial<RenderKeyParts>[] = [
      { datasources: { sample: 'sample', pg: 'x@2026-01-01T00:00:00.000Z' } },
      { width: 800 },
      { previewImage: true },
      { tabs: ['default', 'other'] },
      { definition: { title: 'T2', definition: { tabs: [], variables: [] } } },
    ]
    const keys = new Set([renderKey(parts), ...variants.map((v) => renderKey({ ...parts, ...v }))])
    expect(keys.size).toBe(1 + variants.length)
  })
})

describe('SharedRenders', () => {
  const make = (clock: FakeClock) =>
    new SharedRenders<string>({ clock, windowMs: 1000, maxBytes: 10, sizeOf: (s) => s.length })

  it('shares a render in flight and for the window after it, then renders again', async () => {
    const clock = new FakeClock(0)
    const shared = make(clock)
    let renders = 0
    const produce = async () => `r${++renders}`
    const [a, b] = await Promise.all([shared.share('k', produce), shared.share('k', produce)])
    expect([a.value, a.shared, b.value, b.shared]).toEqual(['r1', false, 'r1', true])
    clock.advance(999)
    expect((await shared.share('k', produce)).value).toBe('r1')
    clock.advance(1)
    expect((await shared.share('k', produce)).value).toBe('r2')
  })

  it('keeps no failure, and drops the oldest past its byte budget', async () => {
    const clock = new FakeClock(0)
    const shared = make(clock)
    await expect(
      shared.share('bad', async () => {
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect((await shared.share('bad', async () => 'ok')).shared).toBe(false)
    await shared.share('a', async () => 'aaaaaa')
    await shared.share('b', async () => 'bbbbbb')
    // 6 + 6 + 2 bytes > 10: the oldest finished ones went.
    expect((await shared.share('bad', async () => 'new')).value).toBe('new')
    expect((await shared.share('b', async () => 'other')).value).toBe('bbbbbb')
  })
})
