import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { folderCycles, folderGraph, importSpecifiers } from '../../../scripts/folder-cycles.ts'

let root: string | undefined
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true })
  root = undefined
})

function tree(files: Record<string, string>): string {
  root = mkdtempSync(join(tmpdir(), 'herald-cycles-'))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return root
}

describe('folder cycle check', () => {
  it('finds two folders importing each other, through any file', () => {
    const dir = tree({
      'runs/worker.ts': "import { send } from '../delivery/send.ts'\n",
      'delivery/send.ts': "import type { RunRow } from '../runs/model.ts'\n",
      'runs/model.ts': 'export type RunRow = {}\n',
    })
    expect(folderCycles(folderGraph(dir))).toEqual([['delivery/', 'runs/']])
  })

  it('finds a loop through three folders and a top-level file', () => {
    const dir = tree({
      'a/x.ts': "import '../b/y.ts'\n",
      'b/y.ts': "export { c } from '../config.ts'\n",
      'config.ts': "const m = await import('./a/x.ts')\n",
    })
    expect(folderCycles(folderGraph(dir))).toEqual([['a/', 'b/', 'config.ts']])
  })

  it('allows one-way imports and cycles inside one folder', () => {
    const dir = tree({
      'runs/a.ts': "import { b } from './b.ts'\nimport { send } from '../delivery/send.ts'\n",
      'runs/b.ts': "import { a } from './a.ts'\n",
      'delivery/send.ts': "// import { x } from '../runs/a.ts'\nexport const send = 1\n",
    })
    expect(folderCycles(folderGraph(dir))).toEqual([])
  })

  it('reads static, type-only, re-export and dynamic imports but not comments', () => {
    const specs = importSpecifiers(
      [
        "import { a } from './a.ts'",
        "import type { B } from '../b.ts'",
        "export * from './c.ts'",
        "import './d.ts'",
        "const e = await import('./e.ts')",
        "/* import { f } from './f.ts' */",
        "// import { g } from './g.ts'",
      ].join('\n'),
    )
    expect(specs).toEqual(['./a.ts', '../b.ts', './c.ts', './d.ts', './e.ts'])
  })

  it('holds for src/: no folder of Herald imports one that imports it back', () => {
    expect(folderCycles(folderGraph(join(import.meta.dirname, '../../../src')))).toEqual([])
  })
})
