/**
 * Runs the bundled action as a runner does: a fresh Node process on
 * dist/index.js, the event in a file, inputs as INPUT_* variables, and the
 * step summary and outputs written to files this harness reads back.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const DIST = resolve(import.meta.dirname, '../../dist/index.js')

export interface ActionRun {
  readonly exitCode: number | null
  readonly stdout: string
  readonly stderr: string
  readonly outputs: Record<string, string>
  readonly summary: string
  readonly durationMs: number
}

export interface RunOptions {
  readonly event: unknown
  readonly eventName?: string
  /** Input names as in action.yml, e.g. `deepseek-api-key`. */
  readonly inputs: Record<string, string>
  /** GITHUB_API_URL, e.g. a GitHub emulator's URL. */
  readonly apiUrl: string
  readonly env?: Record<string, string>
  /** The Node binary; defaults to the one running the tests. */
  readonly node?: string
  readonly timeoutMs?: number
}

// The defaults a runner applies from action.yml before the step starts.
const ACTION_DEFAULTS: Record<string, string> = {
  'github-token': 'ghs_e2e_token',
}

export async function runAction(options: RunOptions): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'car-e2e-'))
  try {
    const eventPath = join(dir, 'event.json')
    const summaryPath = join(dir, 'summary.md')
    const outputPath = join(dir, 'output.txt')
    writeFileSync(eventPath, JSON.stringify(options.event))
    writeFileSync(summaryPath, '')
    writeFileSync(outputPath, '')

    const inputs = { ...ACTION_DEFAULTS, ...options.inputs }
    const env: Record<string, string> = {
      // Only what a runner sets: nothing from the developer's environment,
      // such as OPENAI_API_KEY, can leak into the run.
      PATH: process.env.PATH ?? '',
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: options.eventName ?? 'pull_request',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_STEP_SUMMARY: summaryPath,
      GITHUB_OUTPUT: outputPath,
      GITHUB_API_URL: options.apiUrl,
      GITHUB_SERVER_URL: 'https://github.com',
      RUNNER_TEMP: dir,
      ...Object.fromEntries(
        Object.entries(inputs).map(([name, value]) => [
          `INPUT_${name.toUpperCase()}`,
          value,
        ]),
      ),
      ...options.env,
    }

    const started = Date.now()
    const { code, stdout, stderr } = await spawnNode(
      options.node ?? process.execPath,
      env,
      options.timeoutMs ?? 60_000,
    )
    return {
      exitCode: code,
      stdout,
      stderr,
      outputs: parseOutputs(readFileSync(outputPath, 'utf8')),
      summary: readFileSync(summaryPath, 'utf8'),
      durationMs: Date.now() - started,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function spawnNode(
  node: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    // Asynchronous on purpose: the emulators answer from this process.
    const child = spawn(node, [DIST], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolvePromise({ code, stdout, stderr })
    })
  })
}

/** Reads the GITHUB_OUTPUT file format: `name<<DELIMITER`, value, DELIMITER. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let index = 0; index < lines.length; index++) {
    const match = /^([^=<]+)<<(.+)$/.exec(lines[index] ?? '')
    if (!match) continue
    const [, name, delimiter] = match
    const value: string[] = []
    while (++index < lines.length && lines[index] !== delimiter) {
      value.push(lines[index] ?? '')
    }
    outputs[name!] = value.join('\n')
  }
  return outputs
}
