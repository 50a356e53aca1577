/** A relative period that is not `<n><unit>`. */
export class PeriodError extends Error {
  override name = 'PeriodError'
}

export const ACCEPTED_PHRASES =
  'now; today, yesterday, tomorrow (start of day), optionally followed by HH:MM ' +
  '("yesterday 18:30"); "<n> <unit> ago" or "in <n> <unit>" with unit minute, hour, day, week, ' +
  'month or year, plural allowed, or m h d w M y ("3d ago"); "start of", "beginning of" or ' +
  '"end of" followed by day, today, yesterday, tomorrow, week, this week, last week, next week, ' +
  'month, this month, last month, next month, year, this year, last year or next year; ' +
  'an ISO 8601 date (2026-03-01), local date-time (2026-03-01T09:00) or date-time with offset ' +
  '(2026-03-01T09:00:00Z, 2026-03-01T09:00:00+05:30); an integer is epoch microseconds'

/** A time phrase outside the grammar; the message lists every accepted form. */
export class PhraseError extends Error {
  override name = 'PhraseError'

  constructor(readonly phrase: string) {
    super(`Unrecognised time "${phrase}". Accepted forms: ${ACCEPTED_PHRASES}`)
  }
}
