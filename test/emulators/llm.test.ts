import OpenAI, { APIConnectionError } from 'openai'
import { afterEach, describe, expect, it, vi } from 'vitest'

import { anyString, stringContaining } from '../matchers'
import { DEFAULT_REPLY, countTokens, startLlmEmulator } from './llm'
import type { LlmEmulator, LlmEmulatorOptions } from './llm'

const started: LlmEmulator[] = []

afterEach(async () => {
  await Promise.all(started.splice(0).map((emulator) => emulator.close()))
})

async function start(options: LlmEmulatorOptions): Promise<LlmEmulator> {
  const emulator = await startLlmEmulator(options)
  started.push(emulator)
  return emulator
}

function clientFor(emulator: LlmEmulator, apiKey = 'test-key'): OpenAI {
  return new OpenAI({ apiKey, baseURL: emulator.url, maxRetries: 0 })
}

/** For bodies the SDK types would refuse, such as DeepSeek's `thinking`. */
async function post(
  emulator: LlmEmulator,
  body: Record<string, unknown>,
  apiKey = 'test-key',
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${emulator.url}/chat/completions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${apiKey}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  })
  const json = (await response.json()) as Record<string, unknown>
  return { status: response.status, json }
}

const HELLO = [{ role: 'user' as const, content: 'Hello' }]
const HELLO_TOKENS = countTokens('<|user|>\nHello\n')
const REPLY_TOKENS = countTokens(DEFAULT_REPLY)

// About 3,300 tokens of system prompt: past OpenAI's 1,024-token minimum
// and long enough for every flavour's rounding to show.
const LONG_SYSTEM = Array.from(
  { length: 300 },
  (_, i) => `const value${i} = compute(${i}, 'review')`,
).join('\n')
const SHARED_PREFIX_TOKENS = countTokens(
  `<|system|>\n${LONG_SYSTEM}\n<|user|>\n`,
)

function reviewOf(change: string) {
  return [
    { role: 'system' as const, content: LONG_SYSTEM },
    { role: 'user' as const, content: change },
  ]
}

async function cachedTokensOfSecondRequest(
  emulator: LlmEmulator,
  model: string,
): Promise<number> {
  const client = clientFor(emulator)
  await client.chat.completions.create({ model, messages: reviewOf('Alpha') })
  await client.chat.completions.create({ model, messages: reviewOf('Bravo') })
  return emulator.calls[1]?.cachedTokens ?? -1
}

describe('usage', () => {
  it('gives DeepSeek hits and misses adding up to the prompt', async () => {
    const emulator = await start({ flavour: 'deepseek' })
    const completion = await clientFor(emulator).chat.completions.create({
      model: 'deepseek-flash',
      messages: HELLO,
    })

    expect(completion.usage).toEqual({
      prompt_tokens: HELLO_TOKENS,
      completion_tokens: REPLY_TOKENS + 200,
      total_tokens: HELLO_TOKENS + REPLY_TOKENS + 200,
      prompt_cache_hit_tokens: 0,
      prompt_cache_miss_tokens: HELLO_TOKENS,
      completion_tokens_details: { reasoning_tokens: 200 },
    })
  })

  it('gives OpenAI details, with cache writes from gpt-5.6', async () => {
    const emulator = await start({ flavour: 'openai' })
    const client = clientFor(emulator)
    const old = await client.chat.completions.create({
      model: 'gpt-5-mini',
      messages: HELLO,
    })
    const terra = await client.chat.completions.create({
      model: 'gpt-5.6-terra',
      messages: reviewOf('Alpha'),
    })

    expect(old.usage).toEqual({
      prompt_tokens: HELLO_TOKENS,
      completion_tokens: REPLY_TOKENS,
      total_tokens: HELLO_TOKENS + REPLY_TOKENS,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    })
    const written = terra.usage?.prompt_tokens_details
    expect(written).toEqual({
      cached_tokens: 0,
      audio_tokens: 0,
      cache_write_tokens: terra.usage?.prompt_tokens,
    })
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- OpenAI still sends it, so the emulator does
    expect(terra.system_fingerprint).toBeTypeOf('string')
  })

  it('shows self-hosted cached tokens only when enabled', async () => {
    const quiet = await start({ flavour: 'self-hosted' })
    const reporting = await start({
      flavour: 'self-hosted',
      reportCachedTokens: true,
    })
    const ask = (emulator: LlmEmulator) =>
      clientFor(emulator, 'any-key').chat.completions.create({
        model: 'qwen3-coder',
        messages: HELLO,
      })

    expect((await ask(quiet)).usage).toEqual({
      prompt_tokens: HELLO_TOKENS,
      completion_tokens: REPLY_TOKENS,
      total_tokens: HELLO_TOKENS + REPLY_TOKENS,
    })
    expect((await ask(reporting)).usage?.prompt_tokens_details).toEqual({
      cached_tokens: 0,
    })
  })
})

describe('prefix cache', () => {
  it('rounds a shared DeepSeek prefix down to 64-token units', async () => {
    const emulator = await start({ flavour: 'deepseek' })
    expect(SHARED_PREFIX_TOKENS % 64).not.toBe(0)

    const cached = await cachedTokensOfSecondRequest(emulator, 'deepseek-flash')

    expect(cached).toBe(Math.floor(SHARED_PREFIX_TOKENS / 64) * 64)
    expect(emulator.calls[1]?.usage).toMatchObject({
      prompt_cache_hit_tokens: cached,
      prompt_cache_miss_tokens: (emulator.calls[1]?.promptTokens ?? 0) - cached,
    })
  })

  it('rounds an OpenAI prefix to 1,024 plus 128-token steps', async () => {
    const emulator = await start({ flavour: 'openai' })
    const steps = Math.floor((SHARED_PREFIX_TOKENS - 1024) / 128)

    const cached = await cachedTokensOfSecondRequest(emulator, 'gpt-5')

    expect(cached).toBe(1024 + steps * 128)
    expect(emulator.calls[1]?.usage).toMatchObject({
      prompt_tokens_details: { cached_tokens: cached },
    })
  })

  it('reports no OpenAI cache hit below 1,024 prompt tokens', async () => {
    const emulator = await start({ flavour: 'openai' })
    const client = clientFor(emulator)
    const ask = () =>
      client.chat.completions.create({ model: 'gpt-5', messages: HELLO })

    await ask()
    const again = await ask()

    expect(again.usage?.prompt_tokens_details?.cached_tokens).toBe(0)
  })

  it('rounds a shared vLLM prefix down to 16-token blocks', async () => {
    const emulator = await start({ flavour: 'self-hosted' })

    const cached = await cachedTokensOfSecondRequest(emulator, 'qwen3-coder')

    expect(cached).toBe(Math.floor(SHARED_PREFIX_TOKENS / 16) * 16)
  })

  it('keeps a cache per API key and empties it on clearCache', async () => {
    const emulator = await start({ flavour: 'deepseek', apiKey: null })
    const ask = (apiKey: string) =>
      clientFor(emulator, apiKey).chat.completions.create({
        model: 'deepseek-flash',
        messages: reviewOf('Alpha'),
      })

    await ask('team-a')
    await ask('team-b')
    await ask('team-a')
    emulator.clearCache()
    await ask('team-a')

    const hits = emulator.calls.map((call) => call.cachedTokens)
    expect(hits[0]).toBe(0)
    expect(hits[1]).toBe(0)
    expect(hits[2]).toBeGreaterThan(SHARED_PREFIX_TOKENS - 64)
    expect(hits[3]).toBe(0)
  })

  it('forgets prompts older than cacheTtlMs', async () => {
    const emulator = await start({ flavour: 'deepseek', cacheTtlMs: 5 })

    const client = clientFor(emulator)
    const ask = () =>
      client.chat.completions.create({
        model: 'deepseek-flash',
        messages: reviewOf('Alpha'),
      })
    await ask()
    await new Promise((resolve) => setTimeout(resolve, 20))
    await ask()

    expect(emulator.calls[1]?.cachedTokens).toBe(0)
  })

  it('lets an answer prefix the next turn of a conversation', async () => {
    // Longer than one 64-token unit, so only a cached answer explains
    // the hit.
    const answer = 'The handler ignores the error. '.repeat(20)
    const emulator = await start({
      flavour: 'deepseek',
      respond: () => ({ content: answer }),
    })
    const client = clientFor(emulator)
    const first = reviewOf('Alpha')
    await client.chat.completions.create({
      model: 'deepseek-flash',
      messages: first,
    })
    await client.chat.completions.create({
      model: 'deepseek-flash',
      messages: [
        ...first,
        { role: 'assistant', content: answer },
        { role: 'user', content: 'Look again.' },
      ],
    })

    const turnOne = countTokens(
      `<|system|>\n${LONG_SYSTEM}\n<|user|>\nAlpha\n` +
        `<|assistant|>\n${answer}\n`,
    )
    expect(emulator.calls[1]?.cachedTokens).toBe(Math.floor(turnOne / 64) * 64)
  })
})

describe('OpenAI parameter checks', () => {
  it('rejects max_tokens on gpt-5 with the real message', async () => {
    const emulator = await start({ flavour: 'openai' })
    const request = clientFor(emulator).chat.completions.create({
      model: 'gpt-5',
      messages: HELLO,
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- sent on purpose: gpt-5 must refuse it
      max_tokens: 100,
    })

    await expect(request).rejects.toMatchObject({
      status: 400,
      error: {
        message:
          "Unsupported parameter: 'max_tokens' is not supported with this" +
          " model. Use 'max_completion_tokens' instead.",
        type: 'invalid_request_error',
        param: 'max_tokens',
        code: 'unsupported_parameter',
      },
    })
  })

  it('rejects temperature 0.2 on gpt-5 with the real message', async () => {
    const emulator = await start({ flavour: 'openai' })
    const request = clientFor(emulator).chat.completions.create({
      model: 'gpt-5',
      messages: HELLO,
      temperature: 0.2,
    })

    await expect(request).rejects.toMatchObject({
      status: 400,
      error: {
        message:
          "Unsupported value: 'temperature' does not support 0.2 with this" +
          ' model. Only the default (1) value is supported.',
        param: 'temperature',
        code: 'unsupported_value',
      },
    })
  })

  it('accepts temperature on gpt-5.1 once reasoning is off', async () => {
    const emulator = await start({ flavour: 'openai' })
    const completion = await clientFor(emulator).chat.completions.create({
      model: 'gpt-5.1',
      messages: HELLO,
      temperature: 0.2,
      reasoning_effort: 'none',
    })

    expect(completion.choices[0]?.finish_reason).toBe('stop')
  })

  it("rejects DeepSeek's thinking field as an unknown argument", async () => {
    const emulator = await start({ flavour: 'openai' })
    const { status, json } = await post(emulator, {
      model: 'gpt-5-mini',
      messages: HELLO,
      thinking: { type: 'disabled' },
    })

    expect(status).toBe(400)
    expect(json.error).toMatchObject({
      message: 'Unrecognized request argument supplied: thinking',
    })
  })

  it('rejects json_object when no message mentions json', async () => {
    const emulator = await start({ flavour: 'openai' })
    const request = clientFor(emulator).chat.completions.create({
      model: 'gpt-5',
      messages: HELLO,
      response_format: { type: 'json_object' },
    })

    await expect(request).rejects.toMatchObject({
      status: 400,
      param: 'messages',
    })
  })

  it('rejects a json_schema name with a space in it', async () => {
    const emulator = await start({ flavour: 'openai' })
    const request = clientFor(emulator).chat.completions.create({
      model: 'gpt-5',
      messages: HELLO,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'code review', schema: {}, strict: true },
      },
    })

    await expect(request).rejects.toMatchObject({
      status: 400,
      param: 'response_format.json_schema.name',
    })
  })

  it('answers 404 model_not_found for a model it does not serve', async () => {
    const emulator = await start({ flavour: 'openai' })
    const request = clientFor(emulator).chat.completions.create({
      model: 'deepseek-flash',
      messages: HELLO,
    })

    await expect(request).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
      message: stringContaining('`deepseek-flash` does not exist'),
    })
  })
})

describe('DeepSeek', () => {
  it('rejects json_schema as the real API does', async () => {
    const emulator = await start({ flavour: 'deepseek' })
    const request = clientFor(emulator).chat.completions.create({
      model: 'deepseek-v4-pro',
      messages: HELLO,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'review', schema: {}, strict: true },
      },
    })

    await expect(request).rejects.toMatchObject({
      status: 400,
      message: stringContaining('This response_format type is unavailable now'),
    })
  })

  it('thinks by default and stops when thinking is disabled', async () => {
    const emulator = await start({ flavour: 'deepseek', reasoningTokens: 50 })
    const request = { model: 'deepseek-flash', messages: HELLO }

    const thinking = await post(emulator, request)
    const direct = await post(emulator, {
      ...request,
      thinking: { type: 'disabled' },
    })

    expect(thinking.json).toMatchObject({
      choices: [{ message: { reasoning_content: anyString() } }],
      usage: {
        completion_tokens: REPLY_TOKENS + 50,
        completion_tokens_details: { reasoning_tokens: 50 },
      },
    })
    expect(direct.json).toMatchObject({
      usage: {
        completion_tokens: REPLY_TOKENS,
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    })
    expect(direct.json.choices).toEqual([
      expect.objectContaining({
        message: { role: 'assistant', content: DEFAULT_REPLY },
      }),
    ])
  })

  it('answers 402 Insufficient Balance when told to', async () => {
    const emulator = await start({ flavour: 'deepseek' })
    emulator.inject({ status: 402 })

    const { status, json } = await post(emulator, {
      model: 'deepseek-flash',
      messages: HELLO,
    })

    expect(status).toBe(402)
    expect(json).toEqual({
      error: {
        message: 'Insufficient Balance',
        type: 'unknown_error',
        param: null,
        code: 'invalid_request_error',
      },
    })
  })
})

describe('self-hosted', () => {
  it('can refuse json_schema like an older server', async () => {
    const emulator = await start({
      flavour: 'self-hosted',
      rejectJsonSchema: true,
    })
    const schemaFormat = {
      type: 'json_schema',
      json_schema: { name: 'review', schema: {} },
    }

    const refused = await post(emulator, {
      model: 'qwen3-coder',
      messages: HELLO,
      response_format: schemaFormat,
    })
    const fallback = await post(emulator, {
      model: 'qwen3-coder',
      messages: HELLO,
      response_format: { type: 'json_object' },
      max_tokens: 500,
    })

    expect(refused.status).toBe(400)
    expect(fallback.status).toBe(200)
    expect(emulator.calls[1]?.outputCap).toBe(500)
  })
})

describe('authentication', () => {
  it('answers 401 invalid_api_key to a wrong OpenAI key', async () => {
    const emulator = await start({ flavour: 'openai' })
    const request = clientFor(emulator, 'sk-wrong-0123456789').models.list()

    await expect(request).rejects.toMatchObject({
      status: 401,
      code: 'invalid_api_key',
      message: stringContaining(
        'Incorrect API key provided: sk-************6789.',
      ),
    })
  })

  it('answers 401 with the masked key to a wrong DeepSeek key', async () => {
    const emulator = await start({ flavour: 'deepseek' })
    const { status, json } = await post(
      emulator,
      { model: 'deepseek-flash', messages: HELLO },
      'sk-wrong-abcd',
    )

    expect(status).toBe(401)
    expect(json.error).toMatchObject({
      message: 'Authentication Fails, Your api key: ****abcd is invalid',
      type: 'authentication_error',
    })
  })

  it('accepts any key on a self-hosted server without one', async () => {
    const emulator = await start({ flavour: 'self-hosted' })
    const models = await clientFor(emulator, 'anything').models.list()

    expect(models.data.map((model) => model.id)).toEqual(['qwen3-coder'])
  })
})

describe('replies', () => {
  it('cuts a reply at the output cap and says length', async () => {
    const long = 'The handler ignores the error. '.repeat(40)
    const emulator = await start({
      flavour: 'openai',
      respond: () => ({ content: long }),
    })
    const completion = await clientFor(emulator).chat.completions.create({
      model: 'gpt-5',
      messages: HELLO,
      max_completion_tokens: 25,
    })

    const choice = completion.choices[0]
    expect(choice?.finish_reason).toBe('length')
    expect(completion.usage?.completion_tokens).toBe(25)
    expect(long.startsWith(choice?.message.content ?? 'missing')).toBe(true)
    expect(countTokens(choice?.message.content ?? '')).toBeLessThanOrEqual(25)
  })

  it('spends the cap on reasoning first, leaving empty content', async () => {
    const emulator = await start({ flavour: 'deepseek' })
    const { json } = await post(emulator, {
      model: 'deepseek-flash',
      messages: HELLO,
      max_tokens: 150,
    })

    expect(json).toMatchObject({
      choices: [{ message: { content: '' }, finish_reason: 'length' }],
      usage: {
        completion_tokens: 150,
        completion_tokens_details: { reasoning_tokens: 150 },
      },
    })
  })

  it('hands the responder the flattened request', async () => {
    const respond = vi.fn(() => ({ content: 'ok' }))
    const emulator = await start({ flavour: 'self-hosted', respond })
    await clientFor(emulator).chat.completions.create({
      model: 'qwen3-coder',
      messages: [
        { role: 'system', content: 'Review <|endoftext|> safely.' },
        { role: 'user', content: [{ type: 'text', text: 'diff' }] },
      ],
    })

    expect(respond).toHaveBeenCalledWith(
      expect.objectContaining({
        model: 'qwen3-coder',
        messages: [
          { role: 'system', content: 'Review <|endoftext|> safely.' },
          { role: 'user', content: 'diff' },
        ],
        prompt: '<|system|>\nReview <|endoftext|> safely.\n<|user|>\ndiff\n',
      }),
    )
  })

  it('streams usage on a final chunk when include_usage is set', async () => {
    const emulator = await start({ flavour: 'openai' })
    const stream = await clientFor(emulator).chat.completions.create({
      model: 'gpt-5-nano',
      messages: HELLO,
      stream: true,
      stream_options: { include_usage: true },
    })

    let content = ''
    let usage: OpenAI.CompletionUsage | null | undefined
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta.content ?? ''
      usage = chunk.usage ?? usage
    }

    expect(content).toBe(DEFAULT_REPLY)
    expect(usage?.completion_tokens).toBe(REPLY_TOKENS)
  })
})

describe('faults', () => {
  it('answers an injected 429 with retry-after, then succeeds', async () => {
    const emulator = await start({ flavour: 'openai' })
    emulator.inject({ status: 429, headers: { 'retry-after': '1' } })
    const client = new OpenAI({
      apiKey: 'test-key',
      baseURL: emulator.url,
      maxRetries: 1,
    })

    const completion = await client.chat.completions.create({
      model: 'gpt-5',
      messages: HELLO,
    })

    expect(completion.choices[0]?.message.content).toBe(DEFAULT_REPLY)
    const [limited, retried] = emulator.calls
    expect([limited?.status, retried?.status]).toEqual([429, 200])
    // The SDK honoured retry-after, so the header reached it.
    const waited = (retried?.at ?? 0) - (limited?.at ?? 0)
    expect(waited).toBeGreaterThanOrEqual(900)
  })

  it('serves a one-off reply, then goes back to the responder', async () => {
    const emulator = await start({ flavour: 'deepseek' })
    const fenced = '```json\n{}\n```'
    emulator.inject({ reply: { content: fenced }, times: 2 })
    const client = clientFor(emulator)
    const ask = async () => {
      const completion = await client.chat.completions.create({
        model: 'deepseek-flash',
        messages: HELLO,
      })
      return completion.choices[0]?.message.content
    }

    const replies = [await ask(), await ask(), await ask()]

    expect(replies).toEqual([fenced, fenced, DEFAULT_REPLY])
  })

  it('delays an answer by delayMs', async () => {
    const emulator = await start({ flavour: 'self-hosted' })
    emulator.inject({ delayMs: 100 })
    const began = Date.now()

    const { status } = await post(emulator, {
      model: 'qwen3-coder',
      messages: HELLO,
    })

    expect(status).toBe(200)
    expect(Date.now() - began).toBeGreaterThanOrEqual(90)
  })

  it('holds a hanging request until close ends it', async () => {
    const emulator = await start({ flavour: 'openai' })
    emulator.inject({ hang: true })
    const request = clientFor(emulator).chat.completions.create({
      model: 'gpt-5',
      messages: HELLO,
    })
    await vi.waitFor(() => {
      expect(emulator.calls).toHaveLength(1)
    })

    await emulator.close()

    await expect(request).rejects.toBeInstanceOf(APIConnectionError)
    expect(emulator.calls[0]?.status).toBe(0)
  })

  it('answers unknown routes with a 404 error body', async () => {
    const emulator = await start({ flavour: 'openai' })
    const response = await fetch(`${emulator.url}/responses`, {
      method: 'POST',
    })

    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({
      error: { message: 'Invalid URL (POST /v1/responses)' },
    })
  })
})
