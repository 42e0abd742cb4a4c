import { STATUS_CODES } from 'node:http'

import type { Flavour } from './llm-types'

/** A finished error answer: status plus the exact JSON body. */
export interface ApiError {
  status: number
  body: unknown
}

interface ErrorFields {
  type: string
  param?: string | null
  code?: string | number | null
}

/** Thrown by request checks; the server answers with `answer` as is. */
export class RequestRejected extends Error {
  constructor(readonly answer: ApiError) {
    super(`emulator answered ${answer.status}: ${JSON.stringify(answer.body)}`)
  }
}

export function errorBody(message: string, fields: ErrorFields): unknown {
  const { type, param = null, code = null } = fields
  return { error: { message, type, param, code } }
}

function rejected(
  status: number,
  message: string,
  fields: ErrorFields,
): RequestRejected {
  return new RequestRejected({ status, body: errorBody(message, fields) })
}

/**
 * A 400 in the flavour's own dialect: DeepSeek puts its catch-all code in
 * `code` and never names the parameter; vLLM uses the status as the code.
 */
export function badRequest(
  flavour: Flavour,
  message: string,
  param: string | null = null,
  code: string | null = null,
): RequestRejected {
  switch (flavour) {
    case 'openai':
      return rejected(400, message, {
        type: 'invalid_request_error',
        param,
        code,
      })
    case 'deepseek':
      return rejected(400, message, {
        type: 'invalid_request_error',
        code: 'invalid_request_error',
      })
    case 'self-hosted':
      return rejected(400, message, {
        type: 'BadRequestError',
        param,
        code: 400,
      })
  }
}

export function authFailure(
  flavour: Flavour,
  key: string | undefined,
): RequestRejected {
  switch (flavour) {
    case 'openai':
      return rejected(401, openAiAuthMessage(key), {
        type: 'invalid_request_error',
        code: key === undefined ? null : 'invalid_api_key',
      })
    case 'deepseek':
      return rejected(
        401,
        `Authentication Fails, Your api key: ****${(key ?? '').slice(-4)}` +
          ' is invalid',
        { type: 'authentication_error', code: 'invalid_request_error' },
      )
    case 'self-hosted':
      // vLLM's key guard answers before any OpenAI-style error handling.
      return new RequestRejected({
        status: 401,
        body: { error: 'Unauthorized' },
      })
  }
}

function openAiAuthMessage(key: string | undefined): string {
  if (key === undefined) return "You didn't provide an API key."
  return (
    `Incorrect API key provided: ${maskKey(key)}. You can find your API` +
    ' key at https://platform.openai.com/account/api-keys.'
  )
}

/** Shows only the ends of a key, as OpenAI does, so logs stay safe. */
function maskKey(key: string): string {
  if (key.length <= 8) return '*'.repeat(key.length)
  return `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}`
}

export function unknownModel(flavour: Flavour, model: string): RequestRejected {
  switch (flavour) {
    case 'openai':
      return rejected(
        404,
        `The model \`${model}\` does not exist or you do not have access` +
          ' to it.',
        { type: 'invalid_request_error', code: 'model_not_found' },
      )
    case 'deepseek':
      return badRequest(flavour, 'Model Not Exist')
    case 'self-hosted':
      return rejected(404, `The model \`${model}\` does not exist.`, {
        type: 'NotFoundError',
        code: 404,
      })
  }
}

export function routeNotFound(
  flavour: Flavour,
  method: string,
  path: string,
): ApiError {
  const message = `Invalid URL (${method} ${path})`
  const type =
    flavour === 'self-hosted' ? 'NotFoundError' : 'invalid_request_error'
  return { status: 404, body: errorBody(message, { type }) }
}

/** The body an injected status answers with when the fault gives none. */
export function defaultFaultBody(flavour: Flavour, status: number): unknown {
  const statusText = STATUS_CODES[status] ?? 'Unknown Status'
  if (flavour === 'deepseek') {
    if (status === 402) {
      return errorBody('Insufficient Balance', {
        type: 'unknown_error',
        code: 'invalid_request_error',
      })
    }
    return errorBody(statusText, {
      type: status >= 500 ? 'server_error' : 'invalid_request_error',
      code: 'invalid_request_error',
    })
  }

  if (flavour === 'self-hosted') {
    // vLLM names its error types after the status: NotFoundError, ...
    const name = statusText.replaceAll(' ', '')
    const type = name.endsWith('Error') ? name : `${name}Error`
    return errorBody(statusText, { type, code: status })
  }

  if (status === 429) {
    return errorBody('Rate limit reached for requests. Try again later.', {
      type: 'requests',
      code: 'rate_limit_exceeded',
    })
  }
  const type = status >= 500 ? 'server_error' : 'invalid_request_error'
  return errorBody(statusText, { type })
}
