/**
 * Making untrusted text safe to publish: file names, provider errors, and
 * model text, since the model reads text anyone can write in a pull
 * request. None of it can ping people or teams, add HTML (images, hidden
 * comments) or forge this action's hidden markers.
 */

// A zero-width space keeps the text readable and breaks what GitHub would
// act on. It is inserted everywhere, code spans included: Markdown's rules
// for where code starts and ends are too subtle to trust a regex with, and
// in code the character is invisible.
const ZERO_WIDTH_SPACE = '\u200b'

/**
 * Neutralises what GitHub would act on in text others wrote: mentions of
 * users and teams, and raw HTML (tags, and comments such as this action's
 * hidden markers). Markdown is left as written.
 */
export function sanitizeModelText(text: string): string {
  return (
    text
      // GitHub links @name after the start or any non-word character, so
      // after "-", "." or "+" too (html-pipeline's MentionFilter matches
      // (?:^|\W)@name). Only a letter or digit before the @ is left alone:
      // user@example.com is an address, not a mention.
      .replace(/(?<![A-Za-z0-9])@(?=[A-Za-z0-9_-])/g, `@${ZERO_WIDTH_SPACE}`)
      // Raw HTML (a tag, a closing tag, a comment, a declaration) starts
      // with "<" right before a letter, "/", "!" or "?" (CommonMark, "Raw
      // HTML"): with a character between them it is text. Unlike &lt;,
      // the character stays invisible in code spans, where model text
      // often writes types such as Vec<T>.
      .replace(/<(?=[A-Za-z/!?])/g, `<${ZERO_WIDTH_SPACE}`)
      .replace(/-->/g, `--${ZERO_WIDTH_SPACE}>`)
  )
}

/** Untrusted text as a block of Markdown: sanitized, its fences closed. */
export function blockText(text: string, limit = Infinity): string {
  return closeFences(cut(sanitizeModelText(text), limit))
}

// A fence line, after any indentation and list marker ("- ", "2. ").
const FENCE_LINE = /^( *(?:(?:[-*+]|\d{1,9}[.)]) +)?)(`{3,}|~{3,})(.*)$/

/**
 * Text with a code fence it left open closed at its end: an unclosed fence
 * would turn the rest of the review, footer included, into code. Fences as
 * CommonMark reads them: three or more backticks or tildes, closed by a run
 * of the same character at least as long, with nothing after it. A fence
 * opened in a list item is closed at the item's indentation, since a
 * closing line at the margin would end the list and open a fence anew.
 */
export function closeFences(text: string): string {
  let open: { run: string; indent: string } | undefined
  for (const line of text.split('\n')) {
    const fence = FENCE_LINE.exec(line)
    if (!fence) continue
    const [, before = '', run = '', rest = ''] = fence
    if (open === undefined) {
      // A backtick fence's info string may not hold a backtick.
      if (!(run.startsWith('`') && rest.includes('`'))) {
        open = { run, indent: ' '.repeat(before.length) }
      }
    } else if (
      run[0] === open.run[0] &&
      run.length >= open.run.length &&
      rest.trim() === ''
    ) {
      open = undefined
    }
  }
  return open === undefined ? text : `${text}\n${open.indent}${open.run}`
}

/**
 * Untrusted text as one line of Markdown, such as a list item or a note:
 * sanitized, and on one line so that it cannot end the item or start a
 * block of its own.
 */
export function inlineText(text: string): string {
  return oneLine(sanitizeModelText(text))
}

/** Text with its line breaks, and the spaces around them, made one space. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]\s*/g, ' ')
}

/**
 * Model text for one cell of a Markdown table in the job summary, which is
 * rendered as HTML: everything is escaped, then inline code becomes
 * <code> elements (whose escaped content shows as typed), and neither a
 * pipe nor a line break can end the cell or the row.
 */
export function tableCell(text: string): string {
  return sanitizeModelText(escapeHtml(oneLine(text)))
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\|/g, '&#124;')
}

/** A path in a table cell: code, with its pipes escaped for the table. */
export function tablePath(path: string): string {
  return codePath(path).replace(/\|/g, '\\|')
}

/** Cuts text to `limit` characters, saying so. */
export function cut(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… (cut)`
}

/** Escapes text for HTML, for the job summary. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}

/** A fence longer than any run of backticks in `code`. */
export function fenceFor(code: string): string {
  return '`'.repeat(Math.max(3, longestBacktickRun(code) + 1))
}

function longestBacktickRun(text: string): number {
  let longest = 0
  for (const match of text.matchAll(/`+/g)) {
    longest = Math.max(longest, match[0].length)
  }
  return longest
}

/** Formats a count with thousands separators. */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US')
}

/** Formats dollars with enough digits to show sub-cent reviews. */
export function formatUsd(value: number): string {
  if (value === 0) return '$0'
  if (value < 0.01) return `$${value.toFixed(6)}`
  return `$${value.toFixed(4)}`
}

/**
 * A path as inline code, whatever it holds. A code span ends only at a run
 * of exactly as many backticks as opened it (CommonMark, "Code spans"): a
 * fence longer than any run in the path cannot end early, and spaces keep
 * a backtick at either end of the path off the fence. One space each side
 * is dropped when rendered, so a path's own spaces at both ends get one
 * more each. The path is made one line, since a line break could end the
 * paragraph the span is in, and sanitized, in case a renderer reads the
 * span otherwise.
 */
export function codePath(path: string): string {
  const text = inlineText(path)
  const fence = '`'.repeat(longestBacktickRun(text) + 1)
  const pad = /`|^ | $/.test(text) ? ' ' : ''
  return `${fence}${pad}${text}${pad}${fence}`
}
