import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/**
 * The module a render thread loads. A .js module is loaded as it is. A .ts one (Herald runs from
 * source, under tsx or vitest) is bundled to one ESM file first: on Node 20 a worker thread gets
 * none of tsx's loader hooks (neither inherited nor through `execArgv`), so it cannot import
 * TypeScript itself. Packages stay external and are imported by Node as usual, which is why the
 * file is written under the project's node_modules/.cache (bare imports resolve from there). Its
 * name is the hash of its content: processes starting at once write the same file, atomically.
 */
export async function threadModule(entry: URL): Promise<URL> {
  if (!entry.pathname.endsWith('.ts')) return entry
  const { build } = await import('esbuild')
  const source = fileURLToPath(entry)
  const out = await build({
    entryPoints: [source],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
  })
  const code = out.outputFiles[0]!.contents
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16)
  const dir = path.join(nodeModulesOf(source), '.cache', 'herald')
  const file = path.join(dir, `${path.basename(source, '.ts')}-${hash}.mjs`)
  if (!sameContent(file, code)) {
    mkdirSync(dir, { recursive: true })
    const tmp = `${file}.${process.pid}.tmp`
    writeFileSync(tmp, code)
    renameSync(tmp, file)
  }
  return pathToFileURL(file)
}

function sameContent(file: string, code: Uint8Array): boolean {
  try {
    return readFileSync(file).equals(code)
  } catch {
    return false
  }
}

/** The node_modules directory the entry's own imports resolve from. */
function nodeModulesOf(source: string): string {
  const resolved = createRequire(source).resolve('piscina')
  return resolved.slice(0, resolved.lastIndexOf(`${path.sep}node_modules${path.sep}`) + 13)
}
