/**
 * Flags for the Node process that runs Herald: `npm start`, `npm run dev`, `herald serve`, and
 * every bench or test that starts a real Herald. They go on the command line (package.json,
 * bin/herald.js) because V8 reads them when it sets up a heap; test/unit/node-flags.test.ts keeps
 * those places and this list the same.
 *
 * `--single-threaded-gc`: by default V8 collects garbage with helper threads (parallel scavenges,
 * concurrent marking and sweeping), which pays off when cores are idle. Under a burst they are
 * not: every core renders, and the helpers compete with the renders whose garbage they collect.
 * Without them the pipeline bench's distinct burst used ~25 % less CPU per run and drained 22–36 %
 * sooner, and a lone preview took as long (bench/README.md, "Garbage collection on one thread").
 *
 * `--max-semi-space-size=4`: the event loop's young generation, 4 MB per semi-space instead of
 * up to 16. Under a burst it carries every PDF and every database reply, and left at the default
 * it grows to its ceiling and stays there; at 4 MB the 300-report pipeline burst peaked 25–75 MB
 * lower for ~4 % more drain time. The render and sample threads set their own (render/pool.ts,
 * datasources/sample.ts).
 */
export const NODE_FLAGS: readonly string[] = ['--single-threaded-gc', '--max-semi-space-size=4']

/** The flags this process was not started with (a hand-rolled `node src/main.ts`). */
export function missingNodeFlags(execArgv: readonly string[] = process.execArgv): string[] {
  return NODE_FLAGS.filter((f) => !execArgv.includes(f))
}
