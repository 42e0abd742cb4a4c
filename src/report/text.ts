/**
 * Making model text safe to publish. The model reads text anyone can write
 * in a pull request, so what it writes is treated as untrusted too: it
 * cannot ping people or teams and cannot forge this action's hidden markers.
 */

// A zero-width space keeps the text readable and breaks what GitHub would
// act on. It is inserted everywhere, code spans included: Markdown's rules
// for where code starts and ends are too subtle to trust a regex with, and
// in code the character is invisible.
const ZERO_WIDTH_SPACE = '\u200b'

/** Neutralises mentions of users and teams, and HTML comment markers. */
export function sanitizeModelText(text: string): string {
  return (
    text
      // Not after a letter or digit: user@example.com is an address, which
      // GitHub does not treat as a mention.
      .replace(
        /(^|[^A-Za-z0-9.+-])@(?=[A-Za-z0-9_-])/g,
        `$1@${ZERO_WIDTH_SPACE}`,
      )
      .replace(/<!--/g, `<${ZERO_WIDTH_SPACE}!--`)
      .replace(/-->/g, `--${ZERO_WIDTH_SPACE}>`)
  )
}

/**
 * Model text as one line of a Markdown list in the review body: sanitized,
 * with HTML brackets escaped, since it is not in a code span.
 */
export function inlineText(text: string): string {
  return sanitizeModelText(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
}

/**
 * Model text for one cell of a Markdown table in the job summary, which is
 * rendered as HTML: everything is escaped, then inline code becomes
 * <code> elements (whose escaped content shows as typed), and neither a
 * pipe nor a line break can end the cell or the row.
 */
export function tableCell(text: string): string {
  return sanitizeModelText(escapeHtml(text.replace(/\s*\n\s*/g, ' ')))
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
  const longest = Math.max(
    2,
    ...[...code.matchAll(/`+/g)].map((match) => match[0].length),
  )
  return '`'.repeat(longest + 1)
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

/** A path as inline code, safe for any characters in it. */
export function codePath(path: string): string {
  const fence = path.includes('`') ? '`` ' : '`'
  const close = path.includes('`') ? ' ``' : '`'
  return `${fence}${path}${close}`
}
