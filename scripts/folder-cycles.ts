/**
 * Fails when two folders of src/ import each other, directly or around a loop. A folder cycle
 * means neither side can be understood, tested or moved alone; file-level cycles inside one
 * folder are that folder's business and are not reported.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'

export type FolderGraph = Map<string, Map<string, string[]>>

function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path))
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(path)
  }
  return out
}

/**
 * Relative module specifiers of static imports, re-exports and dynamic imports, type-only ones
 * included (a type import is still a dependency of the design). Comments are dropped first so a
 * commented-out import does not count.
 */
export function importSpecifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  const specs: string[] = []
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm
  for (const m of code.matchAll(pattern)) specs.push(m[1] as string)
  return specs
}

/**
 * The node a file belongs to: its first folder under src/. A top-level file is a node of its
 * own, because src/ holds both the shared base (config.ts, errors.ts, clock.ts) and the
 * composition roots (app.ts, server.ts) that import every folder; lumping them together would
 * make one loop of everything.
 */
function folderOf(root: string, file: string): string {
  const parts = relative(root, file).split(sep)
  return parts.length > 1 ? `${parts[0]}/` : (parts[0] as string)
}

/** folder → imported folder → the files (importer -> imported) that make the edge. */
export function folderGraph(root: string): FolderGraph {
  const graph: FolderGraph = new Map()
  for (const file of sourceFiles(root)) {
    const from = folderOf(root, file)
    if (!graph.has(from)) graph.set(from, new Map())
    for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'))
      if (!target.startsWith(root + sep)) continue
      const to = folderOf(root, target)
      if (to === from) continue
      const edges = graph.get(from) as Map<string, string[]>
      const why = `${relative(root, file)} -> ${relative(root, target)}`
      edges.set(to, [...(edges.get(to) ?? []), why])
    }
  }
  return graph
}

/** Strongly connected groups of more than one folder (Tarjan). */
export function folderCycles(graph: FolderGraph): string[][] {
  let index = 0
  const stack: string[] = []
  const onStack = new Set<string>()
  const idx = new Map<string, number>()
  const low = new Map<string, number>()
  const groups: string[][] = []
  const visit = (v: string): void => {
    idx.set(v, index)
    low.set(v, index)
    index++
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!idx.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number))
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, idx.get(w) as number))
      }
    }
    if (low.get(v) === idx.get(v)) {
      const group: string[] = []
      let w: string
      do {
        w = stack.pop() as string
        onStack.delete(w)
        group.push(w)
      } while (w !== v)
      if (group.length > 1) groups.push(group.sort())
    }
  }
  for (const v of graph.keys()) if (!idx.has(v)) visit(v)
  return groups
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const root = resolve(process.argv[2] ?? 'src')
  const graph = folderGraph(root)
  const cycles = folderCycles(graph)
  if (cycles.length === 0) {
    console.log(`folder-cycles: no cycles between the ${graph.size} folders of ${relative(process.cwd(), root) || '.'}`)
  } else {
    for (const group of cycles) {
      console.error(`folder cycle: ${group.join(' <-> ')}`)
      const members = new Set(group)
      for (const from of group) {
        for (const [to, why] of graph.get(from) ?? []) {
          if (members.has(to)) for (const w of why) console.error(`  ${w}`)
        }
      }
    }
    process.exit(1)
  }
}
