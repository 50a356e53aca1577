import { move } from 'piscina'
import { renderPdf } from './pdf.ts'
import { renderPng } from './png.ts'
import type { RenderTask } from './pool.ts'
import { warmInput } from './warm-input.ts'

/**
 * The body of one render thread (a piscina worker): chart specs → SVG → PNG or PDF. Importing
 * this module loads vega, pdfkit, resvg and the fonts once per thread.
 */
export default async function render(task: RenderTask): Promise<Uint8Array | undefined> {
  if (task.kind === 'warm') {
    await renderPdf(warmInput())
    await renderPng(warmInput())
    return undefined
  }
  // Starts the render's time limit (see RenderPool.render).
  task.started.postMessage(0)
  task.started.close()
  const bytes = task.format === 'pdf' ? await renderPdf(task.input) : await renderPng(task.input)
  // Only a buffer that owns its whole ArrayBuffer may be transferred: a small Buffer is a view
  // into a pool shared with the thread's other allocations.
  const own =
    bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? bytes
      : new Uint8Array(bytes)
  return move(own) as Uint8Array
}
