/**
 * Prompt building: renders the reviewed files with explicit line numbers and
 * packs them into calls under a token budget. Every call starts with the same
 * bytes (instructions, guidelines, title and description) so that all calls
 * after the first, and every re-run, read that prefix from the cache.
 */
import type { DiffFile, Hunk } from '../diff/model'
import { INSTRUCTIONS } from './instructions'
import type { TokenCounter } from './tokens'

export interface ChatMessage {
  readonly role: 'system' | 'user'
  readonly content: string
}

export interface PromptCall {
  readonly messages: readonly ChatMessage[]
  /** The files this call shows, in order. */
  readonly paths: readonly string[]
  readonly estimatedTokens: number
}

export interface PromptInput {
  readonly title: string
  readonly description: string
  /** The repository's guidelines file, read from the base revision. */
  readonly guidelines: string | null
  readonly files: readonly DiffFile[]
}

export interface PlanOptions {
  /** The provider's token counter. */
  readonly count: TokenCounter
  /** The most prompt tokens one call may send. */
  readonly maxPromptTokens: number
}

export interface Plan {
  readonly calls: readonly PromptCall[]
  /** Files, or parts of files, too large to fit any call. */
  readonly tooLarge: readonly string[]
}

// Room for the per-call task line and the chat format's own tokens.
const TASK_RESERVE = 80

/** Plans the calls that review `input.files`. */
export function planCalls(input: PromptInput, options: PlanOptions): Plan {
  const prefix = sharedPrefix(input)
  const { count } = options
  const fixed = count(INSTRUCTIONS) + count(prefix) + TASK_RESERVE
  const room = options.maxPromptTokens - fixed

  const chunks: Array<{ paths: string[]; text: string; tokens: number }> = []
  const tooLarge: string[] = []
  let current: (typeof chunks)[number] | undefined

  for (const block of orderFiles(input.files).flatMap((file) =>
    fileBlocks(file, room, count),
  )) {
    if (block.tokens > room) {
      tooLarge.push(block.label)
      continue
    }
    if (!current || current.tokens + block.tokens > room) {
      current = { paths: [], text: '', tokens: 0 }
      chunks.push(current)
    }
    if (!current.paths.includes(block.path)) current.paths.push(block.path)
    current.text += block.text
    current.tokens += block.tokens
  }

  const calls = chunks.map((chunk, index) => {
    const user = prefix + chunk.text + closing(index, chunks.length)
    return {
      messages: [
        { role: 'system' as const, content: INSTRUCTIONS },
        { role: 'user' as const, content: user },
      ],
      paths: chunk.paths,
      estimatedTokens: count(INSTRUCTIONS) + count(user),
    }
  })
  return { calls, tooLarge }
}

/**
 * The part of the user message shared by every call of a review: trusted
 * guidelines, then the untrusted title and description, then the opening
 * of the diff.
 */
function sharedPrefix(input: PromptInput): string {
  const guidelines =
    input.guidelines === null || input.guidelines.trim() === ''
      ? ''
      : `<guidelines>\n${neutraliseTags(input.guidelines.trim())}\n</guidelines>\n\n`
  const description = input.description.trim() || '(none)'
  return (
    guidelines +
    '<pr-data>\n' +
    `<title>${neutraliseTags(input.title.trim())}</title>\n` +
    `<description>\n${neutraliseTags(description)}\n</description>\n` +
    '<diff>\n'
  )
}

function closing(index: number, count: number): string {
  const part =
    count > 1
      ? `This is part ${index + 1} of ${count} of the pull request; the other ` +
        'parts are reviewed separately, so comment only on the files above. '
      : ''
  return (
    '</diff>\n</pr-data>\n\n' +
    `${part}Review the changes in <diff> and reply with the JSON object.`
  )
}

interface Block {
  readonly path: string
  readonly label: string
  readonly text: string
  readonly tokens: number
}

/**
 * A file as one block, or, when it does not fit one call, as several blocks
 * of whole hunks, each repeating the file header.
 */
function fileBlocks(
  file: DiffFile,
  room: number,
  count: TokenCounter,
): Block[] {
  const whole = renderFile(file, file.hunks)
  const tokens = count(whole)
  if (tokens <= room || file.hunks.length === 1) {
    return [{ path: file.path, label: file.path, text: whole, tokens }]
  }

  const blocks: Block[] = []
  let hunks: Hunk[] = []
  const flush = (): void => {
    if (hunks.length === 0) return
    const text = renderFile(file, hunks)
    const first = hunks[0]?.newStart ?? 0
    blocks.push({
      path: file.path,
      label: `${file.path} (from line ${first})`,
      text,
      tokens: count(text),
    })
    hunks = []
  }
  for (const hunk of file.hunks) {
    const candidate = renderFile(file, [...hunks, hunk])
    if (hunks.length > 0 && count(candidate) > room) flush()
    hunks.push(hunk)
  }
  flush()
  return blocks
}

/** Renders a file's hunks in the numbered form the instructions describe. */
export function renderFile(file: DiffFile, hunks: readonly Hunk[]): string {
  const header =
    `FILE: ${file.path}\n` +
    (file.previousPath ? `(renamed from ${file.previousPath})\n` : '')
  const body = hunks.map((hunk) => {
    const lines = hunk.lines.map((line) => {
      if (line.kind === 'del') return `${line.oldLine}-${line.text}`
      const marker = line.kind === 'add' ? '+' : ' '
      return `${line.newLine}${marker}${line.text}`
    })
    const title = hunk.section ? `@@ ${hunk.section}` : '@@'
    return [title, ...lines].join('\n')
  })
  return neutraliseTags(`${header}${body.join('\n')}\n`)
}

/**
 * Files in a stable order, most important first, so that a budget cut
 * drops documentation before code: source, then tests, then the rest.
 */
export function orderFiles(files: readonly DiffFile[]): DiffFile[] {
  return [...files].sort(
    (a, b) =>
      importance(a.path) - importance(b.path) ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  )
}

const TEST_PATH =
  /(^|\/)(tests?|__tests__|spec|specs)\/|[._-](test|spec)\.[^/]+$|_test\.go$/i
const SOURCE_PATH =
  /\.(c|cc|cpp|cs|cxx|dart|ex|exs|go|h|hpp|java|js|jsx|kt|kts|lua|m|mjs|cjs|php|pl|py|rb|rs|scala|sh|sql|swift|ts|tsx|vue|svelte|zig)$/i

function importance(path: string): number {
  if (TEST_PATH.test(path)) return 1
  if (SOURCE_PATH.test(path)) return 0
  return 2
}

// The delimiters the instructions rely on. Untrusted text cannot open or
// close them: "<" becomes "&lt;" there, which a model still reads.
const DELIMITER = /<(\/?)(pr-data|diff|guidelines|title|description)(?=[\s/>]|$)/gi

export function neutraliseTags(text: string): string {
  return text.replace(DELIMITER, '&lt;$1$2')
}
