/**
 * Provider failures in words that say what to change: which input to
 * check, and whether another call could succeed.
 */
import OpenAI from 'openai'
import { MIN_KEY_LENGTH, redactText } from '../redact'
import type { CallError, ModelEndpoint } from './client'
import type { ProviderName } from './providers'

/**
 * A provider error in words that say what to change. Its text came from the
 * provider, or from a proxy in front of it, and ends up in the review and
 * the summary: it is cut short and scrubbed of the key and of anything
 * that looks like a credential.
 */
export function describeError(
  error: unknown,
  endpoint: ModelEndpoint,
): CallError {
  const described = explain(error, endpoint)
  return { ...described, message: scrub(described.message, endpoint.apiKey) }
}

function scrub(message: string, apiKey: string | undefined): string {
  const flat = message.replace(/\s+/g, ' ')
  const keyless =
    apiKey && apiKey.length >= MIN_KEY_LENGTH
      ? flat.split(apiKey).join('[REDACTED]')
      : flat
  const clean = redactText(keyless).value
  return clean.length <= 400 ? clean : `${clean.slice(0, 400)}… (cut)`
}

// The input that holds each provider's base URL, for error messages.
const BASE_URL_INPUTS: Record<ProviderName, string> = {
  deepseek: 'deepseek-base-url',
  openai: 'openai-base-url',
  'self-hosted': 'self-hosted-url',
}

function explain(error: unknown, endpoint: ModelEndpoint): CallError {
  const where = `${endpoint.provider} (${endpoint.baseUrl})`
  if (
    error instanceof OpenAI.APIConnectionTimeoutError ||
    error instanceof OpenAI.APIUserAbortError
  ) {
    return { message: `${where} did not answer in time`, fatal: false }
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return {
      message: `could not reach ${where}: ${error.message}`,
      fatal: false,
    }
  }
  if (!(error instanceof OpenAI.APIError)) {
    const message = error instanceof Error ? error.message : String(error)
    return { message: `call to ${where} failed: ${message}`, fatal: false }
  }

  const detail = error.message
  // An unknown model: DeepSeek answers 400 "Model Not Exist", OpenAI 404
  // model_not_found, vLLM 404 "The model `x` does not exist.", Ollama 404
  // 'model "x" not found'. Any other 404 is a path the server does not
  // serve: a base URL without its /v1, as often as not.
  const unknownModel =
    error.code === 'model_not_found' ||
    /model[_ ]not[_ ]exist|model_not_found|does not exist|model\b[^.]*\bnot found/i.test(
      detail,
    ) ||
    (error.status === 404 && detail.includes(endpoint.model))
  if (unknownModel) {
    return {
      message:
        `${where} does not know the model "${endpoint.model}" ` +
        `(${error.status}). Check the \`${endpoint.modelInput}\` input. ${detail}`,
      fatal: true,
    }
  }
  if (error.status === 404) {
    const path = /\/v1$/.test(endpoint.baseUrl)
      ? 'check its host and path'
      : 'OpenAI-compatible servers serve the API under /v1, so try ' +
        `\`${endpoint.baseUrl}/v1\``
    const urlInput = BASE_URL_INPUTS[endpoint.provider]
    return {
      message:
        `${where} answered 404 without naming the model: the base URL is ` +
        `probably wrong. Check the \`${urlInput}\` input; ${path}. If it ` +
        `is right, check \`${endpoint.modelInput}\`. ${detail}`,
      fatal: true,
    }
  }
  if (
    /context[_ ]length|maximum context|too many tokens|prompt is too long/i.test(
      detail,
    )
  ) {
    return {
      message: `${where} found the prompt too long for "${endpoint.model}": ${detail}`,
      fatal: false,
      kind: 'too-long',
    }
  }
  switch (error.status) {
    case 401:
      return {
        message:
          `${where} rejected the API key (401). Check the ` +
          `\`${endpoint.keyInput ?? 'API key'}\` input and the secret it reads.`,
        fatal: true,
      }
    case 402:
      return {
        message: `${where} reports insufficient balance (402): top up the account. ${detail}`,
        fatal: true,
      }
    case 403:
      return {
        message: `${where} refused the request (403): ${detail}`,
        fatal: true,
      }
    case 400:
    case 422:
      return {
        message:
          `${where} rejected the request for "${endpoint.model}" ` +
          `(${error.status}): ${detail}`,
        fatal: true,
      }
    case 429:
      return /quota|balance/i.test(detail)
        ? {
            message: `${where} account is out of quota (429): ${detail}`,
            fatal: true,
          }
        : {
            message: `${where} kept rate-limiting the call (429): ${detail}`,
            fatal: false,
          }
    default:
      return {
        message: `${where} answered ${error.status}: ${detail}`,
        fatal: false,
      }
  }
}
