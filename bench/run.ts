/**
 * `npm run bench -- <name> [flags]` runs one benchmark in a process of its own; with no name,
 * lists them; `all` runs every available one in turn. See bench/README.md.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))

const BENCHES: Record<string, { file: string; what: string }> = {
  burst: {
    file: 'burst.ts',
    what: 'reports due at one instant (--n, default 10,000), no-op runs: lateness vs graphile-worker',
  },
  steady: {
    file: 'steady.ts',
    what: 'scheduler cost per tick with 100,000 vs 10,000 reports; idle RSS',
  },
  api: { file: 'api.ts', what: 'GET one report / list 1,000 through Herald vs bare Hono' },
  email: { file: 'email.ts', what: '2,000 messages through the pooled SMTP transport' },
  render: { file: 'render.ts', what: '6-panel dashboard to PDF and PNG' },
  pipeline: {
    file: 'pipeline.ts',
    what: 'reports of the sample dashboard (PDF) due at once (--n, default 1,000), distinct and same inputs',
  },
  authz: { file: 'authz.ts', what: 'Casbin folder checks/s with 10,000 grants' },
}

const available = (name: string) => existsSync(path.join(here, BENCHES[name]!.file))

function list(): void {
  console.log('usage: npm run bench -- <name> [flags]   (flags: see bench/README.md)\n')
  for (const [name, b] of Object.entries(BENCHES)) {
    const note = available(name) ? '' : `  (not available: bench/${b.file} is missing)`
    console.log(`  ${name.padEnd(8)} ${b.what}${note}`)
  }
  console.log(`  ${'all'.padEnd(8)} every available one, in turn`)
}

/** Runs one bench; its exit status (0 when skipped). */
function run(name: string, args: string[]): number {
  const b = BENCHES[name]!
  if (!available(name)) {
    console.log(`SKIP ${name}: bench/${b.file} does not exist yet`)
    return 0
  }
  // The flags in the heading: a run with --n 100 must not read as one of the default size.
  console.error(`# ${[name, ...args].join(' ')}: ${b.what}`)
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, path.join(here, b.file), ...args],
    { stdio: 'inherit', timeout: 10 * 60_000 },
  )
  if (child.error) console.error(`${name}: ${child.error.message}`)
  return child.status ?? 1
}

const [name, ...args] = process.argv.slice(2)
if (!name || name === '--help' || name === '-h') {
  list()
} else if (name === 'all') {
  let failed = 0
  for (const n of Object.keys(BENCHES)) if (run(n, []) !== 0) failed++
  process.exitCode = failed ? 1 : 0
} else if (!(name in BENCHES)) {
  console.error(`unknown bench "${name}"\n`)
  list()
  process.exitCode = 2
} else {
  process.exitCode = run(name, args)
}
