export { ACCEPTED_PHRASES, PeriodError, PhraseError } from './errors.ts'
export type { Period, PeriodUnit, TimeRange } from './period.ts'
export { parsePeriod, resolveRange } from './period.ts'
export { resolvePhrase } from './phrase.ts'
