import { type Logger, pino } from 'pino'

/**
 * JSON lines on stdout; one logger for the process, children per role. Writes are asynchronous:
 * a burst logs a line per run, and a write(2) per line cost the burst half a second of CPU.
 * Lines written while a write is in flight go out together; pino flushes what is left on exit.
 */
export function createLogger(level: string): Logger {
  return pino(
    { level, base: { service: 'herald' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 1, sync: false }),
  )
}
