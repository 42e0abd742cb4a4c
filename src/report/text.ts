/**
 * Making model text safe to publish. The model reads text anyone can write
 * in a pull request, so what it writes is treated as untrusted too: it
 * cannot ping people or teams and cannot forge this action's hidden markers.
 */

// Fenced blocks and inline code spans; mentions in code never notify, and
// code must stay byte-exact.
const CODE = /(```[\s\S]*?(?:```|$)|`[^`\n]*`)/g

/** Neutralises mentions and HTML comments outside code. */
export function sanitizeModelText(text: string): string {
  return text
    .split(CODE)
    .map((part, index) => (index % 2 === 1 ? part : sanitizeProse(part)))
    .join('')
}

function sanitizeProse(text: string): string {
  return neutraliseMentions(
    text.replace(/<!--/g, '&lt;!--').replace(/-->/g, '--&gt;'),
  )
}

// A zero-width space after "@" keeps the text readable and the mention
// inert, for users and teams (@org/team) alike.
function neutraliseMentions(text: string): string {
  return text.replace(/(^|[^\w`])@(?=[A-Za-z0-9])/g, '$1@&#8203;')
}

/**
 * Model text for one cell of a Markdown table in the job summary: HTML is
 * escaped outside code spans (inside them it is shown as typed anyway),
 * pipes cannot end the cell, and line breaks cannot end the row.
 */
export function tableCell(text: string): string {
  return text
    .replace(/\s*\n\s*/g, ' ')
    .split(CODE)
    .map((part, index) =>
      index % 2 === 1 ? part : neutraliseMentions(escapeHtml(part)),
    )
    .join('')
    .replace(/\|/g, '\\|')
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
