import type { Logger } from 'pino'
import type { ReportRow } from '../reports/queries.ts'
import type { DryRunResult, RunParameters, RunRow } from './model.ts'

export interface RunContext {
  run: RunRow
  report: ReportRow
  parameters: RunParameters
  /** Aborted when the worker loses its lease or shuts down. */
  signal: AbortSignal
  log: Logger
}

/**
 * The outcome of one execution. A thrown error is a transient failure the worker retries with
 * backoff; a returned `failed` is final (retrying cannot help).
 */
export type RunResult =
  /** `dryRun`: what a dry run would have sent, recorded on the run with its parameters. */
  | { state: 'succeeded'; dryRun?: DryRunResult }
  | { state: 'partially_failed' | 'failed'; error: string }
  /**
   * Run again at `retryAt`: after a transient failure (`newAttempt`), or because some work is
   * left (e.g. recipients whose delivery is backing off), which is not a new attempt.
   */
  | { state: 'retry'; retryAt: number; error: string; newAttempt?: boolean }

export interface RunExecutor {
  execute(ctx: RunContext): Promise<RunResult>
  /**
   * Back-pressure: how many more runs the executor can start on now (e.g. render slots), and a
   * way to hear when that grows. A worker claims no more than this, so runs it cannot work on
   * stay queued for other processes. Absent: only the worker's concurrency limits it.
   */
  capacity?: ExecutorCapacity
}

export interface ExecutorCapacity {
  free(): number
  onFree(listener: () => void): void
}

/** Succeeds at once: for benchmarks of the scheduling machinery alone. */
export const noopExecutor: RunExecutor = {
  async execute() {
    return { state: 'succeeded' }
  },
}

/** The executor a config names; `default` is whatever the server wires for real work. */
export function executorFor(name: string, real: RunExecutor): RunExecutor {
  if (name === 'noop') return noopExecutor
  const sleep = /^sleep:(\d+)$/.exec(name)
  if (sleep) {
    const ms = Number(sleep[1])
    return {
      async execute({ signal }) {
        await new Promise<void>((resolve, reject) => {
          const t = setTimeout(resolve, ms)
          signal.addEventListener('abort', () => {
            clearTimeout(t)
            reject(new Error('aborted'))
          })
        })
        return { state: 'succeeded' }
      },
    }
  }
  return real
}
