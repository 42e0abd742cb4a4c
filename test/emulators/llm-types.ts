/** Which provider one emulator instance plays. */
export type Flavour = 'deepseek' | 'openai' | 'self-hosted'

/** A chat message with its content flattened to plain text. */
export interface ChatMessage {
  role: string
  content: string
}

/** What the responder sees of an accepted chat request. */
export interface ChatRequest {
  model: string
  messages: ChatMessage[]
  /** The JSON body exactly as the client sent it. */
  body: Record<string, unknown>
  /** Request headers, lower-cased. */
  headers: Record<string, string>
  /** The canonical serialization the prompt tokens are counted from. */
  prompt: string
}

/** What the emulated model says. */
export interface ReplySpec {
  content: string
  /** Defaults to 'stop'; an output cap can still force 'length'. */
  finishReason?: 'stop' | 'length'
  /** Hidden reasoning spent before the visible reply. */
  reasoningTokens?: number
  /** Replaces the counted completion tokens (reasoning included). */
  completionTokens?: number
}

/**
 * A misbehaviour for the next chat request. A `status` or `body` answers
 * with that instead of a completion; `reply` answers normally with a fixed
 * reply; `delayMs` and `hang` hold the answer back.
 */
export interface LlmFault {
  status?: number
  headers?: Record<string, string>
  /** JSON to answer with; a string is sent as raw text. */
  body?: unknown
  delayMs?: number
  /** Never answer; `close()` ends the connection. */
  hang?: boolean
  reply?: ReplySpec
  /** How many consecutive requests the fault applies to; default 1. */
  times?: number
}

export type Responder = (request: ChatRequest) => ReplySpec | Promise<ReplySpec>

export interface LlmEmulatorOptions {
  flavour: Flavour
  /** '' for DeepSeek, '/v1' for the others unless given. */
  basePath?: string
  /** The only key accepted; `null` accepts any key, like a bare vLLM. */
  apiKey?: string | null
  models?: string[]
  respond?: Responder
  /** Reasoning tokens per answer: 200 in DeepSeek thinking mode, else 0. */
  reasoningTokens?: number
  /** Self-hosted: report cached tokens, as vLLM does when asked to. */
  reportCachedTokens?: boolean
  /** Self-hosted: refuse json_schema, as older servers do. */
  rejectJsonSchema?: boolean
  cacheEnabled?: boolean
  /** Forget cached prompts older than this; default never. */
  cacheTtlMs?: number
}

export interface RecordedCall {
  at: number
  headers: Record<string, string>
  /** The parsed JSON body, or `{}` when it was not JSON. */
  body: Record<string, unknown>
  /** 0 until answered; stays 0 for a hang or an abandoned request. */
  status: number
  /** The JSON answered; the list of chunks for a stream. */
  response: unknown
  usage?: Record<string, unknown>
  prompt: string
  promptTokens: number
  cachedTokens: number
  /** `max_completion_tokens ?? max_tokens`, or null when neither is set. */
  outputCap: number | null
}

export interface LlmEmulator {
  /** Base URL including the base path, ready for the SDK's `baseURL`. */
  readonly url: string
  /** Every chat request in arrival order, including refused ones. */
  readonly calls: RecordedCall[]
  inject(fault: LlmFault): void
  clearCache(): void
  close(): Promise<void>
}
