import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { NODE_FLAGS } from '../../src/node-flags.ts'
import { createEmptyPostgresDatabase } from './db.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export interface HeraldProcess {
  child: ChildProcess
  output: () => string
  /** Resolves once the process logged `Herald started`. */
  started: Promise<void>
  exited: Promise<number | null>
  kill(signal?: NodeJS.Signals): void
}

/**
 * Starts a real Herald process (`npm start`'s entry) with this environment. The sample is off
 * unless asked for: each process would otherwise start its own sample database (~350 MB).
 */
export function spawnHerald(env: Record<string, string>): HeraldProcess {
  const child = spawn(process.execPath, [...NODE_FLAGS, '--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', HERALD_SEED_SAMPLE: 'false', ...env },
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

export interface ApiPair {
  /** Base URLs of the two servers. */
  bases: [string, string]
  close(): Promise<void>
}

/**
 * Two real `HERALD_ROLES=api` processes on one fresh PostgreSQL database, for checks that a
 * change made through one is seen by the other. Root is `root@herald.test` / `rootPassword`.
 */
export async function twoApiServers(rootPassword: string): Promise<ApiPair> {
  const db = await createEmptyPostgresDatabase()
  const env = {
    DATABASE_URL: db.url,
    PORT: '0',
    HERALD_ROLES: 'api',
    HERALD_ROOT_EMAIL: 'root@herald.test',
    HERALD_ROOT_PASSWORD: rootPassword,
    HERALD_SEED_SAMPLE: 'false',
    DATA_DIR: path.join(tmpdir(), `herald-pair-${randomBytes(4).toString('hex')}`),
  }
  const procs: HeraldProcess[] = []
  const close = async () => {
    for (const p of procs) p.kill()
    await Promise.all(procs.map((p) => p.exited))
    await db.drop()
  }
  try {
    // One after the other, so the second does not race the first's migrations.
    for (let i = 0; i < 2; i++) {
      const p = spawnHerald(env)
      procs.push(p)
      await p.started
    }
  } catch (err) {
    await close()
    throw err
  }
  const bases = procs.map((p) => {
    const port = /"port":(\d+)/.exec(p.output())?.[1]
    if (!port) throw new Error(`no port in:\n${p.output()}`)
    return `http://127.0.0.1:${port}`
  }) as [string, string]
  return { bases, close }
}
