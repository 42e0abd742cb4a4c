/**
 * What every run pays before it reviews anything: starting the bundle, and
 * the bundle's size, which the runner downloads and Node parses.
 */
import { spawn } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { DIST, runAction } from '../test/e2e/harness'
import { median } from './stats'

export interface ColdStart {
  readonly medianMs: number
  readonly samplesMs: readonly number[]
  /** `node -e ''` on the same machine: the part no bundle can save. */
  readonly bareNodeMs: number
}

// A push is no pull request: the action reads its settings and the event,
// writes a one-line summary and exits, calling no API.
const PUSH_EVENT = {
  ref: 'refs/heads/main',
  repository: {
    full_name: 'octo-org/app',
    private: false,
    visibility: 'public',
  },
}
// Never contacted: a push run calls no API.
const UNUSED_API = 'http://127.0.0.1:9'

export async function measureColdStart(runs = 10): Promise<ColdStart> {
  const samplesMs: number[] = []
  for (let index = 0; index < runs; index++) {
    const run = await runAction({
      event: PUSH_EVENT,
      eventName: 'push',
      inputs: {},
      apiUrl: UNUSED_API,
    })
    if (run.exitCode !== 0) {
      throw new Error(`The action failed on a push event:\n${run.stdout}`)
    }
    samplesMs.push(run.durationMs)
  }

  const bare: number[] = []
  for (let index = 0; index < runs; index++) bare.push(await bareNode())
  return { medianMs: median(samplesMs), samplesMs, bareNodeMs: median(bare) }
}

function bareNode(): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
    child.on('error', reject)
    child.on('close', () => {
      resolve(performance.now() - started)
    })
  })
}

/** Bytes of every file under dist/. */
export function bundleBytes(dir = dirname(DIST)): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce(
      (sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size,
      0,
    )
}
