/**
 * Herald as `src/main.ts` starts it (config from this process's environment → startHerald),
 * plus one line on stderr when it is ready, so benches know without depending on LOG_LEVEL.
 */
import { parseConfig } from '../src/config.ts'
import { reportStartupError } from '../src/main.ts'
import { startHerald } from '../src/server.ts'
import { READY_LINE } from './lib.ts'

async function main(): Promise<void> {
  const config = parseConfig(process.env)
  const herald = await startHerald(config)
  process.stderr.write(`${READY_LINE}\n`)
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    const deadline = setTimeout(() => process.exit(1), config.shutdownTimeoutMs)
    deadline.unref()
    await herald.stop()
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop())
  process.on('SIGINT', () => void stop())
}

main().catch(reportStartupError)
