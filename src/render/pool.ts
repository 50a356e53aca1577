import { MessageChannel, type MessagePort } from 'node:worker_threads'
import type { Logger } from 'pino'
import { Piscina } from 'piscina'
import { threadModule } from './thread-module.ts'
import type { RenderInput } from './types.ts'

/** The formats drawn in a render thread; CSV is the rows as text and stays where they are. */
export type ImageFormat = 'pdf' | 'png'

export type RenderTask =
  | { kind: 'render'; format: ImageFormat; input: RenderInput; started: MessagePort }
  | { kind: 'warm' }

/** Draws a dashboard tab as a PDF or PNG. */
export interface Renderer {
  render(format: ImageFormat, input: RenderInput, signal?: AbortSignal): Promise<Buffer>
}

/**
 * A render that failed in its thread (it threw, the thread died, or it ran past its time limit):
 * the same inputs would fail again, so the run fails rather than retries.
 */
export class RenderError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RenderError'
  }
}

export interface RenderPoolOptions {
  /** Most threads rendering at once (HERALD_RENDER_THREADS). */
  threads: number
  /** Longest one render may take; past it its thread is stopped and replaced. */
  timeoutMs: number
  log: Logger
  /** The thread's module (tests substitute one); src/render/thread.ts by default. */
  filename?: URL
  /** How long an idle thread is kept before its memory is given back. */
  idleMs?: number
  /** Most old-generation heap a thread may grow (HERALD_RENDER_THREAD_HEAP_MB); 256 by default. */
  heapMb?: number
}

/**
 * A render thread's young generation. V8's default lets each thread's heap swell to ~300 MB under
 * a burst of renders whose live data is ~40 MB (measured on the sample dashboard: two threads took
 * a process from 660 to 1,020 MB); a bounded young generation and old-generation ceiling keep it
 * near ~100 MB a thread at the same render speed (pipeline bench, bench/README).
 */
const YOUNG_GENERATION_MB = 12

/**
 * Rendering off the event loop: a piscina pool of worker threads, started on demand and stopped
 * after `idleMs` without work, so a process that never renders carries none of the renderers.
 * The task (panel rows) is copied into the thread; the file's bytes come back transferred.
 * A render that throws, dies or overruns rejects alone; piscina starts a new thread for the next.
 */
export class RenderPool implements Renderer {
  private readonly o: RenderPoolOptions
  private readonly log: Logger
  private readonly heapMb: number
  private pool: Promise<Piscina<RenderTask, Uint8Array | undefined>> | undefined
  private closed = false
  /** Set by warm(): one warmed thread outlives idle periods. */
  private keepOne = false

  constructor(o: RenderPoolOptions) {
    this.o = o
    this.heapMb = o.heapMb ?? 256
    this.log = o.log.child({ component: 'render-pool' })
  }

  get threads(): number {
    return this.o.threads
  }

  async render(format: ImageFormat, input: RenderInput, signal?: AbortSignal): Promise<Buffer> {
    const what = format.toUpperCase()
    const pool = await this.open()
    // The time limit counts from when a thread takes the render, not while it waits for one: in
    // a burst, renders queue behind each other and that is not their fault. The thread says
    // when it starts on a port of the task's own.
    const { port1: startedIn, port2: started } = new MessageChannel()
    const limit = new AbortController()
    let timer: NodeJS.Timeout | undefined
    startedIn.once('message', () => {
      timer = setTimeout(() => limit.abort(), this.o.timeoutMs)
    })
    const both = signal ? AbortSignal.any([signal, limit.signal]) : limit.signal
    let bytes: Uint8Array | undefined
    try {
      bytes = await pool.run(
        { kind: 'render', format, input, started },
        { signal: both, transferList: [started] },
      )
    } catch (err) {
      // The run's own signal (lease lost, shutdown) is the worker's business, not a render error.
      if (signal?.aborted) throw signal.reason
      if (limit.signal.aborted) {
        throw new RenderError(`Rendering the ${what} took longer than ${this.o.timeoutMs} ms`)
      }
      if ((err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') {
        throw new RenderError(
          `Rendering the ${what} needed more memory than a render thread may use ` +
            `(HERALD_RENDER_THREAD_HEAP_MB=${this.heapMb})`,
        )
      }
      throw new RenderError(`Rendering the ${what} failed: ${(err as Error).message}`)
    } finally {
      clearTimeout(timer)
      startedIn.close()
    }
    if (!bytes) throw new RenderError(`Rendering the ${what} produced nothing`)
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  /**
   * Starts one thread and draws a small PDF and PNG in it, so the first preview does not wait for
   * the renderers to load and compile. That thread is then kept through idle periods (piscina's
   * `minThreads`, when warm() opens the pool): a preview after a quiet night is as quick as one
   * after start.
   */
  async warm(): Promise<void> {
    const started = performance.now()
    this.keepOne = true
    try {
      await (await this.open()).run({ kind: 'warm' })
      this.log.info({ ms: Math.round(performance.now() - started) }, 'render thread ready')
    } catch (err) {
      this.log.warn({ err }, 'render thread did not start; the next render tries again')
    }
  }

  async close(): Promise<void> {
    this.closed = true
    const pool = await this.pool?.catch(() => undefined)
    await pool?.close({ force: true })
  }

  private open(): Promise<Piscina<RenderTask, Uint8Array | undefined>> {
    if (this.closed) return Promise.reject(new RenderError('The render pool is closed'))
    this.pool ??= (async () => {
      const filename = await threadModule(
        this.o.filename ?? new URL('./thread.ts', import.meta.url),
      )
      const pool = new Piscina<RenderTask, Uint8Array | undefined>({
        filename: filename.href,
        minThreads: this.keepOne ? 1 : 0,
        maxThreads: this.o.threads,
        idleTimeout: this.o.idleMs ?? 5 * 60_000,
        resourceLimits: {
          maxOldGenerationSizeMb: this.heapMb,
          maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
        },
      })
      pool.on('error', (err) => this.log.error({ err }, 'render thread failed'))
      return pool
    })()
    // A failed start (the bundle could not be written) is tried again by the next render.
    this.pool.catch(() => {
      this.pool = undefined
    })
    return this.pool
  }
}
