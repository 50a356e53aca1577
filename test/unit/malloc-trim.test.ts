import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../../src/config.ts'
import { startMallocTrim } from '../../src/malloc-trim.ts'

const log = pino({ level: 'silent' })

describe('giving freed C heap back (HERALD_MALLOC_TRIM_MS)', () => {
  it('is every 2 s by default, 0 turns it off, and nonsense is refused', () => {
    expect(parseConfig({}).mallocTrimMs).toBe(2000)
    expect(parseConfig({ HERALD_MALLOC_TRIM_MS: '0' }).mallocTrimMs).toBe(0)
    expect(() => parseConfig({ HERALD_MALLOC_TRIM_MS: 'often' })).toThrow(ConfigError)
    const refused = (() => {
      try {
        parseConfig({ HERALD_MALLOC_TRIM_MS: '-5' })
      } catch (err) {
        return err
      }
    })()
    expect(refused).toBeInstanceOf(ConfigError)
    expect((refused as ConfigError).problems).toEqual([
      'HERALD_MALLOC_TRIM_MS: expected an integer from 0 to 3600000',
    ])
  })

  it.runIf(process.platform === 'linux')('calls glibc on Linux, off the event loop', async () => {
    const trim = await startMallocTrim(60_000, log)
    try {
      // Two at once share one call.
      const [a, b] = [trim.trimNow(), trim.trimNow()]
      expect(a).toBe(b)
      expect(await a).toBe(true)
    } finally {
      trim.stop()
    }
  })

  it('does nothing when turned off', async () => {
    const trim = await startMallocTrim(0, log)
    expect(await trim.trimNow()).toBe(false)
    trim.stop()
  })
})
