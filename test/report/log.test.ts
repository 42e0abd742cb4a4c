import * as core from '@actions/core'
import { describe, expect, it, vi } from 'vitest'
import { logUntrusted } from '../../src/report/log'
import { workflowCommands } from '../helpers'

vi.mock('@actions/core', () => ({ info: vi.fn() }))

/** What logUntrusted writes to the step's output. */
function logged(text: string): string {
  vi.mocked(core.info).mockClear()
  logUntrusted(text)
  return vi
    .mocked(core.info)
    .mock.calls.map(([message]) => `${message}\n`)
    .join('')
}

describe('logUntrusted', () => {
  it('logs the text whole, and no workflow command in it runs', () => {
    const text = [
      'review: docs/x',
      '::error title=Spoofed::AWS key leaked in main, rotate now',
      '  ::set-output name=findings::0',
      'a line with ##[add-mask]secret inside',
      '::stop-commands::pwned',
      '::pwned::',
      '::warning::after the attacker resumed',
    ].join('\n')
    const output = logged(text)
    expect(output).toContain(text)
    // Only the stop itself, which the runner echoes as it is.
    const commands = workflowCommands(output)
    expect(commands).toHaveLength(1)
    expect(commands[0]).toMatch(/^::stop-commands::[0-9a-f]{32}$/)
  })

  it('stops with a new token each time, so no text can learn it', () => {
    const tokens = [logged('a: b'), logged('a: b')].map(
      (output) => /^::stop-commands::(\w+)$/m.exec(output)?.[1],
    )
    expect(tokens[0]).toMatch(/^[0-9a-f]{32}$/)
    expect(tokens[1]).not.toBe(tokens[0])
  })

  it('logs text that cannot hold a command as it is', () => {
    const line = '  1,200 prompt tokens (50% cached), 80 output tokens'
    expect(logged(line)).toBe(`${line}\n`)
  })
})
