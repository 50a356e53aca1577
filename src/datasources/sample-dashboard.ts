import type { Panel } from '../render/types.ts'
import { sampleCountries } from './sample-data.ts'

/** A dashboard over the `sample` datasource, so a fresh install has something worth sending. */
export interface SampleDashboard {
  title: string
  description: string
  tabs: { tabId: string; name: string; panels: Panel[] }[]
  variables: {
    name: string
    type: 'custom'
    multiSelect: boolean
    value: string[]
    options: { label: string; value: string; selected: boolean }[]
  }[]
}

const countries = sampleCountries.map(([name]) => name)

// Every query filters on the report's time range and the selected countries.
const ORDERS_IN_RANGE = `FROM orders
WHERE created_at >= $__from AND created_at < $__to
  AND country = ANY(\${country})`

const q = (sql: string) => ({ datasource: 'sample', sql })

const panels: Panel[] = [
  {
    id: 'revenue',
    type: 'metric',
    title: 'Revenue',
    query: q(`SELECT coalesce(sum(amount), 0) AS revenue
${ORDERS_IN_RANGE}
  AND status = 'completed'`),
    layout: { x: 0, y: 0, w: 6, h: 4 },
    options: { unit: '$', decimals: 0 },
  },
  {
    id: 'orders-total',
    type: 'metric',
    title: 'Orders',
    query: q(`SELECT count(*) AS orders
${ORDERS_IN_RANGE}`),
    layout: { x: 6, y: 0, w: 6, h: 4 },
    options: {},
  },
  {
    id: 'about',
    type: 'text',
    title: 'About this report',
    layout: { x: 12, y: 0, w: 12, h: 4 },
    options: {
      text: [
        'Sales and growth for the selected countries over the report period.',
        '- **Revenue** counts completed orders only.',
        '- **Signups** are new accounts by plan; free accounts included.',
      ].join('\n'),
    },
  },
  {
    id: 'orders-per-day',
    type: 'line',
    title: 'Orders per day',
    query: q(`SELECT date_trunc('day', created_at) AS day, count(*) AS orders
${ORDERS_IN_RANGE}
GROUP BY 1
ORDER BY 1`),
    layout: { x: 0, y: 4, w: 12, h: 8 },
    options: {},
  },
  {
    id: 'signups-by-plan',
    type: 'area',
    title: 'Signups by plan',
    query: q(`SELECT date_trunc('day', created_at) AS day, plan, count(*) AS signups
FROM signups
WHERE created_at >= $__from AND created_at < $__to
  AND country = ANY(\${country})
GROUP BY 1, 2
ORDER BY 1, 2`),
    layout: { x: 12, y: 4, w: 12, h: 8 },
    options: { x: 'day', y: 'signups', series: 'plan' },
  },
  {
    id: 'revenue-by-country',
    type: 'bar',
    title: 'Revenue by country',
    query: q(`SELECT country, sum(amount) AS revenue
${ORDERS_IN_RANGE}
  AND status = 'completed'
GROUP BY 1
ORDER BY 2 DESC`),
    layout: { x: 0, y: 12, w: 8, h: 8 },
    options: { unit: '$', decimals: 0 },
  },
  {
    id: 'orders-by-status',
    type: 'pie',
    title: 'Orders by status',
    query: q(`SELECT status, count(*) AS orders
${ORDERS_IN_RANGE}
GROUP BY 1
ORDER BY 2 DESC`),
    layout: { x: 8, y: 12, w: 8, h: 8 },
    options: {},
  },
  {
    id: 'top-products',
    type: 'table',
    title: 'Top products',
    query: q(`SELECT product, count(*) AS orders, sum(amount) AS revenue
${ORDERS_IN_RANGE}
  AND status = 'completed'
GROUP BY 1
ORDER BY 3 DESC
LIMIT 20`),
    layout: { x: 16, y: 12, w: 8, h: 8 },
    options: { columns: { revenue: { unit: '$', decimals: 2 } } },
  },
]

export const sampleDashboard: SampleDashboard = {
  title: 'Sample sales',
  description: 'Orders, revenue and signups from the built-in sample datasource.',
  tabs: [{ tabId: 'default', name: 'Overview', panels }],
  variables: [
    {
      name: 'country',
      type: 'custom',
      multiSelect: true,
      value: [...countries],
      options: countries.map((c) => ({ label: c, value: c, selected: true })),
    },
  ],
}
