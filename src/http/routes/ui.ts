import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Hono } from 'hono'
import type { AppEnv } from '../env.ts'

/**
 * The web UI (ADR 0007): static ES modules from `ui/`, and Preact + htm straight from
 * node_modules, so nothing is built, nothing comes from a CDN and the page is a client of the
 * public API only.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const UI_DIR = path.join(ROOT, 'ui')
const NODE_MODULES = path.join(ROOT, 'node_modules')

/** The browser's module names (see the import map in ui/index.html) → files in node_modules. */
const VENDOR: Record<string, string> = {
  'preact.mjs': 'preact/dist/preact.module.js',
  'hooks.mjs': 'preact/hooks/dist/hooks.module.js',
  'htm.mjs': 'htm/dist/htm.module.js',
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
}

// Only names made of these parts: no `..`, no hidden files, no other directories than ui/'s.
const SAFE_PATH = /^(?:[a-z0-9-]+\/)*[a-z0-9-]+\.(?:html|js|css|svg)$/

async function serveFile(file: string, type: string): Promise<Response | undefined> {
  try {
    const body = await readFile(file)
    return new Response(body, {
      headers: {
        'content-type': type,
        // Revalidated on every load: a new Herald must never run yesterday's script.
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
      },
    })
  } catch {
    return undefined
  }
}

export const uiRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const res = await serveFile(path.join(UI_DIR, 'index.html'), TYPES['.html']!)
    return res ?? c.text('The web UI files (ui/) are missing', 500)
  })
  .get('/ui/vendor/:file', async (c, next) => {
    const rel = VENDOR[c.req.param('file')]
    if (!rel) return next()
    return (await serveFile(path.join(NODE_MODULES, rel), TYPES['.js']!)) ?? next()
  })
  .get('/ui/*', async (c, next) => {
    const rel = c.req.path.slice('/ui/'.length)
    if (!SAFE_PATH.test(rel)) return next()
    const type = TYPES[path.extname(rel)]!
    return (await serveFile(path.join(UI_DIR, rel), type)) ?? next()
  })
