/**
 * A local stand-in for OpenAI-compatible chat-completions APIs. One
 * instance plays one provider, so an end-to-end test can start a DeepSeek
 * and an OpenAI emulator side by side and see which one got each request.
 * Token counts, cache hits and errors follow each provider's rules, so the
 * cost the action reports can be checked to the token.
 */
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

import { PrefixCache, billableCachedTokens } from './llm-cache'
import { acceptChat, parseJsonBody } from './llm-checks'
import type { AcceptedChat } from './llm-checks'
import {
  RequestRejected,
  authFailure,
  defaultFaultBody,
  errorBody,
  routeNotFound,
} from './llm-errors'
import { completionBody, finishReply, streamChunks } from './llm-response'
import type { FinishedReply } from './llm-response'
import { canonicalPrompt, tokenize } from './llm-tokens'
import type {
  ChatRequest,
  Flavour,
  LlmEmulator,
  LlmEmulatorOptions,
  LlmFault,
  RecordedCall,
  ReplySpec,
  Responder,
} from './llm-types'
import { usageFor } from './llm-usage'

export type {
  ChatMessage,
  ChatRequest,
  Flavour,
  LlmEmulator,
  LlmEmulatorOptions,
  LlmFault,
  RecordedCall,
  ReplySpec,
  Responder,
} from './llm-types'
export { countTokens } from './llm-tokens'

const DEFAULT_MODELS: Record<Flavour, readonly string[]> = {
  deepseek: ['deepseek-flash', 'deepseek-v4-pro', 'deepseek-v4-flash'],
  openai: [
    'gpt-5',
    'gpt-5-mini',
    'gpt-5-nano',
    'gpt-5.1',
    'gpt-5.2',
    'gpt-5.4',
    'gpt-5.4-mini',
    'gpt-5.5',
    'gpt-5.6-terra',
  ],
  'self-hosted': ['qwen3-coder'],
}

const OWNERS: Record<Flavour, string> = {
  deepseek: 'deepseek',
  openai: 'openai',
  'self-hosted': 'vllm',
}

/** What the models say unless a test gives them something else to say. */
export const DEFAULT_REPLY = JSON.stringify({
  summary: 'No issues found.',
  comments: [],
})

// DeepSeek thinks before answering unless told not to; a fixed amount
// keeps the bill predictable.
const DEEPSEEK_THINKING_TOKENS = 200

interface Settings {
  flavour: Flavour
  basePath: string
  apiKey: string | null
  models: readonly string[]
  respond: Responder
  reasoningTokens: number | undefined
  reportCachedTokens: boolean
  rejectJsonSchema: boolean
}

/** A finished answer, ready to write. */
interface Answer {
  status: number
  body: unknown
  headers?: Record<string, string>
  /** Set for `stream: true`: the chunks to send as server-sent events. */
  chunks?: unknown[]
}

interface QueuedFault {
  fault: LlmFault
  remaining: number
}

/** Starts an emulator on 127.0.0.1 at a free port. */
export async function startLlmEmulator(
  options: LlmEmulatorOptions,
): Promise<LlmEmulator> {
  const emulator = new Emulator(resolveSettings(options), options)
  await emulator.listen()
  return emulator
}

function resolveSettings(options: LlmEmulatorOptions): Settings {
  const { flavour } = options
  const defaultKey = flavour === 'self-hosted' ? null : 'test-key'
  return {
    flavour,
    basePath: normalizeBasePath(
      options.basePath ?? (flavour === 'deepseek' ? '' : '/v1'),
    ),
    apiKey: options.apiKey === undefined ? defaultKey : options.apiKey,
    models: options.models ?? DEFAULT_MODELS[flavour],
    respond: options.respond ?? (() => ({ content: DEFAULT_REPLY })),
    reasoningTokens: options.reasoningTokens,
    reportCachedTokens: options.reportCachedTokens ?? false,
    rejectJsonSchema: options.rejectJsonSchema ?? false,
  }
}

function normalizeBasePath(basePath: string): string {
  const trimmed = basePath.replace(/\/+$/, '')
  if (trimmed === '' || trimmed.startsWith('/')) return trimmed
  return `/${trimmed}`
}

class Emulator implements LlmEmulator {
  readonly calls: RecordedCall[] = []
  readonly #settings: Settings
  readonly #cache: PrefixCache
  readonly #server: Server
  readonly #sockets = new Set<Socket>()
  readonly #faults: QueuedFault[] = []
  // Aborted by close(): releases hangs and delays so no handler outlives
  // the server.
  readonly #closing = new AbortController()
  #closed: Promise<void> | undefined
  #url = ''

  constructor(settings: Settings, options: LlmEmulatorOptions) {
    this.#settings = settings
    this.#cache = new PrefixCache({
      enabled: options.cacheEnabled ?? true,
      ttlMs: options.cacheTtlMs ?? Infinity,
    })
    this.#server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => {
        send(response, failure(error))
      })
    })
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket)
      socket.once('close', () => this.#sockets.delete(socket))
    })
  }

  get url(): string {
    return this.#url
  }

  async listen(): Promise<void> {
    this.#server.listen(0, '127.0.0.1')
    await once(this.#server, 'listening')
    const { port } = this.#server.address() as AddressInfo
    this.#url = `http://127.0.0.1:${port}${this.#settings.basePath}`
  }

  inject(fault: LlmFault): void {
    const times = fault.times ?? 1
    if (!Number.isInteger(times) || times < 1) {
      throw new TypeError(`fault.times must be a whole number >= 1: ${times}`)
    }
    this.#faults.push({ fault, remaining: times })
  }

  clearCache(): void {
    this.#cache.clear()
  }

  close(): Promise<void> {
    this.#closed ??= this.#shutDown()
    return this.#closed
  }

  async #shutDown(): Promise<void> {
    this.#closing.abort()
    const stopped = new Promise((resolve) => this.#server.close(resolve))
    // Idle keep-alive sockets and hung requests would hold close() open.
    for (const socket of this.#sockets) socket.destroy()
    await stopped
  }

  async #handle(
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const method = request.method ?? 'GET'
    const path = (request.url ?? '/').split('?')[0]?.replace(/\/+$/, '') ?? ''
    const base = this.#settings.basePath

    if (method === 'POST' && path === `${base}/chat/completions`) {
      return this.#answerChat(request, response)
    }
    if (method === 'GET' && path === `${base}/models`) {
      send(response, this.#answerModels(request))
      return
    }
    request.resume()
    send(response, routeNotFound(this.#settings.flavour, method, path))
  }

  #answerModels(request: IncomingMessage): Answer {
    try {
      this.#authorize(flattenHeaders(request).authorization)
    } catch (error) {
      if (error instanceof RequestRejected) return error.answer
      throw error
    }
    const data = this.#settings.models.map((id) => ({
      id,
      object: 'model',
      created: 0,
      owned_by: OWNERS[this.#settings.flavour],
    }))
    return { status: 200, body: { object: 'list', data } }
  }

  async #answerChat(
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const call: RecordedCall = {
      at: Date.now(),
      headers: flattenHeaders(request),
      body: {},
      status: 0,
      response: undefined,
      prompt: '',
      promptTokens: 0,
      cachedTokens: 0,
      outputCap: null,
    }
    this.calls.push(call)

    const text = await readBody(request)
    const answer = await this.#chat(text, call).catch(failure)
    // Nothing to answer once close() has ended a hang or a delay.
    if (answer === undefined || this.#closing.signal.aborted) return

    const headers = { ...this.#requestIdHeader(), ...answer.headers }
    call.status = answer.status
    call.response = answer.chunks ?? answer.body
    send(response, { ...answer, headers })
  }

  /**
   * Follows the order of a real gateway: the key is checked first, then
   * the body must be JSON, faults (rate limits, outages) strike before any
   * validation, and only then is the request checked and answered.
   */
  async #chat(text: string, call: RecordedCall): Promise<Answer | undefined> {
    const { flavour } = this.#settings
    try {
      this.#authorize(call.headers.authorization)
      call.body = parseJsonBody(text, flavour)

      const fault = this.#takeFault()
      if (fault !== undefined && !(await this.#holdBack(fault))) return
      if (fault?.status !== undefined || fault?.body !== undefined) {
        return faultAnswer(flavour, fault)
      }

      const chat = acceptChat(call.body, this.#settings)
      call.outputCap = chat.outputCap
      const answer = await this.#complete(chat, call, fault?.reply)
      return { ...answer, headers: fault?.headers }
    } catch (error) {
      if (error instanceof RequestRejected) return error.answer
      throw error
    }
  }

  #authorize(authorization: string | undefined): void {
    const expected = this.#settings.apiKey
    if (expected === null) return
    const key = bearerKey(authorization)
    if (key !== expected) throw authFailure(this.#settings.flavour, key)
  }

  #takeFault(): LlmFault | undefined {
    const head = this.#faults[0]
    if (head === undefined) return undefined
    head.remaining -= 1
    if (head.remaining === 0) this.#faults.shift()
    return head.fault
  }

  /** Applies a fault's delay or hang; false once the emulator is closing. */
  async #holdBack(fault: LlmFault): Promise<boolean> {
    const signal = this.#closing.signal
    if (fault.delayMs !== undefined) {
      await sleep(fault.delayMs, undefined, { signal }).catch(() => undefined)
    }
    if (fault.hang === true) await aborted(signal)
    return !signal.aborted
  }

  async #complete(
    chat: AcceptedChat,
    call: RecordedCall,
    fixedReply: ReplySpec | undefined,
  ): Promise<Answer> {
    const { flavour } = this.#settings
    const prompt = canonicalPrompt(chat.messages)
    const promptTokens = tokenize(prompt)
    // Providers cache per account; the key is the nearest thing to one.
    const account = call.headers.authorization ?? ''
    const cached = billableCachedTokens(
      flavour,
      this.#cache.longestPrefix(account, promptTokens),
      promptTokens.length,
    )

    const reply =
      fixedReply ??
      (await this.#settings.respond(chatRequest(chat, call, prompt)))
    const reasoning = this.#reasoningTokens(chat, reply)
    const finished = finishReply(reply, chat.outputCap, reasoning)
    const usage = usageFor(
      {
        prompt: promptTokens.length,
        cached,
        completion: finished.completionTokens,
        reasoning: finished.reasoningTokens,
      },
      { ...this.#settings, model: chat.model },
    )
    this.#rememberExchange(account, promptTokens, chat, finished.content)

    Object.assign(call, {
      prompt,
      promptTokens: promptTokens.length,
      cachedTokens: cached,
      usage,
    })
    return this.#render(chat, finished, usage)
  }

  /**
   * Both the prompt and the prompt followed by the answer can prefix a
   * later request: a retry repeats the first, a follow-up turn the second.
   */
  #rememberExchange(
    account: string,
    promptTokens: readonly number[],
    chat: AcceptedChat,
    answer: string,
  ): void {
    const answered = [...chat.messages, { role: 'assistant', content: answer }]
    this.#cache.remember(account, promptTokens)
    this.#cache.remember(account, tokenize(canonicalPrompt(answered)))
  }

  #render(
    chat: AcceptedChat,
    finished: FinishedReply,
    usage: Record<string, unknown>,
  ): Answer {
    const settings = {
      flavour: this.#settings.flavour,
      model: chat.model,
      showReasoning: this.#showsReasoning(chat, finished.reasoningTokens),
    }
    if (!chat.stream) {
      return { status: 200, body: completionBody(finished, usage, settings) }
    }
    const chunks = streamChunks(finished, usage, {
      ...settings,
      includeUsage: chat.includeUsage,
    })
    return { status: 200, body: undefined, chunks }
  }

  #reasoningTokens(chat: AcceptedChat, reply: ReplySpec): number {
    const configured = this.#settings.reasoningTokens
    if (this.#settings.flavour !== 'deepseek') {
      return reply.reasoningTokens ?? configured ?? 0
    }
    // With thinking turned off the model has no hidden reasoning to bill.
    if (!chat.thinking) return 0
    return reply.reasoningTokens ?? configured ?? DEEPSEEK_THINKING_TOKENS
  }

  #showsReasoning(chat: AcceptedChat, reasoningTokens: number): boolean {
    switch (this.#settings.flavour) {
      case 'deepseek':
        return chat.thinking
      case 'openai':
        // OpenAI bills reasoning but never returns its text.
        return false
      case 'self-hosted':
        return reasoningTokens > 0
    }
  }

  #requestIdHeader(): Record<string, string> {
    if (this.#settings.flavour !== 'openai') return {}
    return { 'x-request-id': `req_${randomBytes(16).toString('hex')}` }
  }
}

function chatRequest(
  chat: AcceptedChat,
  call: RecordedCall,
  prompt: string,
): ChatRequest {
  const { model, messages } = chat
  return { model, messages, body: call.body, headers: call.headers, prompt }
}

function faultAnswer(flavour: Flavour, fault: LlmFault): Answer {
  const status = fault.status ?? 200
  const body = fault.body ?? defaultFaultBody(flavour, status)
  return { status, body, headers: fault.headers }
}

/** A 500 that names the emulator's own failure, e.g. a throwing responder. */
function failure(error: unknown): Answer {
  const message = error instanceof Error ? error.message : String(error)
  const body = errorBody(`LLM emulator failed: ${message}`, {
    type: 'server_error',
  })
  return { status: 500, body }
}

function bearerKey(authorization: string | undefined): string | undefined {
  const key = /^Bearer\s+(.*)$/i.exec(authorization ?? '')?.[1]?.trim()
  return key === '' ? undefined : key
}

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    signal.addEventListener(
      'abort',
      () => {
        resolve()
      },
      { once: true },
    )
  })
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue
    headers[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return headers
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function send(response: ServerResponse, answer: Answer): void {
  // The client may have given up (timeout, abort) while we waited, and a
  // failure in the middle of a stream can no longer change its status.
  if (response.destroyed || response.headersSent) return

  if (answer.chunks !== undefined) {
    response.writeHead(answer.status, {
      'content-type': 'text/event-stream',
      ...answer.headers,
    })
    for (const chunk of answer.chunks) {
      response.write(`data: ${JSON.stringify(chunk)}\n\n`)
    }
    response.end('data: [DONE]\n\n')
    return
  }

  // A string body is sent raw, e.g. the HTML page of a failing proxy.
  const raw = typeof answer.body === 'string' ? answer.body : undefined
  response.writeHead(answer.status, {
    'content-type': raw === undefined ? 'application/json' : 'text/plain',
    ...answer.headers,
  })
  response.end(raw ?? JSON.stringify(answer.body))
}
