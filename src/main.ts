import { ConfigError, loadConfig } from './config.ts'
import { DirectoryLockedError } from './db/pglite-lock.ts'
import { missingNodeFlags } from './node-flags.ts'
import { startHerald } from './server.ts'

/** Process entry: config → database → roles → serve; stops cleanly on SIGTERM/SIGINT. */
export async function main(): Promise<void> {
  const config = loadConfig()
  const herald = await startHerald(config)
  const missing = missingNodeFlags()
  if (missing.length > 0)
    herald.log.warn(
      { missing },
      'started without the node flags npm start passes: renders under a burst will use more CPU',
    )
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    herald.log.info({ signal }, 'shutting down')
    const deadline = setTimeout(() => {
      herald.log.error('shutdown deadline passed; exiting')
      process.exit(1)
    }, config.shutdownTimeoutMs)
    deadline.unref()
    await herald.stop()
    herald.log.info('stopped')
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

export function reportStartupError(err: unknown): never {
  if (err instanceof ConfigError || err instanceof DirectoryLockedError) {
    process.stderr.write(`${err.message}\n`)
  } else {
    process.stderr.write(`Herald failed to start: ${(err as Error)?.stack ?? err}\n`)
  }
  process.exit(1)
}

if (import.meta.url === `file://${process.argv[1]}`) main().catch(reportStartupError)
