export * from './content.ts'
export * from './orgs.ts'
export * from './runs.ts'
export * from './system.ts'
