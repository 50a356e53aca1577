import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { missingNodeFlags, NODE_FLAGS } from '../../src/node-flags.ts'

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')

describe('the node flags Herald is started with', () => {
  it('are what npm start and npm run dev pass', () => {
    const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> }
    expect(scripts.start).toBe(`node ${NODE_FLAGS.join(' ')} --import tsx src/main.ts`)
    expect(scripts.dev).toBe(`tsx watch ${NODE_FLAGS.join(' ')} src/main.ts`)
  })

  it('are what the herald command (herald serve) passes', () => {
    expect(read('bin/herald.js').split('\n')[0]).toBe(
      `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`,
    )
  })

  it('collect garbage on one thread with a small young generation; a process without them is told', () => {
    expect(NODE_FLAGS).toEqual(['--single-threaded-gc', '--max-semi-space-size=4'])
    expect(missingNodeFlags(['--single-threaded-gc', '--import', 'tsx'])).toEqual([
      '--max-semi-space-size=4',
    ])
    expect(missingNodeFlags([...NODE_FLAGS, '--import', 'tsx'])).toEqual([])
  })
})
