import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { timeLimit } from '../src/time-limit'

describe('timeLimit', () => {
  it('aborts with a TimeoutError after its time', async () => {
    const { signal } = timeLimit(20)
    await new Promise((done) => {
      signal.addEventListener('abort', done)
    })
    expect((signal.reason as Error).name).toBe('TimeoutError')
  })

  it('aborts with another signal, and lets go of it when done', () => {
    const run = new AbortController()
    const first = timeLimit(60_000, run.signal)
    const second = timeLimit(60_000, run.signal)
    second.done()
    run.abort(new Error('deadline'))
    expect(first.signal.aborted).toBe(true)
    expect((first.signal.reason as Error).message).toBe('deadline')
    expect(second.signal.aborted).toBe(false)
    first.done()
  })

  it('still fires when garbage is collected while it waits', () => {
    // AbortSignal.any over AbortSignal.timeout could lose the timer to the
    // collector on Node 20; this limit keeps its timer.
    const script = `
      import { timeLimit } from './src/time-limit.ts'
      const { signal } = timeLimit(300)
      const collect = setInterval(() => globalThis.gc(), 10)
      signal.addEventListener('abort', () => {
        clearInterval(collect)
        console.log('aborted: ' + signal.reason.name)
      })
      setTimeout(() => { console.log('still waiting'); process.exit(1) }, 5000).unref()
    `
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: resolve(import.meta.dirname, '..'), encoding: 'utf8' },
    )
    expect(child.stdout.trim(), child.stderr).toBe('aborted: TimeoutError')
  })
})
