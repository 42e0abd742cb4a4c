/**
 * A scripted "model" that reads the prompt as a model would: it walks the
 * numbered lines of each FILE section and reports every line whose code
 * matches one of its rules, with the number and code it read.
 */
import type { ChatRequest, ReplySpec } from '../emulators/llm'

export interface Rule {
  readonly pattern: RegExp
  readonly severity: 'critical' | 'major' | 'minor' | 'nit'
  readonly body: string
}

export interface PromptLine {
  readonly path: string
  readonly line: number
  readonly marker: '+' | ' ' | '-'
  readonly code: string
}

/** The numbered code lines of the prompt's user message, by file. */
export function promptLines(request: ChatRequest): PromptLine[] {
  const user =
    request.messages.find((message) => message.role === 'user')?.content ?? ''
  const diff = user.slice(user.indexOf('<diff>\n'), user.lastIndexOf('</diff>'))
  const lines: PromptLine[] = []
  let path = ''
  for (const text of diff.split('\n')) {
    const file = /^FILE: (.+)$/.exec(text)
    if (file) {
      path = file[1]!
      continue
    }
    const numbered = /^(\d+)([+ -])(.*)$/.exec(text)
    if (numbered && path) {
      lines.push({
        path,
        line: Number(numbered[1]),
        marker: numbered[2] as PromptLine['marker'],
        code: numbered[3]!,
      })
    }
  }
  return lines
}

/**
 * A reviewer that flags every line matching a rule, or with `addedOnly`
 * only the added ones, as a model told to focus on the change may.
 */
export function codeReviewer(
  rules: readonly Rule[],
  { addedOnly = false }: { addedOnly?: boolean } = {},
): (request: ChatRequest) => ReplySpec {
  const flags = (line: PromptLine) =>
    addedOnly ? line.marker === '+' : line.marker !== '-'
  return (request) => {
    const comments = promptLines(request).flatMap((line) =>
      rules
        .filter((rule) => flags(line) && rule.pattern.test(line.code))
        .map((rule) => ({
          path: line.path,
          line: line.line,
          start_line: null,
          side: 'RIGHT',
          severity: rule.severity,
          body: rule.body,
          suggestion: null,
          quote: line.code,
        })),
    )
    return {
      content: JSON.stringify({ summary: 'Scripted review.', comments }),
    }
  }
}
