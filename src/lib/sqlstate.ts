/** Recognises PostgreSQL errors by SQLSTATE, whichever driver raised them. */
function sqlState(err: unknown): { code?: string; constraint?: string } {
  let e = err as { code?: string; constraint?: string; constraint_name?: string; cause?: unknown }
  // drizzle wraps driver errors; the SQLSTATE lives on the cause.
  for (let i = 0; i < 3 && e && typeof e.code !== 'string'; i++) e = e.cause as typeof e
  if (!e) return {}
  return { code: e.code, constraint: e.constraint ?? e.constraint_name }
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const s = sqlState(err)
  return s.code === '23505' && (!constraint || s.constraint === constraint)
}

export function isForeignKeyViolation(err: unknown, constraint?: string): boolean {
  const s = sqlState(err)
  return s.code === '23503' && (!constraint || s.constraint === constraint)
}

/**
 * SQLSTATE class 22 (data exception): a value PostgreSQL cannot store or compare, such as a NUL
 * character in text or an out-of-range number. Always the caller's input, never our bug.
 */
export function isDataException(err: unknown): boolean {
  return sqlState(err).code?.startsWith('22') ?? false
}
