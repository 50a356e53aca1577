/** The permission vocabulary of DESIGN §7. */
export const ACTIONS = ['list', 'get', 'create', 'update', 'delete', 'trigger'] as const
export type Action = (typeof ACTIONS)[number]

export const reportFolder = (id: string) => `rfolder:${id}`
export const dashboardFolder = (id: string) => `dfolder:${id}`
export const ORG_OBJECT = 'org'
export const DATASOURCES_OBJECT = 'datasources'

/**
 * Answers "may the actor do this to that object" for one request. Synchronous so lists can be
 * filtered row by row without awaiting.
 */
export interface Guard {
  can(object: string, action: Action): boolean
}

export const allowAll: Guard = { can: () => true }
