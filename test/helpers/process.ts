import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export interface HeraldProcess {
  child: ChildProcess
  output: () => string
  /** Resolves once the process logged `Herald started`. */
  started: Promise<void>
  exited: Promise<number | null>
  kill(signal?: NodeJS.Signals): void
}

/** Starts a real Herald process (`npm start`'s entry) with this environment. */
export function spawnHerald(env: Record<string, string>): HeraldProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const started = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString()
      if (out.includes('"Herald started"')) resolve()
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.on('exit', (code) =>
      reject(new Error(`Herald exited (${code}) before starting:\n${out}`)),
    )
  })
  started.catch(() => {})
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, output: () => out, started, exited, kill: (s = 'SIGTERM') => child.kill(s) }
}
