import { randomBytes, randomUUID } from 'node:crypto'

import { countTokens, truncateToTokens } from './llm-tokens'
import type { Flavour, ReplySpec } from './llm-types'

/** A reply after the output cap has had its say. */
export interface FinishedReply {
  content: string
  finishReason: 'stop' | 'length'
  /** Visible plus reasoning tokens, as billed. */
  completionTokens: number
  reasoningTokens: number
}

/**
 * Applies the output cap the way the providers do: the cap counts
 * reasoning and visible tokens together, reasoning is spent first, and
 * whatever does not fit is cut off with `finish_reason: 'length'`.
 */
export function finishReply(
  reply: ReplySpec,
  cap: number | null,
  reasoningTokens: number,
): FinishedReply {
  const completionTokens =
    reply.completionTokens ?? countTokens(reply.content) + reasoningTokens
  if (cap === null || completionTokens <= cap) {
    return {
      content: reply.content,
      finishReason: reply.finishReason ?? 'stop',
      completionTokens,
      reasoningTokens: Math.min(reasoningTokens, completionTokens),
    }
  }

  const reasoningUsed = Math.min(reasoningTokens, cap)
  return {
    content: truncateToTokens(reply.content, cap - reasoningUsed),
    finishReason: 'length',
    completionTokens: cap,
    reasoningTokens: reasoningUsed,
  }
}

export interface CompletionSettings {
  flavour: Flavour
  model: string
  /** Whether the API hands back the reasoning text (OpenAI never does). */
  showReasoning: boolean
}

/** A complete `chat.completion` object as the flavour returns it. */
export function completionBody(
  reply: FinishedReply,
  usage: Record<string, unknown>,
  settings: CompletionSettings,
): Record<string, unknown> {
  const choice = {
    index: 0,
    message: assistantMessage(reply, settings),
    logprobs: null,
    finish_reason: reply.finishReason,
  }
  const body = {
    ...envelope('chat.completion', settings),
    choices: [choice],
    usage,
  }
  if (settings.flavour !== 'openai') return body
  return { ...body, service_tier: 'default' }
}

/**
 * The same answer as server-sent chunks. Usage travels only on a final
 * chunk without choices, and only when the client asked for it with
 * `stream_options.include_usage`.
 */
export function streamChunks(
  reply: FinishedReply,
  usage: Record<string, unknown>,
  settings: CompletionSettings & { includeUsage: boolean },
): Array<Record<string, unknown>> {
  const head = envelope('chat.completion.chunk', settings)
  const chunk = (delta: object, finishReason: string | null = null) => ({
    ...head,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  })

  const { content, reasoning_content } = assistantMessage(reply, settings)
  const chunks = [chunk({ role: 'assistant', content: '' })]
  if (reasoning_content !== undefined) chunks.push(chunk({ reasoning_content }))
  chunks.push(chunk({ content }), chunk({}, reply.finishReason))

  if (!settings.includeUsage) return chunks
  return [...chunks, { ...head, choices: [], usage }]
}

interface AssistantMessage {
  role: 'assistant'
  content: string
  reasoning_content?: string
  refusal?: null
  annotations?: []
}

function assistantMessage(
  reply: FinishedReply,
  settings: CompletionSettings,
): AssistantMessage {
  const message: AssistantMessage = {
    role: 'assistant',
    content: reply.content,
  }
  if (settings.showReasoning) {
    // A stand-in text: only the token count is ever billed.
    const tokens = reply.reasoningTokens
    message.reasoning_content = `(emulated reasoning, ${tokens} tokens)`
  }
  if (settings.flavour === 'openai') {
    return { ...message, refusal: null, annotations: [] }
  }
  return message
}

/** The fields every completion and every chunk of one answer share. */
function envelope(
  object: string,
  settings: CompletionSettings,
): Record<string, unknown> {
  const fields = {
    id: completionId(settings.flavour),
    object,
    created: Math.floor(Date.now() / 1000),
    model: settings.model,
  }
  if (settings.flavour !== 'openai') return fields
  return { ...fields, system_fingerprint: 'fp_emulator' }
}

function completionId(flavour: Flavour): string {
  // DeepSeek ids are bare UUIDs; the others follow OpenAI's prefix.
  if (flavour === 'deepseek') return randomUUID()
  return `chatcmpl-${randomBytes(12).toString('hex')}`
}
