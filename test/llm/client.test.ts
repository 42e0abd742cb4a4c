import { afterEach, describe, expect, it } from 'vitest'
import { createModelClient, type ModelEndpoint } from '../../src/llm/client'
import { askedWaitMs, resetHintMs } from '../../src/llm/retry'
import type { PromptCall } from '../../src/prompt/build'
import {
  startLlmEmulator,
  type LlmEmulator,
  type LlmEmulatorOptions,
} from '../emulators/llm'
import { stringContaining } from '../matchers'

const reply = JSON.stringify({
  summary: 'One problem.',
  comments: [
    { path: 'a.ts', line: 3, side: 'RIGHT', severity: 'major', body: 'Bug.' },
  ],
})
const call: PromptCall = {
  messages: [
    {
      role: 'system',
      content: 'Review the diff and reply with a JSON object.',
    },
    { role: 'user', content: '<diff>\nFILE: a.ts\n3+bug()\n</diff>' },
  ],
  paths: ['a.ts'],
  estimatedTokens: 40,
}

const servers: LlmEmulator[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function emulator(
  options: Partial<LlmEmulatorOptions> & Pick<LlmEmulatorOptions, 'flavour'>,
) {
  const server = await startLlmEmulator({
    respond: () => ({ content: reply }),
    ...options,
  })
  servers.push(server)
  return server
}

function client(
  endpoint: Partial<ModelEndpoint> &
    Pick<ModelEndpoint, 'provider' | 'baseUrl' | 'model'>,
) {
  return createModelClient(
    {
      apiKey: 'test-key',
      keyInput: 'deepseek-api-key',
      modelInput: 'deepseek-model',
      ...endpoint,
    },
    { timeoutMs: 5_000, maxRetries: 0, promptCacheKey: 'car-test' },
  )
}

describe('model calls per provider', () => {
  it('asks DeepSeek for JSON mode with max_tokens and thinking disabled', async () => {
    const server = await emulator({ flavour: 'deepseek' })
    const result = await client({
      provider: 'deepseek',
      baseUrl: server.url,
      model: 'deepseek-flash',
    }).review(call)
    expect(result.error).toBeUndefined()
    expect(result.reply?.findings).toHaveLength(1)
    const body = server.calls[0]!.body
    expect(body).toMatchObject({
      max_tokens: 8192,
      response_format: { type: 'json_object' },
      thinking: { type: 'disabled' },
      temperature: 0,
    })
    expect(body).not.toHaveProperty('prompt_cache_key')
    expect(result.usage.reasoningTokens).toBe(0)
  })

  it('asks GPT-5 with max_completion_tokens, a strict schema and no temperature', async () => {
    const server = await emulator({ flavour: 'openai' })
    const result = await client({
      provider: 'openai',
      baseUrl: server.url,
      model: 'gpt-5',
    }).review(call)
    expect(result.error).toBeUndefined()
    const body = server.calls[0]!.body
    expect(body).toMatchObject({
      max_completion_tokens: 16384,
      reasoning_effort: 'low',
      prompt_cache_key: 'car-test',
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'review', strict: true },
      },
    })
    expect(body).not.toHaveProperty('max_tokens')
    expect(body).not.toHaveProperty('temperature')
  })

  it("reads cached tokens from each provider's usage shape", async () => {
    const long = {
      ...call,
      messages: [
        { role: 'system' as const, content: 'json '.repeat(1500) },
        call.messages[1]!,
      ],
    }
    for (const [flavour, provider, model] of [
      ['deepseek', 'deepseek', 'deepseek-flash'],
      ['openai', 'openai', 'gpt-5'],
    ] as const) {
      const server = await emulator({ flavour })
      const reviewer = client({ provider, baseUrl: server.url, model })
      await reviewer.review(long)
      const second = await reviewer.review(long)
      expect(second.usage.cachedInputTokens).toBe(server.calls[1]!.cachedTokens)
      expect(second.usage.cachedInputTokens).toBeGreaterThan(1000)
      expect(second.usage.inputTokens).toBe(server.calls[1]!.promptTokens)
    }
  })

  it('calls a self-hosted server without a key and without an Authorization header', async () => {
    const server = await emulator({
      flavour: 'self-hosted',
      apiKey: null,
      reportCachedTokens: true,
    })
    const reviewer = createModelClient(
      {
        provider: 'self-hosted',
        baseUrl: server.url,
        model: 'qwen3-coder',
        modelInput: 'self-hosted-model',
      },
      { timeoutMs: 5_000, maxRetries: 0 },
    )
    const result = await reviewer.review(call)
    expect(result.error).toBeUndefined()
    expect(server.calls[0]!.headers.authorization).toBeUndefined()
  })

  it('falls back from json_schema to JSON mode once, and remembers it', async () => {
    const server = await emulator({
      flavour: 'self-hosted',
      apiKey: null,
      rejectJsonSchema: true,
    })
    const reviewer = client({
      provider: 'self-hosted',
      baseUrl: server.url,
      model: 'qwen3-coder',
    })
    expect((await reviewer.review(call)).error).toBeUndefined()
    expect((await reviewer.review(call)).error).toBeUndefined()
    expect(
      server.calls.map(
        (c) => (c.body.response_format as { type: string }).type,
      ),
    ).toEqual(['json_schema', 'json_object', 'json_object'])
  })

  it('renames max_tokens and drops temperature when a reasoning model refuses them', async () => {
    // A self-hosted gateway in front of GPT-5: the provider rules send
    // max_tokens and a temperature, which the model rejects (case 21).
    const server = await emulator({ flavour: 'openai' })
    const reviewer = client({
      provider: 'self-hosted',
      baseUrl: server.url,
      model: 'gpt-5',
    })
    expect((await reviewer.review(call)).error).toBeUndefined()
    const last = server.calls.at(-1)!.body
    expect(last).toHaveProperty('max_completion_tokens', 8192)
    expect(last).not.toHaveProperty('max_tokens')
    expect(last).not.toHaveProperty('temperature')
  })

  it('recovers a fenced reply', async () => {
    const server = await emulator({
      flavour: 'deepseek',
      respond: () => ({ content: '```json\n' + reply + '\n```' }),
    })
    const result = await client({
      provider: 'deepseek',
      baseUrl: server.url,
      model: 'deepseek-flash',
    }).review(call)
    expect(result.reply?.findings).toHaveLength(1)
  })

  it('reports truncated output as truncation, with its usage', async () => {
    const server = await emulator({ flavour: 'deepseek' })
    server.inject({
      reply: {
        content: '{"summary": "cut',
        finishReason: 'length',
        completionTokens: 8192,
      },
    })
    const result = await client({
      provider: 'deepseek',
      baseUrl: server.url,
      model: 'deepseek-flash',
    }).review(call)
    expect(result.error).toEqual({
      message: 'model output truncated at max_tokens=8192 (0 reasoning tokens)',
      fatal: false,
      kind: 'truncated',
    })
    expect(result.usage.outputTokens).toBe(8192)
  })

  it('names the key input on 401 and the model input on an unknown model', async () => {
    const server = await emulator({ flavour: 'deepseek' })
    const badKey = await client({
      provider: 'deepseek',
      baseUrl: server.url,
      model: 'deepseek-flash',
      apiKey: 'wrong',
    }).review(call)
    expect(badKey.error).toMatchObject({
      fatal: true,
      message: stringContaining('`deepseek-api-key`'),
    })
    const badModel = await client({
      provider: 'deepseek',
      baseUrl: server.url,
      model: 'deepseek-nope',
    }).review(call)
    expect(badModel.error?.fatal).toBe(true)
    expect(badModel.error?.message).toContain('"deepseek-nope"')
    expect(badModel.error?.message).toContain('`deepseek-model`')
  })
})

describe('a 404', () => {
  function selfHosted(baseUrl: string) {
    return createModelClient(
      {
        provider: 'self-hosted',
        baseUrl,
        model: 'qwen3-coder',
        modelInput: 'self-hosted-model',
      },
      { timeoutMs: 5_000, maxRetries: 0 },
    )
  }

  it('blames the base URL for a path the server does not serve, and suggests /v1', async () => {
    const server = await emulator({ flavour: 'self-hosted', apiKey: null })
    const root = server.url.replace(/\/v1$/, '')
    const { error } = await selfHosted(root).review(call)
    expect(error?.fatal).toBe(true)
    expect(error?.message).toBe(
      `self-hosted (${root}) answered 404 without naming the model: the ` +
        'base URL is probably wrong. Check the `self-hosted-url` input; ' +
        'OpenAI-compatible servers serve the API under /v1, so try ' +
        `\`${root}/v1\`. If it is right, check \`self-hosted-model\`. ` +
        '404 Invalid URL (POST /chat/completions)',
    )
  })

  it('names the host and path when the base URL has its /v1 already', async () => {
    const server = await emulator({ flavour: 'openai', basePath: '/proxy/v1' })
    const wrong = server.url.replace('/proxy/v1', '/v1')
    const { error } = await client({
      provider: 'openai',
      baseUrl: wrong,
      model: 'gpt-5',
      modelInput: 'openai-model',
    }).review(call)
    expect(error?.message).toContain(
      'Check the `openai-base-url` input; check its host and path.',
    )
  })

  it('blames the base URL when the 404 has no error body, as from FastAPI', async () => {
    const server = await emulator({ flavour: 'self-hosted', apiKey: null })
    server.inject({ status: 404, body: { detail: 'Not Found' } })
    const { error } = await selfHosted(server.url).review(call)
    expect(error?.message).toContain(
      'answered 404 without naming the model: the base URL is probably wrong',
    )
    expect(error?.message).toContain('check `self-hosted-model`')
  })

  it('blames the model when vLLM says it does not serve it', async () => {
    const server = await emulator({
      flavour: 'self-hosted',
      apiKey: null,
      models: ['other-model'],
    })
    const { error } = await selfHosted(server.url).review(call)
    expect(error?.fatal).toBe(true)
    expect(error?.message).toContain(
      'does not know the model "qwen3-coder" (404). Check the ' +
        '`self-hosted-model` input. 404 The model `qwen3-coder` does not exist.',
    )
    expect(error?.message).not.toContain('self-hosted-url')
  })

  it('blames the model when Ollama says it has not pulled it', async () => {
    const server = await emulator({ flavour: 'self-hosted', apiKey: null })
    server.inject({
      status: 404,
      body: {
        error: {
          message: 'model "qwen3-coder" not found, try pulling it first',
          type: 'api_error',
        },
      },
    })
    const { error } = await selfHosted(server.url).review(call)
    expect(error?.message).toContain(
      'does not know the model "qwen3-coder" (404). Check the ' +
        '`self-hosted-model` input.',
    )
  })

  it("blames the model on OpenAI's model_not_found", async () => {
    const server = await emulator({ flavour: 'openai' })
    const { error } = await client({
      provider: 'openai',
      baseUrl: server.url,
      model: 'gpt-nope',
      modelInput: 'openai-model',
    }).review(call)
    expect(error?.message).toContain(
      'does not know the model "gpt-nope" (404). Check the `openai-model` input.',
    )
  })
})

describe('a 200 that is not a completion', () => {
  it.each([
    ['text', 'garbage'],
    ['an empty object', {}],
    ['null', 'null'],
    ['choices that are no list', { choices: 'none' }],
  ])('is an unusable reply when the body is %s', async (_what, body) => {
    const server = await emulator({ flavour: 'deepseek' })
    server.inject({ status: 200, body })
    const result = await client({
      provider: 'deepseek',
      baseUrl: server.url,
      model: 'deepseek-flash',
    }).review(call)
    expect(result.error).toMatchObject({ kind: 'unusable', fatal: false })
    expect(result.model).toBe('deepseek-flash')
  })
})

describe('provider errors in the review', () => {
  it('stay readable when the key is a one-letter placeholder', async () => {
    const server = await emulator({ flavour: 'self-hosted', apiKey: null })
    server.inject({
      status: 400,
      body: { error: { message: 'bad request for this model' } },
    })
    const result = await createModelClient(
      {
        provider: 'self-hosted',
        baseUrl: server.url,
        model: 'qwen3-coder',
        apiKey: 'e',
        keyInput: 'self-hosted-api-key',
        modelInput: 'self-hosted-model',
      },
      { timeoutMs: 5_000, maxRetries: 0 },
    ).review(call)
    expect(result.error?.message).toContain('bad request for this model')
  })

  it('are cut short and scrubbed of the key a proxy echoes back', async () => {
    const server = await emulator({ flavour: 'deepseek' })
    server.inject({
      status: 400,
      body: `<html><body>Bad gateway. Authorization: Bearer test-key ${'padding '.repeat(200)}</body></html>`,
    })
    const result = await client({
      provider: 'deepseek',
      baseUrl: server.url,
      model: 'deepseek-flash',
    }).review(call)
    expect(result.error?.message).not.toContain('test-key')
    expect(result.error?.message).toContain('[REDACTED]')
    expect(result.error?.message.length).toBeLessThan(600)
  })
})

describe('requests given up before an answer', () => {
  function retrying(baseUrl: string, timeoutMs: number) {
    return createModelClient(
      {
        provider: 'deepseek',
        baseUrl,
        model: 'deepseek-flash',
        apiKey: 'test-key',
        keyInput: 'deepseek-api-key',
        modelInput: 'deepseek-model',
      },
      { timeoutMs, maxRetries: 1, promptCacheKey: 'car-test' },
    )
  }

  it('counts each timed-out attempt, since the provider may bill it', async () => {
    const server = await emulator({ flavour: 'deepseek' })
    server.inject({ delayMs: 1_000 })
    const before = Date.now()
    const result = await retrying(server.url, 300).review(call)
    expect(result.error).toBeUndefined()
    expect(server.calls).toHaveLength(2)
    expect(result.abandoned).toBe(1)
    // Priced at the time the answered retry was sent, after the timeout.
    expect(result.startedAt.getTime() - before).toBeGreaterThanOrEqual(300)
  })

  it('counts nothing when the connection was refused', async () => {
    const server = await emulator({ flavour: 'deepseek' })
    const { url } = server
    await server.close()
    const result = await retrying(url, 300).review(call)
    expect(result.error).toBeDefined()
    expect(result.abandoned).toBe(0)
  })

  it('does not send again when beforeRetry says no', async () => {
    const server = await emulator({ flavour: 'deepseek' })
    server.inject({ delayMs: 1_000 })
    let asked = 0
    const result = await retrying(server.url, 300).review(call, {
      beforeRetry: () => {
        asked += 1
        return false
      },
    })
    expect(asked).toBe(1)
    expect(server.calls).toHaveLength(1)
    expect(result.abandoned).toBe(1)
    expect(result.error?.message).toContain('not sent again')
    expect(result.error?.fatal).toBe(false)
  })
})

describe('waits the provider asks for', () => {
  it('ends the call instead of sleeping through a long retry-after', async () => {
    const server = await emulator({ flavour: 'deepseek' })
    server.inject({ status: 429, headers: { 'retry-after': '3600' } })
    const reviewer = createModelClient(
      {
        provider: 'deepseek',
        baseUrl: server.url,
        model: 'deepseek-flash',
        apiKey: 'test-key',
        keyInput: 'deepseek-api-key',
        modelInput: 'deepseek-model',
      },
      { timeoutMs: 5_000, maxRetries: 2, promptCacheKey: 'car-test' },
    )
    const result = await reviewer.review(call)
    expect(server.calls).toHaveLength(1)
    expect(result.error?.fatal).toBe(false)
    expect(result.error?.message).toContain('asked to wait 3600 s')
  })

  it("waits for the reset OpenAI's rate-limit headers hint at", async () => {
    const server = await emulator({ flavour: 'openai' })
    server.inject({
      status: 429,
      headers: {
        'x-ratelimit-reset-requests': '1.2s',
        'x-ratelimit-reset-tokens': '15ms',
      },
    })
    const reviewer = createModelClient(
      {
        provider: 'openai',
        baseUrl: server.url,
        model: 'gpt-5',
        apiKey: 'test-key',
        keyInput: 'openai-api-key',
        modelInput: 'openai-model',
      },
      { timeoutMs: 5_000, maxRetries: 1, promptCacheKey: 'car-test' },
    )
    const started = Date.now()
    const result = await reviewer.review(call)
    expect(result.error).toBeUndefined()
    expect(server.calls).toHaveLength(2)
    // The SDK's own first backoff is at most half a second.
    expect(server.calls[1]!.at - started).toBeGreaterThanOrEqual(1_150)
  })

  it('reads Go durations in the reset headers', () => {
    const hint = (requests: string, tokens = '') =>
      resetHintMs(
        new Headers({
          'x-ratelimit-reset-requests': requests,
          'x-ratelimit-reset-tokens': tokens,
        }),
      )
    expect(hint('20ms')).toBe(20)
    expect(hint('6m0s')).toBe(360_000)
    expect(hint('1h2m3.5s')).toBe(3_723_500)
    expect(hint('1s', '2s')).toBe(2_000)
    expect(hint('soon')).toBeUndefined()
    expect(resetHintMs(new Headers())).toBeUndefined()
  })

  it('reads milliseconds, seconds and HTTP dates', () => {
    expect(askedWaitMs(new Headers({ 'retry-after-ms': '250' }))).toBe(250)
    expect(askedWaitMs(new Headers({ 'retry-after': '2' }))).toBe(2000)
    const inAMinute = new Date(Date.now() + 90_000).toUTCString()
    const wait = askedWaitMs(new Headers({ 'retry-after': inAMinute }))
    expect(wait).toBeGreaterThan(80_000)
    expect(wait).toBeLessThanOrEqual(90_000)
    expect(askedWaitMs(new Headers())).toBeUndefined()
  })
})
