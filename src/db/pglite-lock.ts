import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import path from 'node:path'

/**
 * PGlite lets two processes open one directory and then silently corrupts it, so a process holds
 * a lock file while it has the directory open. A lock left by a dead process is taken over.
 */
export class DirectoryLockedError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true })
  const file = path.join(dir, 'herald.lock')
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fd = openSync(file, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return () => rmSync(file, { force: true })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const pid = Number(readFileSync(file, 'utf8').trim())
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new DirectoryLockedError(
          `The embedded database in ${dir} is in use by another Herald process (pid ${pid}). ` +
            'Stop it first, or point DATA_DIR elsewhere, or set DATABASE_URL to share a ' +
            'PostgreSQL database between processes.',
        )
      }
      rmSync(file, { force: true })
    }
  }
  throw new DirectoryLockedError(`Could not lock ${file}`)
}
