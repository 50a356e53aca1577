import { type Logger, pino } from 'pino'

/** JSON lines on stdout; one logger for the process, children per role. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'herald' }, timestamp: pino.stdTimeFunctions.isoTime })
}
