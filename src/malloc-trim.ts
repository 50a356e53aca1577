import type { Logger } from 'pino'

/**
 * Gives the C heap that threads freed back to the OS now and then, with glibc's `malloc_trim(0)`.
 *
 * Why: glibc gives threads that allocate at once arenas of their own (up to 8 per core) and keeps
 * what each arena once held. Herald's render threads (resvg's pixmaps, zlib's deflate), the libuv
 * pool, the sample database's thread and V8's own threads all allocate, and after a few hundred
 * renders most of what their arenas hold is free memory that no other thread can use: ~130 MB of
 * the process in the 1,000-report pipeline burst, where trimming every 2 s kept it near 65 MB
 * (bench/README.md, "Freed C heap"). `MALLOC_ARENA_MAX` would cap the arenas instead, but it must
 * be in the environment before Node starts, which `npm start` cannot arrange on every platform,
 * and `mallopt` after start is too late: tsx's loader thread and V8's have made a dozen arenas
 * by the time Herald's code runs.
 *
 * The call goes through koffi (an FFI binding whose prebuilt binary ships in its npm package) and
 * runs on a libuv thread: a trim walks every arena (5–45 ms under a burst) and the event loop
 * serves the API meanwhile. A process that used little CPU since the last trim freed little, so
 * it is not trimmed. Where glibc cannot be loaded (macOS, Windows, musl) this does nothing.
 */

/** CPU time (µs, user + system) below which an interval is idle: nothing worth trimming. */
const IDLE_CPU_US = 50_000

export interface MallocTrim {
  /** Trims now, whatever the CPU used; false when there is nothing to call (not glibc). */
  trimNow(): Promise<boolean>
  stop(): void
}

export async function startMallocTrim(intervalMs: number, log: Logger): Promise<MallocTrim> {
  const none = { trimNow: async () => false, stop() {} }
  if (intervalMs <= 0 || process.platform !== 'linux') return none
  let trim: { async(pad: number, done: (err: unknown, res: number) => void): void }
  try {
    const koffi = (await import('koffi')).default
    trim = koffi.load('libc.so.6').func('int malloc_trim(size_t)')
  } catch (err) {
    log.info({ reason: (err as Error).message }, 'freed C heap is not trimmed: no glibc')
    return none
  }
  let running: Promise<boolean> | undefined
  const trimNow = () =>
    (running ??= new Promise<boolean>((resolve) => {
      trim.async(0, (err) => {
        running = undefined
        if (err) log.warn({ err }, 'malloc_trim failed')
        resolve(!err)
      })
    }))
  let last = process.cpuUsage()
  const timer = setInterval(() => {
    const used = process.cpuUsage(last)
    if (running || used.user + used.system < IDLE_CPU_US) return
    last = process.cpuUsage()
    void trimNow()
  }, intervalMs)
  timer.unref()
  return { trimNow, stop: () => clearInterval(timer) }
}
