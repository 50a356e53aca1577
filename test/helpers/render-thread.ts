import { existsSync } from 'node:fs'
import type { RenderTask } from '../../src/render/pool.ts'
import render from '../../src/render/thread.ts'

/**
 * A render thread for tests, steered by the dashboard's title: `throw …` throws, `crash …` ends
 * the thread, `hog` allocates until the thread's heap limit stops it, `hold <file>` keeps the thread's CPU busy until that file exists (or 30 s), then
 * renders. Anything else renders as the real thread does.
 */
export default async function testRender(task: RenderTask): Promise<Uint8Array | undefined> {
  if (task.kind === 'render') {
    task.started.postMessage(0)
    const [verb, arg] = task.input.title.split(' ')
    if (verb === 'throw') throw new Error(`render exploded (${arg})`)
    if (verb === 'crash') process.exit(3)
    if (verb === 'hog') {
      // Keeps everything it allocates, as a render of a huge dashboard would.
      const kept: number[][] = []
      for (;;) kept.push(Array.from({ length: 1e5 }, (_, i) => i + kept.length))
    }
    if (verb === 'hold' && arg) {
      // Synchronous on purpose: a render on the API's thread would stop it answering.
      const until = Date.now() + 30_000
      while (!existsSync(arg) && Date.now() < until) {}
    }
  }
  return render(task)
}
