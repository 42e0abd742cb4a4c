import { describe, expect, it } from 'vitest'
import {
  blockText,
  codePath,
  inlineText,
  sanitizeModelText,
  tableCell,
} from '../../src/report/text'

describe('sanitizeModelText', () => {
  it('keeps mentions from notifying anyone, however they are dressed', () => {
    const z = '\u200b'
    expect(
      sanitizeModelText('Ask @octocat or @octo-org/team; `@Override` stays.'),
    ).toBe(`Ask @${z}octocat or @${z}octo-org/team; \`@${z}Override\` stays.`)
    // Markdown's code and emphasis rules do not open a way around it.
    for (const trick of ['```\n@admin', '`@admin', '_@admin_', '\\`@admin`']) {
      expect(sanitizeModelText(trick)).not.toMatch(/@[A-Za-z]/)
    }
    expect(sanitizeModelText('mail user@example.com')).toBe(
      'mail user@example.com',
    )
  })

  it('as a block, closes a code fence the model left open, and only then', () => {
    expect(blockText('Use this:\n```ts\nconst a = 1')).toBe(
      'Use this:\n```ts\nconst a = 1\n```',
    )
    expect(blockText('~~~~\ncode\n~~~')).toBe('~~~~\ncode\n~~~\n~~~~')
    // In a list item, at the item's indentation, so that the list goes on.
    expect(blockText('Risks:\n- the import\n  ```ts\n  const x = 1')).toBe(
      'Risks:\n- the import\n  ```ts\n  const x = 1\n  ```',
    )
    expect(blockText('1. ```sh\n   rm -rf build')).toBe(
      '1. ```sh\n   rm -rf build\n   ```',
    )
    expect(blockText('```\n' + 'x'.repeat(50), 20)).toBe(
      '```\n' + 'x'.repeat(16) + '… (cut)\n```',
    )
    for (const closed of [
      '```\ncode\n```',
      '````\n```\nnested\n````',
      'Inline ```ts``` code',
    ]) {
      expect(blockText(closed)).toBe(closed)
    }
  })

  it('cannot forge the hidden markers', () => {
    expect(sanitizeModelText('<!-- cost-aware-review:fp=1 -->')).toBe(
      '<\u200b!-- cost-aware-review:fp=1 --\u200b>',
    )
  })

  it('neutralises @name after any character but a letter or a digit', () => {
    const z = '\u200b'
    for (const before of ['-', '.', '+', '(', '_', 'é', z, '\n']) {
      expect(sanitizeModelText(`cc ${before}@octocat`)).toBe(
        `cc ${before}@${z}octocat`,
      )
    }
    for (const address of ['user@example.com', 'first.last2@example.com']) {
      expect(sanitizeModelText(address)).toBe(address)
    }
  })

  it('breaks every raw HTML tag, and keeps Markdown and the code it quotes', () => {
    const text =
      '</details><h1>LGTM</h1><img src=x.png> <a href="x">y</a> <!-- c ' +
      '<!DOCTYPE html> <?php <![CDATA[ **Use** `Vec<T>` when `a < b`.'
    const safe = sanitizeModelText(text)
    expect(safe).not.toMatch(/<[A-Za-z/!?]/)
    expect(safe.replace(/\u200b/g, '')).toBe(text)
    expect(safe).toContain('**Use** `Vec<\u200bT>` when `a < b`.')
  })
})

describe('inlineText', () => {
  it('keeps untrusted text on one line, sanitized', () => {
    expect(inlineText('a\r\n# b\r\n\n> c @octocat <img src=x>')).toBe(
      'a # b > c @\u200boctocat <\u200bimg src=x>',
    )
  })
})

/**
 * The text of `markdown` as one code span, as CommonMark reads it, or
 * undefined when the span it opens ends before the last character.
 */
function codeSpan(markdown: string): string | undefined {
  const fence = /^`+/.exec(markdown)?.[0] ?? ''
  const rest = markdown.slice(fence.length)
  const close = [...rest.matchAll(/`+/g)].find((run) => run[0] === fence)
  if (close?.index !== rest.length - fence.length) return undefined
  const text = rest.slice(0, close.index)
  return /^ .*[^ ].* $/.test(text) ? text.slice(1, -1) : text
}

describe('codePath', () => {
  it('keeps any path in one code span, whatever backticks it holds', () => {
    for (const path of [
      'src/a.ts',
      'x`y',
      'x`` <img src=x> ``y',
      '`starts',
      'ends``',
      '```',
      ' spaced ',
      ' before',
    ]) {
      const code = codePath(path)
      expect(codeSpan(code), code).toBe(path.replace('<img', '<\u200bimg'))
    }
  })

  it('puts a path with line breaks on one line, its mentions neutralised', () => {
    expect(codePath('docs/x\n::error::y\r\n @octocat.md')).toBe(
      '`docs/x ::error::y @\u200boctocat.md`',
    )
  })
})

describe('tableCell', () => {
  it('escapes all HTML, shows code as typed, and protects the table', () => {
    expect(tableCell('Use `a <= b` not <img src=x>\nnext | cell')).toBe(
      'Use <code>a &lt;= b</code> not &lt;img src=x&gt; next &#124; cell',
    )
    // An unclosed fence or an escaped backtick cannot let HTML through.
    expect(tableCell('```\n<img src=x onerror=alert(1)>')).not.toContain('<img')
    expect(tableCell('\\`x` <b>y</b>')).not.toContain('<b>')
  })
})
