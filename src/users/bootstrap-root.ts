import type { Logger } from 'pino'
import { generatePassword } from '../auth/passwords.ts'
import type { Database } from '../db/client.ts'
import { ConflictError } from '../errors.ts'
import { isUniqueViolation } from '../lib/sqlstate.ts'
import { ensureOrg } from '../orgs/orgs.ts'
import { createUser, findUserByEmail } from './users.ts'

/**
 * Creates the root user on first start. Without HERALD_ROOT_PASSWORD a password is generated and
 * printed once: it is never stored in clear, so this is the only time it can be read.
 */
export async function bootstrapRoot(
  database: Database,
  rootEmail: string,
  rootPassword: string | undefined,
  log: Logger,
): Promise<void> {
  await ensureOrg(database, 'default')
  if (await findUserByEmail(database, rootEmail)) return
  const password = rootPassword ?? generatePassword()
  try {
    await createUser(database, { email: rootEmail, name: 'root', password })
  } catch (err) {
    // Another process bootstrapped at the same moment.
    if (err instanceof ConflictError || isUniqueViolation(err)) return
    throw err
  }
  if (!rootPassword) {
    const line = `Herald root user created: ${rootEmail} / ${password} (shown once; set HERALD_ROOT_PASSWORD to choose it)`
    process.stdout.write(`\n${line}\n\n`)
  }
  log.info({ email: rootEmail }, 'root user created')
}
