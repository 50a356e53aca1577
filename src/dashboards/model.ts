import { z } from 'zod'
import { panelSqlProblem } from '../datasources/sql-guard.ts'
import { checkVariable, isFixedInstant, VALUE_TYPES, valueTypeOf } from './variables.ts'

export const PANEL_TYPES = ['line', 'area', 'bar', 'pie', 'table', 'metric', 'text'] as const

const nonNeg = z.number().int().min(0).max(1000)

export const panelSchema = z.object({
  id: z.string().trim().min(1).max(128),
  type: z.enum(PANEL_TYPES),
  title: z.string().max(512).default(''),
  query: z
    .object({
      datasource: z.string().trim().min(1).max(128),
      sql: z.string().trim().min(1).max(100_000),
    })
    .optional(),
  layout: z
    .object({
      x: nonNeg,
      y: nonNeg,
      w: z.number().int().min(1).max(48),
      h: z.number().int().min(1).max(100),
    })
    .default({ x: 0, y: 0, w: 12, h: 4 }),
  options: z.record(z.string(), z.unknown()).default({}),
})

export const tabSchema = z.object({
  tabId: z.string().trim().min(1).max(128),
  name: z.string().max(256).default(''),
  panels: z.array(panelSchema).max(200).default([]),
})

// Numbers and booleans are kept as their text; a typed variable parses them back.
const scalarText = z.union([
  z.string().max(10_000),
  z.union([z.number(), z.boolean()]).transform(String),
])
const variableText = z.union([scalarText, z.array(scalarText).max(1000)])

export const variableSchema = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'Variable names are letters, digits and _'),
  // `constant` and `custom` (OpenObserve's) are untyped strings; the rest are typed (variables.ts).
  type: z.enum(['constant', 'custom', ...VALUE_TYPES]).default('custom'),
  value: variableText.default(''),
  options: z.array(scalarText).max(1000).optional(),
  required: z.boolean().optional(),
  default: variableText.optional(),
  min: z.union([z.number(), z.string().max(100)]).optional(),
  max: z.union([z.number(), z.string().max(100)]).optional(),
  multi: z.boolean().optional(),
})

export const dashboardInputSchema = z
  .object({
    title: z.string().trim().min(1, 'Dashboard title is required').max(512),
    description: z
      .string()
      .max(10_000)
      .nullish()
      .transform((v) => v ?? ''),
    tabs: z.array(tabSchema).max(50).default([]),
    variables: z.array(variableSchema).max(100).default([]),
  })
  .superRefine((d, ctx) => {
    const variableNames = d.variables.map((v) => v.name)
    const tabIds = new Set<string>()
    d.tabs.forEach((t, i) => {
      if (tabIds.has(t.tabId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['tabs', i, 'tabId'],
          message: `Duplicate tab id ${t.tabId}`,
        })
      }
      tabIds.add(t.tabId)
      const panelIds = new Set<string>()
      t.panels.forEach((p, j) => {
        if (panelIds.has(p.id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['tabs', i, 'panels', j, 'id'],
            message: `Duplicate panel id ${p.id}`,
          })
        }
        panelIds.add(p.id)
        if (p.type !== 'text' && !p.query) {
          ctx.addIssue({
            code: 'custom',
            path: ['tabs', i, 'panels', j, 'query'],
            message: `A ${p.type} panel needs a query`,
          })
        }
        const problem = p.query && panelSqlProblem(p.query.sql, variableNames)
        if (problem) {
          ctx.addIssue({
            code: 'custom',
            path: ['tabs', i, 'panels', j, 'query', 'sql'],
            message: `Panel ${p.id}: ${problem}`,
          })
        }
      })
    })
    const names = new Set<string>()
    d.variables.forEach((v, i) => {
      if (names.has(v.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['variables', i, 'name'],
          message: `Duplicate variable ${v.name}`,
        })
      }
      names.add(v.name)
      // A typed variable's own value and default must be values of its type.
      for (const key of ['value', 'default'] as const) {
        const given = v[key]
        if (!valueTypeOf(v) || given === undefined || given === '') continue
        const decl = { ...v, required: false, default: undefined }
        if (v.type === 'date' || v.type === 'datetime') {
          // A phrase ("3 days ago") names another day at each run, so a bound is checked on save
          // only when it and the value are fixed dates; runs check the rest when they happen.
          const fixed = [given].flat().every(isFixedInstant)
          for (const edge of ['min', 'max'] as const) {
            const e = v[edge]
            if (!fixed || e === undefined || !isFixedInstant(String(e))) decl[edge] = undefined
          }
        }
        const r = checkVariable(decl, given, 'UTC', 0)
        if (!r.ok) {
          ctx.addIssue({ code: 'custom', path: ['variables', i, key], message: r.message })
        }
      }
    })
  })
  .transform((d) => ({
    ...d,
    // A dashboard always has at least one tab, so reports can address it as `default`.
    tabs: d.tabs.length > 0 ? d.tabs : [{ tabId: 'default', name: 'default', panels: [] }],
  }))

export type DashboardInput = z.infer<typeof dashboardInputSchema>
export type DashboardDefinition = Pick<DashboardInput, 'tabs' | 'variables'>
export type Panel = z.infer<typeof panelSchema>
export type Variable = z.infer<typeof variableSchema>

export interface Dashboard {
  dashboardId: string
  folderId: string
  title: string
  description: string
  tabs: DashboardInput['tabs']
  variables: Variable[]
  owner: string
  createdAt: string
  updatedAt: string
}
