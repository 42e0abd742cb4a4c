/**
 * Prompt building: renders the reviewed files with explicit line numbers and
 * packs them into calls under a token budget. Every call starts with the same
 * bytes (instructions, guidelines, title and description) so that all calls
 * after the first, and every re-run, read that prefix from the cache.
 */
import type { DiffFile, DiffLine, Hunk } from '../diff/model'
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
  /**
   * The same review as two or more smaller calls, for a reply cut off at
   * the output cap or a prompt over the context window; undefined when the
   * call shows a single line and cannot be split.
   */
  readonly split?: () => readonly PromptCall[]
}

/** What a prompt shows of a file: its path and the hunks to review. */
export type ReviewFile = Pick<DiffFile, 'path' | 'previousPath' | 'hunks'>

/** What every call of a review shares, besides the instructions. */
export interface PromptContext {
  readonly title: string
  readonly description: string
  /** The repository's guidelines file, read from the base revision. */
  readonly guidelines: string | null
}

export interface PromptInput extends PromptContext {
  readonly files: readonly ReviewFile[]
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
  readonly tooLarge: readonly FilePart[]
}

/** A file, or the part of it that starts at `fromLine`. */
export interface FilePart {
  readonly path: string
  readonly fromLine?: number
}

// Room for the per-call task line and the chat format's own tokens.
const TASK_RESERVE = 80

/** Plans the calls that review `input.files`. */
export function planCalls(input: PromptInput, options: PlanOptions): Plan {
  const prefix = sharedPrefix(input)
  const { count } = options
  const fixed = count(INSTRUCTIONS) + count(prefix) + TASK_RESERVE
  const room = options.maxPromptTokens - fixed

  const chunks: Array<{ blocks: Block[]; tokens: number }> = []
  const tooLarge: FilePart[] = []
  let current: (typeof chunks)[number] | undefined

  for (const block of orderFiles(input.files).flatMap((file) =>
    fileBlocks(file, room, count),
  )) {
    if (block.tokens > room) {
      tooLarge.push(block.part)
      continue
    }
    if (!current || current.tokens + block.tokens > room) {
      current = { blocks: [], tokens: 0 }
      chunks.push(current)
    }
    current.blocks.push(block)
    current.tokens += block.tokens
  }

  const calls = chunks.map((chunk, index): PromptCall => {
    const text = chunk.blocks.map((block) => block.text).join('')
    const user = prefix + text + closing(index, chunks.length)
    const lines = chunk.blocks.reduce(
      (sum, block) =>
        sum + block.file.hunks.reduce((n, h) => n + h.lines.length, 0),
      0,
    )
    return {
      messages: [
        { role: 'system' as const, content: INSTRUCTIONS },
        { role: 'user' as const, content: user },
      ],
      paths: [...new Set(chunk.blocks.map((block) => block.file.path))],
      estimatedTokens: count(INSTRUCTIONS) + count(user),
      ...(lines > 1
        ? {
            split: () =>
              planCalls(
                { ...input, files: chunk.blocks.map((block) => block.file) },
                { count, maxPromptTokens: fixed + Math.ceil(chunk.tokens / 2) },
              ).calls,
          }
        : {}),
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
  const description = cleanDescription(input.description) || '(none)'
  return (
    guidelines +
    '<pr-data>\n' +
    `<title>${neutraliseTags(input.title.trim())}</title>\n` +
    `<description>\n${neutraliseTags(description)}\n</description>\n` +
    '<diff>\n'
  )
}

// Descriptions longer than this are cut: past a few paragraphs a
// description rarely changes what a reviewer should look for.
const MAX_DESCRIPTION_LENGTH = 3000

/**
 * The description as the model needs it: without HTML comments (template
 * hints nobody sees rendered, and a place to hide instructions), commit
 * trailers and runs of blank lines, and cut when very long.
 */
export function cleanDescription(text: string): string {
  const cleaned = text
    .replace(/\r\n?/g, '\n')
    .replace(/<!--[\s\S]*?(?:-->|$)/g, '')
    .replace(
      /^(?:Signed-off-by|Co-authored-by|Reviewed-by|Change-Id):.*$/gim,
      '',
    )
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
  return cleaned.length <= MAX_DESCRIPTION_LENGTH
    ? cleaned
    : `${cleaned.slice(0, MAX_DESCRIPTION_LENGTH)}\n(description cut here)`
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
  /** The file with only the hunks this block shows. */
  readonly file: ReviewFile
  readonly part: FilePart
  readonly text: string
  readonly tokens: number
}

/**
 * A file as one block, or, when it does not fit one call, as several blocks
 * of hunks, each repeating the file header. A hunk larger than a call, as a
 * large new file is, is cut between lines: every line carries its number,
 * so the pieces anchor as well as the whole.
 */
function fileBlocks(
  file: ReviewFile,
  room: number,
  count: TokenCounter,
): Block[] {
  const whole = renderFile(file, file.hunks)
  const tokens = count(whole)
  if (tokens <= room) {
    return [{ file, part: { path: file.path }, text: whole, tokens }]
  }

  const space = room - count(fileHeader(file))
  const pieces = file.hunks.flatMap((hunk) => splitHunk(hunk, space, count))
  const blocks: Block[] = []
  let group: Array<{ hunk: Hunk; tokens: number }> = []
  const flush = (): void => {
    const hunks = group.map((piece) => piece.hunk)
    const [head] = hunks
    if (!head) return
    const text = renderFile(file, hunks)
    const first = head.lines.find((line) => line.newLine !== null)
    blocks.push({
      file: { ...file, hunks },
      part: { path: file.path, fromLine: first?.newLine ?? head.newStart },
      text,
      tokens: count(text),
    })
    group = []
  }
  for (const hunk of pieces) {
    const piece = { hunk, tokens: count(renderHunk(hunk)) + 1 }
    const used = group.reduce((sum, item) => sum + item.tokens, 0)
    if (group.length > 0 && used + piece.tokens > space) flush()
    group.push(piece)
  }
  flush()
  return blocks
}

/** A hunk cut between lines into pieces that each fit `space` tokens. */
function splitHunk(hunk: Hunk, space: number, count: TokenCounter): Hunk[] {
  if (count(renderHunk(hunk)) <= space) return [hunk]
  // Per-line counts add up to a little more than the joined text's count,
  // so pieces stay within the budget.
  const title = count(renderHunk({ ...hunk, lines: [] })) + 1
  const pieces: Hunk[] = []
  let lines: DiffLine[] = []
  let used = title
  for (const line of hunk.lines) {
    const tokens = count(renderLine(line)) + 1
    if (lines.length > 0 && used + tokens > space) {
      pieces.push({ ...hunk, lines })
      lines = []
      used = title
    }
    lines.push(line)
    used += tokens
  }
  if (lines.length > 0) pieces.push({ ...hunk, lines })
  return pieces
}

/** Renders a file's hunks in the numbered form the instructions describe. */
export function renderFile(file: ReviewFile, hunks: readonly Hunk[]): string {
  return neutraliseTags(
    `${fileHeader(file)}${hunks.map(renderHunk).join('\n')}\n`,
  )
}

function fileHeader(file: ReviewFile): string {
  return (
    `FILE: ${file.path}\n` +
    (file.previousPath ? `(renamed from ${file.previousPath})\n` : '')
  )
}

function renderHunk(hunk: Hunk): string {
  const title = hunk.section ? `@@ ${hunk.section}` : '@@'
  return [title, ...hunk.lines.map(renderLine)].join('\n')
}

function renderLine(line: DiffLine): string {
  if (line.kind === 'del') return `${line.oldLine}-${line.text}`
  return `${line.newLine}${line.kind === 'add' ? '+' : ' '}${line.text}`
}

/**
 * Files in a stable order, most important first, so that a budget cut
 * drops documentation before code: source, then tests, then the rest.
 */
export function orderFiles<T extends ReviewFile>(files: readonly T[]): T[] {
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
const DELIMITER =
  /<[\s\u200b-\u200d\u2060\ufeff]*(\/?)[\s\u200b-\u200d\u2060\ufeff]*(pr-data|diff|guidelines|title|description)(?=[^a-z0-9-]|$)/gi

export function neutraliseTags(text: string): string {
  return text.replace(DELIMITER, '&lt;$1$2')
}
