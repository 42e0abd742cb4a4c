/**
 * The emulators one measurement runs against, all on 127.0.0.1: GitHub and
 * one LLM emulator per provider, so a call that takes the wrong route shows
 * up on the other provider instead of vanishing.
 */
import { loadDemo } from '../demo/load'
import { runAction, type ActionRun, type RunOptions } from '../test/e2e/harness'
import {
  startGitHubEmulator,
  type GitHubEmulator,
} from '../test/emulators/github'
import {
  startLlmEmulator,
  type LlmEmulator,
  type Responder,
} from '../test/emulators/llm'
import type { Provider } from './fixtures'

export interface Emulators {
  readonly github: GitHubEmulator
  readonly llm: Readonly<Record<Provider, LlmEmulator>>
  /** The inputs that point the action at these emulators. */
  readonly inputs: Readonly<Record<string, string>>
  close(): Promise<void>
}

/** Starts the emulators; `respond` plays the model on both providers. */
export async function startEmulators(respond: Responder): Promise<Emulators> {
  const [github, deepseek, openai] = await Promise.all([
    startGitHubEmulator(),
    startLlmEmulator({ flavour: 'deepseek', respond }),
    startLlmEmulator({ flavour: 'openai', respond }),
  ])
  return {
    github,
    llm: { deepseek, openai },
    inputs: {
      'deepseek-api-key': 'test-key',
      'deepseek-base-url': deepseek.url,
      'openai-api-key': 'test-key',
      'openai-base-url': openai.url,
    },
    close: async () => {
      await Promise.all([github.close(), deepseek.close(), openai.close()])
    },
  }
}

/**
 * Reviews the demo pull request on `provider`, so that its cache holds the
 * static instructions before the measured review. They are byte-identical
 * in every run of every repository, so any account that has reviewed
 * anything before starts from there; only the very first run ever does not.
 */
export async function warmUp(
  emulators: Emulators,
  provider: Provider,
): Promise<void> {
  const demo = loadDemo()
  emulators.github.addPullRequest(demo.setup)
  await runChecked({
    event: demo.event,
    apiUrl: emulators.github.url,
    inputs: {
      ...emulators.inputs,
      // The demo repository is public.
      ...(provider === 'openai' ? { 'public-provider': 'openai' } : {}),
    },
  })
}

/** Runs the bundled action; a failed run makes every number meaningless. */
export async function runChecked(options: RunOptions): Promise<ActionRun> {
  const run = await runAction(options)
  if (run.exitCode !== 0) {
    const log = `${run.stdout}\n${run.stderr}`.trim().split('\n').slice(-15)
    throw new Error(
      `The action exited with ${run.exitCode} on ` +
        `${JSON.stringify(options.inputs)}:\n${log.join('\n')}`,
    )
  }
  return run
}
