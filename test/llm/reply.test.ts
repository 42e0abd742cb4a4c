import { describe, expect, it } from 'vitest'
import { parseReply, ReplyFormatError } from '../../src/llm/reply'

const finding = {
  path: 'src/a.ts',
  line: 12,
  side: 'RIGHT',
  severity: 'major',
  body: 'Close the file handle in a finally block.',
}

describe('parseReply', () => {
  it('reads a plain JSON reply', () => {
    const reply = parseReply(
      JSON.stringify({ summary: 'One leak.', comments: [finding] }),
    )
    expect(reply).toEqual({
      summary: 'One leak.',
      findings: [
        {
          path: 'src/a.ts',
          line: 12,
          side: 'RIGHT',
          severity: 'major',
          body: 'Close the file handle in a finally block.',
        },
      ],
      rejected: [],
    })
  })

  it('recovers JSON wrapped in one Markdown fence', () => {
    const content =
      '```json\n' +
      JSON.stringify({ summary: 's', comments: [finding] }) +
      '\n```'
    expect(parseReply(content).findings).toHaveLength(1)
  })

  it('recovers JSON with a sentence around it', () => {
    const content = `Here is my review:\n${JSON.stringify({ summary: 's', comments: [] })}\nThanks!`
    expect(parseReply(content).summary).toBe('s')
  })

  it('keeps optional fields and drops null ones', () => {
    const reply = parseReply(
      JSON.stringify({
        summary: '',
        comments: [
          { ...finding, start_line: 10, suggestion: 'x()', quote: 'y()' },
          {
            ...finding,
            start_line: null,
            suggestion: null,
            quote: null,
            side: null,
          },
        ],
      }),
    )
    expect(reply.findings[0]).toMatchObject({
      startLine: 10,
      suggestion: 'x()',
      quote: 'y()',
    })
    expect(reply.findings[1]).not.toHaveProperty('startLine')
    expect(reply.findings[1]).not.toHaveProperty('suggestion')
    expect(reply.findings[1]).not.toHaveProperty('side')
  })

  it('accepts numeric strings and any letter case where the meaning is clear', () => {
    const reply = parseReply(
      JSON.stringify({
        comments: [
          { ...finding, line: '7', side: 'left', severity: 'Critical' },
        ],
      }),
    )
    expect(reply.findings[0]).toMatchObject({
      line: 7,
      side: 'LEFT',
      severity: 'critical',
    })
  })

  it('drops and names every item that does not match the shape, quoting its text', () => {
    const quoted = ' ("Close the file handle in a finally block." on src/a.ts)'
    const reply = parseReply(
      JSON.stringify({
        summary: 's',
        comments: [
          finding,
          { ...finding, line: 0 },
          { ...finding, severity: 'urgent' },
          { ...finding, body: '' },
          { ...finding, side: 'UP' },
          'not an object',
          { ...finding, path: undefined },
        ],
      }),
    )
    expect(reply.findings).toHaveLength(1)
    expect(reply.rejected).toEqual([
      `comments[1]: missing or invalid "line"${quoted}`,
      `comments[2]: invalid "severity" "urgent"${quoted}`,
      'comments[3]: missing "body"',
      `comments[4]: invalid "side" "UP"${quoted}`,
      'comments[5]: not an object',
      'comments[6]: missing "path" ("Close the file handle in a finally block.")',
    ])
  })

  it('refuses replies that hold no JSON object', () => {
    expect(() => parseReply('')).toThrow(ReplyFormatError)
    expect(() => parseReply('I found no problems.')).toThrow(/not valid JSON/)
    expect(() => parseReply('[1, 2]')).toThrow(/not an object/)
    expect(() => parseReply('{"summary": "cut off')).toThrow(ReplyFormatError)
  })
})

describe('parseReply with severities in other words', () => {
  it('files them on the scale instead of dropping the finding', () => {
    const words = ['Blocker', 'high', 'medium', 'LOW', 'info']
    const reply = parseReply(
      JSON.stringify({
        summary: 's',
        comments: words.map((severity) => ({ ...finding, severity })),
      }),
    )
    expect(reply.rejected).toEqual([])
    expect(reply.findings.map((item) => item.severity)).toEqual([
      'critical',
      'major',
      'minor',
      'nit',
      'nit',
    ])
  })
})

describe('parseReply with a missing severity', () => {
  it('keeps the finding as minor rather than losing it', () => {
    const { severity: _omitted, ...rest } = finding
    const reply = parseReply(JSON.stringify({ comments: [rest] }))
    expect(reply.findings[0]?.severity).toBe('minor')
    expect(reply.rejected).toEqual([])
  })
})

describe('parseReply without findings', () => {
  it('refuses a reply that has no "comments" array rather than calling it clean', () => {
    expect(() => parseReply('{"summary": "ok", "issues": []}')).toThrow(
      /no "comments" array \(keys: summary, issues\)/,
    )
    expect(() => parseReply('{}')).toThrow(ReplyFormatError)
    expect(() => parseReply('{"comments": {"path": "a"}}')).toThrow(
      ReplyFormatError,
    )
  })
})
