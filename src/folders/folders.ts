import { and, asc, count, eq } from 'drizzle-orm'
import { audit } from '../audit/audit.ts'
import { folderObject, requireAdmin } from '../authz/require.ts'
import { removeFolderGrants } from '../authz/roles.ts'
import type { Ctx } from '../context.ts'
import { dashboards, folders, reports } from '../db/schema/index.ts'
import { BadRequestError, ConflictError, NotFoundError, ValidationError } from '../errors.ts'
import { newId } from '../lib/ids.ts'
import { isUniqueViolation } from '../lib/sqlstate.ts'

export type FolderType = 'reports' | 'dashboards'

export interface Folder {
  folderId: string
  name: string
  description: string
}

const DEFAULT = 'default'
const DUPLICATE = 'Folder with this name already exists in this organization'
const NOT_FOUND = 'Folder not found'

/** A folder the actor may not list does not exist for them. */
function visible(ctx: Ctx, type: FolderType, id: string): boolean {
  return ctx.guard.can(folderObject(type, id), 'list')
}

/**
 * Changing folders is for admins. The 404 comes first so a folder the actor may not list stays
 * indistinguishable from an absent one.
 */
function requireFolderAdmin(ctx: Ctx, type: FolderType, id: string, action: 'update' | 'delete') {
  if (!visible(ctx, type, id)) throw new NotFoundError(NOT_FOUND)
  requireAdmin(ctx, action, `${action} folders`)
}

function shape(row: { id: string; name: string; description: string }): Folder {
  return { folderId: row.id, name: row.name, description: row.description }
}

function cleanName(name: string): string {
  const trimmed = name.trim()
  if (!trimmed)
    throw new ValidationError([{ name: 'name', description: 'Folder name cannot be empty' }])
  if (trimmed.length > 256) {
    throw new ValidationError([
      { name: 'name', description: 'Folder name is longer than 256 characters' },
    ])
  }
  return trimmed
}

export async function listFolders(ctx: Ctx, type: FolderType): Promise<Folder[]> {
  const rows = await ctx.database.db
    .select()
    .from(folders)
    .where(and(eq(folders.org, ctx.org), eq(folders.type, type)))
    .orderBy(asc(folders.createdAt), asc(folders.id))
  // `default` first, as OpenObserve's UI pins it.
  return rows
    .filter((r) => visible(ctx, type, r.id))
    .map(shape)
    .sort((a, b) => Number(b.folderId === DEFAULT) - Number(a.folderId === DEFAULT))
}

export async function getFolder(ctx: Ctx, type: FolderType, id: string): Promise<Folder> {
  const [row] = await ctx.database.db
    .select()
    .from(folders)
    .where(and(eq(folders.org, ctx.org), eq(folders.type, type), eq(folders.id, id)))
  if (!row || !visible(ctx, type, row.id)) throw new NotFoundError(NOT_FOUND)
  return shape(row)
}

export async function getFolderByName(ctx: Ctx, type: FolderType, name: string): Promise<Folder> {
  const [row] = await ctx.database.db
    .select()
    .from(folders)
    .where(and(eq(folders.org, ctx.org), eq(folders.type, type), eq(folders.name, name)))
  if (!row || !visible(ctx, type, row.id)) throw new NotFoundError(NOT_FOUND)
  return shape(row)
}

export async function folderExists(ctx: Ctx, type: FolderType, id: string): Promise<boolean> {
  const rows = await ctx.database.db
    .select({ id: folders.id })
    .from(folders)
    .where(and(eq(folders.org, ctx.org), eq(folders.type, type), eq(folders.id, id)))
  return rows.length > 0
}

export async function createFolder(
  ctx: Ctx,
  type: FolderType,
  input: { name: string; description: string },
): Promise<Folder> {
  requireAdmin(ctx, 'create', 'create folders')
  const name = cleanName(input.name)
  const row = { org: ctx.org, type, id: newId(), name, description: input.description ?? '' }
  try {
    await ctx.database.db.transaction(async (tx) => {
      await tx.insert(folders).values(row)
      await audit(ctx, 'folder.create', `${type}:${row.id}`, { name }, tx)
    })
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError(DUPLICATE)
    throw err
  }
  return shape(row)
}

export async function updateFolder(
  ctx: Ctx,
  type: FolderType,
  id: string,
  input: { name: string; description: string },
): Promise<void> {
  requireFolderAdmin(ctx, type, id, 'update')
  if (id === DEFAULT) throw new BadRequestError("Can't update default folder")
  const name = cleanName(input.name)
  try {
    await ctx.database.db.transaction(async (tx) => {
      const updated = await tx
        .update(folders)
        .set({ name, description: input.description ?? '' })
        .where(and(eq(folders.org, ctx.org), eq(folders.type, type), eq(folders.id, id)))
        .returning({ id: folders.id })
      if (updated.length === 0) throw new NotFoundError(NOT_FOUND)
      await audit(ctx, 'folder.update', `${type}:${id}`, { name }, tx)
    })
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError(DUPLICATE)
    throw err
  }
}

export async function deleteFolder(ctx: Ctx, type: FolderType, id: string): Promise<void> {
  requireFolderAdmin(ctx, type, id, 'delete')
  if (id === DEFAULT) throw new BadRequestError("Can't delete default folder")
  const grantsRemoved = await ctx.database.db.transaction(async (tx) => {
    // Lock the folder so a report saved into it concurrently either lands first (and we refuse)
    // or fails its foreign key after we delete.
    const [found] = await tx
      .select({ id: folders.id })
      .from(folders)
      .where(and(eq(folders.org, ctx.org), eq(folders.type, type), eq(folders.id, id)))
      .for('update')
    if (!found) throw new NotFoundError(NOT_FOUND)
    const table = type === 'reports' ? reports : dashboards
    const [used] = await tx
      .select({ n: count() })
      .from(table)
      .where(and(eq(table.org, ctx.org), eq(table.folderId, id)))
    if ((used?.n ?? 0) > 0) {
      throw new ConflictError(`Folder contains ${type}, please move/delete ${type} from folder`)
    }
    await tx
      .delete(folders)
      .where(and(eq(folders.org, ctx.org), eq(folders.type, type), eq(folders.id, id)))
    await audit(ctx, 'folder.delete', `${type}:${id}`, {}, tx)
    // Grants naming the folder would otherwise outlive it.
    return removeFolderGrants(ctx, tx, folderObject(type, id))
  })
  if (grantsRemoved) await ctx.onPolicyChanged?.()
}
