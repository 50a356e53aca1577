import { and, asc, eq, sql } from 'drizzle-orm'
import { audit } from '../audit/audit.ts'
import { AccessDeniedError, requireOn } from '../authz/require.ts'
import type { Ctx, Principal, Tx } from '../context.ts'
import { dashboards, datasources } from '../db/schema/index.ts'
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../errors.ts'
import { newId } from '../lib/ids.ts'
import { isUniqueViolation } from '../lib/sqlstate.ts'
import { rfc3339 } from '../lib/time.ts'
import { DATASOURCES_OBJECT } from '../permissions.ts'
import { DatasourceRefusedError } from './connection.ts'
import { type Datasource, type DatasourceInput, maskUrl } from './model.ts'
import { type DatasourceRow, type Datasources, SAMPLE_NAME } from './registry.ts'

const NOT_FOUND = 'Datasource not found'
const EXISTS = 'Datasource already exists'
const BUILTIN = 'The built-in sample datasource cannot be changed or deleted'

const builtinSample: Datasource = {
  datasourceId: SAMPLE_NAME,
  name: SAMPLE_NAME,
  kind: 'sample',
  url: null,
  options: {},
  builtin: true,
  createdAt: null,
  updatedAt: null,
}

/** Refusing a list or a create cannot pretend something is absent: a plain 403. */
function denied(action: 'list' | 'create') {
  return () =>
    new AccessDeniedError(DATASOURCES_OBJECT, action, `Only org admins may ${action} datasources`)
}

/** Whether HERALD_DATASOURCE_ADMINS lets this actor create, change or delete datasources at all. */
export function mayManageDatasources(actor: Principal, admins: 'root' | 'org'): boolean {
  return admins === 'org' || actor.root
}

/**
 * With HERALD_DATASOURCE_ADMINS=root a datasource URL is a server-side connection the operator
 * vets: org admins may use datasources but not point them anywhere.
 */
function requireManager(ctx: Ctx, ds: Datasources, action: 'create' | 'update' | 'delete'): void {
  if (!mayManageDatasources(ctx.actor, ds.admins)) {
    throw new ForbiddenError(
      `Only the root user may ${action} datasources on this server (HERALD_DATASOURCE_ADMINS=root)`,
    )
  }
}

function shape(ds: Datasources, row: DatasourceRow): Datasource {
  let url: string | null = null
  if (row.secret) {
    try {
      url = maskUrl(ds.secrets.open(row.secret, row.id))
    } catch {
      url = '(unreadable: save the URL again)'
    }
  }
  return {
    datasourceId: row.id,
    name: row.name,
    kind: row.kind,
    url,
    options: row.options as Record<string, unknown>,
    builtin: false,
    createdAt: rfc3339(row.createdAt),
    updatedAt: rfc3339(row.updatedAt),
  }
}

async function findRow(ctx: Ctx, id: string, tx?: Tx, lock = false): Promise<DatasourceRow> {
  const q = (tx ?? ctx.database.db)
    .select()
    .from(datasources)
    .where(and(eq(datasources.org, ctx.org), eq(datasources.id, id)))
  const [row] = lock ? await q.for('update') : await q
  if (!row) throw new NotFoundError(NOT_FOUND)
  return row
}

/** Titles of the org's dashboards with a panel on the datasource `name`. */
async function dashboardsUsing(tx: Tx, org: string, name: string): Promise<string[]> {
  const rows = await tx
    .select({ id: dashboards.id, title: dashboards.title })
    .from(dashboards)
    .where(
      and(
        eq(dashboards.org, org),
        sql`jsonb_path_exists(${dashboards.definition}, '$.tabs[*].panels[*].query.datasource ? (@ == $n)', jsonb_build_object('n', ${name}::text))`,
      ),
    )
    .orderBy(asc(dashboards.title))
  return rows.map((r) => `${r.title} (${r.id})`)
}

function checkName(name: string): void {
  if (name === SAMPLE_NAME) throw new ConflictError(EXISTS)
}

function sealedUrl(ds: Datasources, input: DatasourceInput, id: string): string | null {
  if (input.kind !== 'postgres') return null
  if (input.url === undefined) {
    throw new ValidationError([
      { name: 'url', description: 'url is required for a postgres datasource' },
    ])
  }
  return ds.secrets.seal(input.url, id)
}

/** A new URL is checked before it is stored: a refused one is a field error on `url`. */
async function vetUrl(ds: Datasources, input: DatasourceInput): Promise<void> {
  if (input.kind !== 'postgres' || input.url === undefined) return
  try {
    await ds.vet(input.url)
  } catch (err) {
    const code = (err as { code?: string }).code
    let description: string
    if (err instanceof DatasourceRefusedError) description = err.message
    else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA') {
      const host = (err as { hostname?: string }).hostname ?? 'the host'
      description = `the host ${host} could not be resolved (${code}); check the name in the url`
    } else throw err
    throw new ValidationError([{ name: 'url', description }])
  }
}

export async function listDatasources(ctx: Ctx, ds: Datasources): Promise<Datasource[]> {
  requireOn(ctx, DATASOURCES_OBJECT, 'list', denied('list'))
  const rows = await ctx.database.db
    .select()
    .from(datasources)
    .where(eq(datasources.org, ctx.org))
    .orderBy(asc(datasources.name))
  return [builtinSample, ...rows.map((r) => shape(ds, r))]
}

export async function getDatasource(ctx: Ctx, ds: Datasources, id: string): Promise<Datasource> {
  requireOn(ctx, DATASOURCES_OBJECT, 'get', NOT_FOUND)
  if (id === SAMPLE_NAME) return builtinSample
  return shape(ds, await findRow(ctx, id))
}

export async function createDatasource(
  ctx: Ctx,
  ds: Datasources,
  input: DatasourceInput,
): Promise<string> {
  requireOn(ctx, DATASOURCES_OBJECT, 'create', denied('create'))
  requireManager(ctx, ds, 'create')
  checkName(input.name)
  await vetUrl(ds, input)
  const id = newId()
  const now = new Date(ctx.clock.now())
  try {
    await ctx.database.db.transaction(async (tx) => {
      await tx.insert(datasources).values({
        id,
        org: ctx.org,
        name: input.name,
        kind: input.kind,
        secret: sealedUrl(ds, input, id),
        options: input.options,
        createdBy: ctx.actor.email,
        createdAt: now,
        updatedAt: now,
      })
      await audit(ctx, 'datasource.create', `datasource:${id}`, { name: input.name }, tx)
    })
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError(EXISTS)
    throw err
  }
  return id
}

export async function updateDatasource(
  ctx: Ctx,
  ds: Datasources,
  id: string,
  input: DatasourceInput,
): Promise<void> {
  requireOn(ctx, DATASOURCES_OBJECT, 'update', NOT_FOUND)
  requireManager(ctx, ds, 'update')
  if (id === SAMPLE_NAME) throw new BadRequestError(BUILTIN)
  checkName(input.name)
  await vetUrl(ds, input)
  try {
    await ctx.database.db.transaction(async (tx) => {
      const before = await findRow(ctx, id, tx, true)
      if (before.name !== input.name) {
        const users = await dashboardsUsing(tx, ctx.org, before.name)
        if (users.length > 0) {
          throw new ConflictError(
            `Datasource is used by dashboards, so it cannot be renamed: ${users.join(', ')}`,
          )
        }
      }
      // Without a new URL a postgres datasource keeps its sealed one.
      const keep = input.kind === 'postgres' && input.url === undefined && before.secret
      await tx
        .update(datasources)
        .set({
          name: input.name,
          kind: input.kind,
          secret: keep ? before.secret : sealedUrl(ds, input, id),
          options: input.options,
          updatedAt: new Date(ctx.clock.now()),
        })
        .where(eq(datasources.id, id))
      await audit(ctx, 'datasource.update', `datasource:${id}`, { name: input.name }, tx)
    })
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError(EXISTS)
    throw err
  }
  await ds.evict(id)
}

export async function deleteDatasource(ctx: Ctx, ds: Datasources, id: string): Promise<void> {
  requireOn(ctx, DATASOURCES_OBJECT, 'delete', NOT_FOUND)
  requireManager(ctx, ds, 'delete')
  if (id === SAMPLE_NAME) throw new BadRequestError(BUILTIN)
  await ctx.database.db.transaction(async (tx) => {
    const row = await findRow(ctx, id, tx, true)
    const users = await dashboardsUsing(tx, ctx.org, row.name)
    if (users.length > 0) {
      throw new ConflictError(`Datasource is used by dashboards: ${users.join(', ')}`)
    }
    await tx.delete(datasources).where(eq(datasources.id, id))
    await audit(ctx, 'datasource.delete', `datasource:${id}`, { name: row.name }, tx)
  })
  await ds.evict(id)
}

/** Connects and runs `SELECT 1`, so an admin learns at once whether the URL works. */
export async function testDatasource(ctx: Ctx, ds: Datasources, id: string): Promise<void> {
  requireOn(ctx, DATASOURCES_OBJECT, 'get', NOT_FOUND)
  const name = id === SAMPLE_NAME ? SAMPLE_NAME : (await findRow(ctx, id)).name
  try {
    const conn = await ds.connect(ctx.org, name)
    await conn.readOnly({ timeoutMs: ds.limits.timeoutMs, timeZone: 'UTC' }, (q) => q('SELECT 1'))
  } catch (err) {
    if (err instanceof DatasourceRefusedError) throw new BadRequestError(err.message)
    throw new BadRequestError(`Datasource "${name}" is not reachable: ${(err as Error).message}`)
  }
}
