#!/usr/bin/env -S node --single-threaded-gc --max-semi-space-size=4
// Runs the TypeScript CLI through tsx, so `npx herald` works in a checkout with no build step.
import { register } from 'tsx/esm/api'

register()
const { run } = await import('../src/cli.ts')
process.exitCode = await run(process.argv.slice(2))
