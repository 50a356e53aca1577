import { existsSync } from 'node:fs'
import type { RenderTask } from '../../src/render/pool.ts'
import render from '../../src/render/thread.ts'

/**
 * A render thread for tests, steered by the dashboard's title: `throw …` throws, `crash …` ends
 * the thread, `hold <file>` keeps the thread's CPU busy until that file exists (or 30 s), then
 * renders. Anything else renders as the real thread does.
 */
export default async function testRender(task: RenderTask): Promise<Uint8Array | undefined> {
  if (task.kind === 'render') {
    task.started.postMessage(0)
    const [verb, arg] = task.input.title.split(' ')
    if (verb === 'throw') throw new Error(`render exploded (${arg})`)
    if (verb === 'crash') process.exit(3)
    if (verb === 'hold' && arg) {
      // Synchronous on purpose: a render on the API's thread would stop it answering.
      const until = Date.now() + 30_000
      while (!existsSync(arg) && Date.now() < until) {}
    }
  }
  return render(task)
}
