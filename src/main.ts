import { readdirSync } from 'node:fs'
import { serve } from '@hono/node-server'
import { createApp } from './app.ts'
import { bootstrapRoot } from './auth/bootstrap.ts'
import { Authenticator } from './auth/principal.ts'
import { allowAll } from './authz/vocabulary.ts'
import { systemClock } from './clock.ts'
import { ConfigError, ensureSecret, loadConfig } from './config.ts'
import { migrationsApplied, migrationsFolder } from './db/migrate.ts'
import { openAndMigrate } from './db/open.ts'
import { DirectoryLockedError } from './db/pglite-lock.ts'
import { createLogger } from './log.ts'

/** Process entry: config → database → roles → serve; stops cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig()
  const log = createLogger(config.logLevel)
  ensureSecret(config)
  const { database, close } = await openAndMigrate(config)
  await bootstrapRoot(database, config.rootEmail, config.rootPassword, log)
  const expectedMigrations = readdirSync(migrationsFolder).filter((f) => f.endsWith('.sql')).length

  const app = createApp({
    database,
    config,
    clock: systemClock,
    log,
    authenticator: new Authenticator(database, config.rootEmail),
    guardFor: () => allowAll,
    ready: async () => {
      await database.ping()
      return migrationsApplied(database, expectedMigrations)
    },
  })

  const server = config.roles.includes('api')
    ? serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) =>
        log.info({ port: info.port, host: config.host, db: database.kind }, 'Herald listening'),
      )
    : undefined

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down')
    const deadline = setTimeout(() => {
      log.error('shutdown deadline passed; exiting')
      process.exit(1)
    }, config.shutdownTimeoutMs)
    deadline.unref()
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
    await close()
    log.info('stopped')
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof DirectoryLockedError) {
    process.stderr.write(`${err.message}\n`)
  } else {
    process.stderr.write(`Herald failed to start: ${err?.stack ?? err}\n`)
  }
  process.exit(1)
})
