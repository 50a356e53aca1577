import { describe, expect, it } from 'vitest'
import '../../../src/app.ts'
import { openApiDocument } from '../../../src/http/openapi.ts'

// biome-ignore lint/suspicious/noExplicitAny: the document is inspected as plain JSON
const doc = openApiDocument('test') as any

describe('OpenAPI for the seed contracts', () => {
  it('documents seed 000 run with its error shape', () => {
    const op = doc.paths['/api/v1/{org}/reports/{id}/run'].post
    expect(Object.keys(op.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '404']),
    )
    expect(op.responses.default.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/Seed000Error',
    )
    expect(doc.components.schemas.Seed000Error.required).toEqual(['error'])
    expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['org', 'id', 'panel', 'all']),
    )
  })

  it('report_type and the render format list json and json_bulk', () => {
    const render = doc.paths['/api/v2/{org}/dashboards/{id}/render'].post
    const format = render.parameters.find((p: { name: string }) => p.name === 'format')
    expect(format.schema.enum).toEqual(expect.arrayContaining(['json', 'json_bulk']))
    const create = doc.paths['/api/v2/{org}/reports'].post
    expect(JSON.stringify(create.requestBody)).toContain('"json_bulk"')
  })
})
