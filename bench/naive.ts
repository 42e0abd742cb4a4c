/**
 * The layout the action is compared with: one call per reviewed file, each
 * holding the static instructions and that file's diff alone, as a reviewer
 * that loops over files would send it. It goes to a fresh emulator warmed
 * like the action's, with the action's own request options (model, output
 * cap, response format, thinking), so only the layout differs.
 */
import { costOf } from '../src/cost/cost'
import { findPrice } from '../src/cost/prices'
import { parseFile } from '../src/diff/parse'
import { renderFile } from '../src/prompt/build'
import { INSTRUCTIONS } from '../src/prompt/instructions'
import { mixedFindings, scriptedReviewer } from '../test/e2e/reviewer'
import type { GitHubFile } from '../test/emulators/github'
import type { LlmEmulator, RecordedCall } from '../test/emulators/llm'
import { startEmulators, warmUp } from './emulators'
import type { Provider } from './fixtures'

export interface NaiveRun {
  readonly promptTokens: number
  readonly cachedTokens: number
  readonly outputTokens: number
  /** Null when the model has no known price. */
  readonly usd: number | null
  readonly modelCalls: number
}

export async function reviewNaively(
  files: readonly GitHubFile[],
  provider: Provider,
  requestOptions: Readonly<Record<string, unknown>>,
): Promise<NaiveRun> {
  // The same scripted model as the action's, so output tokens compare.
  const respond = scriptedReviewer((request) =>
    mixedFindings(files, request.prompt),
  )
  const emulators = await startEmulators(respond)
  try {
    await warmUp(emulators, provider)
    const llm = emulators.llm[provider]
    const firstCall = llm.calls.length

    for (const file of files) {
      const diff = parseFile(file)
      await sendChat(llm, {
        ...requestOptions,
        messages: [
          { role: 'system', content: INSTRUCTIONS },
          { role: 'user', content: renderFile(diff, diff.hunks) },
        ],
      })
    }
    return totals(llm.calls.slice(firstCall))
  } finally {
    await emulators.close()
  }
}

async function sendChat(
  llm: LlmEmulator,
  body: Record<string, unknown>,
): Promise<void> {
  const response = await fetch(`${llm.url}/chat/completions`, {
    method: 'POST',
    headers: {
      // The key the action uses: the same account, so the same cache.
      authorization: 'Bearer test-key',
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  })
  if (!response.ok) {
    throw new Error(
      `A naive-layout call was refused (${response.status}): ` +
        (await response.text()),
    )
  }
}

function totals(calls: readonly RecordedCall[]): NaiveRun {
  const costs = calls.map(callCost)
  return {
    promptTokens: sum(calls.map((call) => call.promptTokens)),
    cachedTokens: sum(calls.map((call) => call.cachedTokens)),
    outputTokens: sum(calls.map(completionTokens)),
    usd: costs.every((usd) => usd !== null) ? sum(costs) : null,
    modelCalls: calls.length,
  }
}

/** A call's dollars by the action's own price table and cost rule. */
function callCost(call: RecordedCall): number | null {
  const price = findPrice(String(call.body['model']))
  if (!price) return null
  const usage = {
    inputTokens: call.promptTokens,
    cachedInputTokens: call.cachedTokens,
    cacheWriteTokens: 0,
    outputTokens: completionTokens(call),
    reasoningTokens: 0,
  }
  return costOf(usage, price, new Date(call.at)).usd
}

function completionTokens(call: RecordedCall): number {
  return Number(call.usage?.['completion_tokens'] ?? 0)
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0)
}
