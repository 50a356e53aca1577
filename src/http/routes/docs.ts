import { Hono } from 'hono'
import { html, raw } from 'hono/html'
import type { AppEnv } from '../env.ts'
import { openApiDocument } from '../openapi.ts'

const VERSION = '0.1.0'

type Doc = { paths: Record<string, Record<string, { summary: string; tags: string[] }>> }

/** A self-contained reference page (no CDN: Herald often runs without internet access). */
function page(doc: Doc) {
  const rows: string[] = []
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      rows.push(
        `<tr><td>${op.tags[0]}</td><td class="m ${method}">${method.toUpperCase()}</td><td><code>${path}</code></td><td>${op.summary}</td></tr>`,
      )
    }
  }
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Herald API</title>
<style>
body{font:14px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#1f2933}
table{border-collapse:collapse;width:100%}td{padding:4px 8px;border-bottom:1px solid #e4e7eb}
.m{font-weight:600}.get{color:#2f6f3e}.post{color:#1d4ed8}.put,.patch{color:#a16207}.delete{color:#b91c1c}
code{font-size:13px}
</style></head><body>
<h1>Herald API</h1>
<p>Authenticate with <code>Authorization: Basic</code> (email and password) or
<code>Authorization: Bearer &lt;token&gt;</code>. Errors are JSON:
<code>{"code","message","error","trace_id","fields"}</code>. The machine-readable description, with
request schemas, is <a href="/openapi.json">/openapi.json</a>.</p>
<table><tbody>${raw(rows.join('\n'))}</tbody></table>
</body></html>`
}

export const docRoutes = new Hono<AppEnv>()
  .get('/openapi.json', (c) => c.json(openApiDocument(VERSION)))
  .get('/docs', (c) => c.html(page(openApiDocument(VERSION) as Doc)))
