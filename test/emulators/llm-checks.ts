import { badRequest, unknownModel } from './llm-errors'
import type { RequestRejected } from './llm-errors'
import type { ChatMessage, Flavour } from './llm-types'

/** What the emulator needs from a request that passed every check. */
export interface AcceptedChat {
  model: string
  messages: ChatMessage[]
  /** `max_completion_tokens ?? max_tokens`; null when neither is set. */
  outputCap: number | null
  /** DeepSeek thinking mode, which is on unless turned off. */
  thinking: boolean
  stream: boolean
  includeUsage: boolean
}

export interface CheckSettings {
  flavour: Flavour
  models: readonly string[]
  rejectJsonSchema: boolean
}

// Chat Completions rejects any top-level field it does not know, which is
// how a DeepSeek-only field such as `thinking` fails against OpenAI.
const OPENAI_FIELDS = new Set([
  'model',
  'messages',
  'max_completion_tokens',
  'max_tokens',
  'temperature',
  'top_p',
  'response_format',
  'reasoning_effort',
  'verbosity',
  'prompt_cache_key',
  'prompt_cache_retention',
  'seed',
  'stream',
  'stream_options',
  'n',
  'stop',
  'user',
  'metadata',
  'store',
  'safety_identifier',
  'service_tier',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'logprobs',
  'top_logprobs',
  'frequency_penalty',
  'presence_penalty',
  'logit_bias',
  'modalities',
  'prediction',
  'audio',
  'web_search_options',
])

const SCHEMA_NAME_PATTERN = /^[a-zA-Z0-9_-]+$/
const SCHEMA_NAME_MAX = 64

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The request body as a JSON object; anything else is a 400. */
export function parseJsonBody(
  text: string,
  flavour: Flavour,
): Record<string, unknown> {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  if (isRecord(body)) return body
  throw badRequest(flavour, 'We could not parse the JSON body of your request.')
}

/** Checks a parsed body the way the flavour's API would; throws on refusal. */
export function acceptChat(
  body: Record<string, unknown>,
  settings: CheckSettings,
): AcceptedChat {
  const { flavour } = settings
  const model = requireModel(body, flavour)
  const messages = requireMessages(body, flavour)
  if (!settings.models.includes(model)) throw unknownModel(flavour, model)
  if (flavour === 'openai') checkOpenAiParameters(body, model)
  checkResponseFormat(body.response_format, messages, settings)

  const streamOptions = isRecord(body.stream_options) ? body.stream_options : {}
  return {
    model,
    messages,
    outputCap: outputCap(body),
    thinking: flavour === 'deepseek' && thinkingEnabled(body.thinking),
    stream: body.stream === true,
    includeUsage: streamOptions.include_usage === true,
  }
}

function outputCap(body: Record<string, unknown>): number | null {
  const cap = body.max_completion_tokens ?? body.max_tokens
  return typeof cap === 'number' ? cap : null
}

function thinkingEnabled(thinking: unknown): boolean {
  return !(isRecord(thinking) && thinking.type === 'disabled')
}

function requireModel(body: Record<string, unknown>, flavour: Flavour): string {
  if (typeof body.model === 'string' && body.model !== '') return body.model
  if (flavour === 'openai') {
    throw badRequest(flavour, 'you must provide a model parameter')
  }
  throw missingParameter(flavour, 'model')
}

function requireMessages(
  body: Record<string, unknown>,
  flavour: Flavour,
): ChatMessage[] {
  const messages = body.messages
  if (messages === undefined) throw missingParameter(flavour, 'messages')
  if (!Array.isArray(messages) || messages.length === 0) {
    throw badRequest(
      flavour,
      "Invalid 'messages': expected a non-empty array of messages.",
      'messages',
      'invalid_value',
    )
  }
  return messages.map((message, index) =>
    toChatMessage(message, `messages[${index}]`, flavour),
  )
}

function toChatMessage(
  message: unknown,
  where: string,
  flavour: Flavour,
): ChatMessage {
  if (!isRecord(message)) {
    throw badRequest(
      flavour,
      `Invalid type for '${where}': expected an object.`,
      where,
      'invalid_type',
    )
  }
  if (typeof message.role !== 'string') {
    throw missingParameter(flavour, `${where}.role`)
  }
  return { role: message.role, content: contentText(message.content) }
}

/** Joins the text parts; other parts (images, audio) add no text here. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content
    .map((part) =>
      isRecord(part) && part.type === 'text' && typeof part.text === 'string'
        ? part.text
        : '',
    )
    .join('')
}

function missingParameter(flavour: Flavour, name: string): RequestRejected {
  return badRequest(
    flavour,
    `Missing required parameter: '${name}'.`,
    name,
    'missing_required_parameter',
  )
}

function checkOpenAiParameters(
  body: Record<string, unknown>,
  model: string,
): void {
  const unknown = Object.keys(body).filter((key) => !OPENAI_FIELDS.has(key))
  if (unknown.length > 0) {
    const noun = unknown.length === 1 ? 'argument' : 'arguments'
    throw badRequest(
      'openai',
      `Unrecognized request ${noun} supplied: ${unknown.join(', ')}`,
    )
  }
  if (!isReasoningModel(model)) return

  if (body.max_tokens != null) {
    throw badRequest(
      'openai',
      "Unsupported parameter: 'max_tokens' is not supported with this" +
        " model. Use 'max_completion_tokens' instead.",
      'max_tokens',
      'unsupported_parameter',
    )
  }
  checkReasoningEffort(body.reasoning_effort, model)

  // gpt-5.1 and later sample freely only while reasoning is off.
  if (body.reasoning_effort !== 'none') {
    requireDefaultValue(body, 'temperature')
    requireDefaultValue(body, 'top_p')
  }
}

function isReasoningModel(model: string): boolean {
  // gpt-5-chat-latest and kin are chat models that keep full sampling.
  if (model.startsWith('gpt-5')) return !model.includes('-chat')
  return /^o\d/.test(model)
}

function requireDefaultValue(
  body: Record<string, unknown>,
  name: 'temperature' | 'top_p',
): void {
  const value = body[name]
  if (value == null || value === 1) return
  throw badRequest(
    'openai',
    `Unsupported value: '${name}' does not support ${showValue(value)} with` +
      ' this model. Only the default (1) value is supported.',
    name,
    'unsupported_value',
  )
}

function checkReasoningEffort(effort: unknown, model: string): void {
  if (effort == null) return
  const supported = supportedEfforts(model)
  if (typeof effort === 'string' && supported.includes(effort)) return
  throw badRequest(
    'openai',
    `Unsupported value: 'reasoning_effort' does not support` +
      ` ${quote(showValue(effort))} with this model. Supported values are:` +
      ` ${quotedList(supported)}.`,
    'reasoning_effort',
    'unsupported_value',
  )
}

function supportedEfforts(model: string): readonly string[] {
  if (/^o\d/.test(model)) return ['low', 'medium', 'high']
  // The first gpt-5 models cannot switch reasoning off, only down.
  if (/^gpt-5(-|$)/.test(model)) return ['minimal', 'low', 'medium', 'high']
  if (model.startsWith('gpt-5.1')) return ['none', 'low', 'medium', 'high']
  const efforts = ['none', 'low', 'medium', 'high', 'xhigh']
  return model.startsWith('gpt-5.6') ? [...efforts, 'max'] : efforts
}

function checkResponseFormat(
  format: unknown,
  messages: readonly ChatMessage[],
  settings: CheckSettings,
): void {
  const { flavour } = settings
  if (format == null) return
  if (!isRecord(format)) {
    throw badRequest(
      flavour,
      "Invalid type for 'response_format': expected an object.",
      'response_format',
      'invalid_type',
    )
  }

  switch (format.type) {
    case 'text':
      return
    case 'json_object':
      requireJsonWord(messages, flavour)
      return
    case 'json_schema':
      checkJsonSchema(format.json_schema, settings)
      return
    default:
      throw badRequest(
        flavour,
        `Invalid value: ${quote(String(format.type))}. Supported values` +
          ` are: ${quotedList(['text', 'json_object', 'json_schema'])}.`,
        'response_format.type',
        'invalid_value',
      )
  }
}

function requireJsonWord(
  messages: readonly ChatMessage[],
  flavour: Flavour,
): void {
  // vLLM constrains the output by grammar and does not read the prompt.
  if (flavour === 'self-hosted') return
  if (messages.some((message) => /json/i.test(message.content))) return
  throw badRequest(
    flavour,
    "'messages' must contain the word 'json' in some form, to use" +
      " 'response_format' of type 'json_object'.",
    'messages',
  )
}

function checkJsonSchema(schema: unknown, settings: CheckSettings): void {
  const { flavour } = settings
  if (flavour === 'deepseek') {
    throw badRequest(flavour, 'This response_format type is unavailable now')
  }
  if (flavour === 'self-hosted') {
    if (!settings.rejectJsonSchema) return
    throw badRequest(
      flavour,
      "response_format type 'json_schema' is not supported by this server",
      'response_format',
    )
  }

  const param = 'response_format.json_schema.name'
  const name = isRecord(schema) ? schema.name : undefined
  if (typeof name !== 'string') throw missingParameter(flavour, param)
  if (name.length > SCHEMA_NAME_MAX) {
    throw badRequest(
      flavour,
      `Invalid '${param}': string too long. Expected a string with maximum` +
        ` length ${SCHEMA_NAME_MAX}, but got a string with length` +
        ` ${name.length} instead.`,
      param,
      'string_above_max_length',
    )
  }
  if (!SCHEMA_NAME_PATTERN.test(name)) {
    throw badRequest(
      flavour,
      `Invalid '${param}': string does not match pattern. Expected a string` +
        ` that matches the pattern '${SCHEMA_NAME_PATTERN.source}'.`,
      param,
      'invalid_value',
    )
  }
}

/** A request value as the messages show it: text as is, the rest as JSON. */
function showValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

function quote(value: string): string {
  return `'${value}'`
}

/** 'a', 'b', and 'c': the list style of OpenAI's error messages. */
function quotedList(values: readonly string[]): string {
  const quoted = values.map(quote)
  if (quoted.length < 3) return quoted.join(' and ')
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1)}`
}
