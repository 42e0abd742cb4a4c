import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runDemo } from '../../demo/load'

describe('the demo (npm run demo)', () => {
  it('reviews the sample pull request: four comments inline, one in the body, binary and lockfile left out', async () => {
    const { run, review, modelCalls } = await runDemo()
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    expect(modelCalls).toBe(1)
    expect(
      review?.comments.map((c) => [
        c.path,
        c.start_line ?? null,
        c.line,
        c.side,
      ]),
    ).toEqual([
      ['src/inventory/import.ts', 25, 27, 'RIGHT'],
      ['src/inventory/import.ts', null, 15, 'RIGHT'],
      ['src/inventory/config.ts', null, 9, 'RIGHT'],
      ['src/inventory/import.ts', null, 17, 'RIGHT'],
    ])
    expect(review?.body).toContain('**`src/db.ts`**\n- Line 12 - ')
    expect(review?.body).toContain('`docs/stock-levels.png`: binary file')
    expect(review?.body).toContain('`package-lock.json`: lockfile')
    expect(run.summary).toMatch(
      /## Cost-aware review: \$0\.\d+ · deepseek `deepseek-flash`/,
    )
    expect(run.outputs.comments).toBe('4')
  })
})

describe('the README', () => {
  it('quotes what the demo posts and summarizes, line for line', async () => {
    const readme = readFileSync(
      resolve(import.meta.dirname, '../../README.md'),
      'utf8',
    )
    const section = readme.slice(
      readme.indexOf('## What it posts'),
      readme.indexOf('## Use it'),
    )
    const quoted = section
      .split('\n')
      .filter((line) => line.startsWith('> ') && line.length > 12)
      .map((line) => line.slice(2))
    expect(quoted.length).toBeGreaterThan(20)

    const { run, review } = await runDemo()
    // Dollars follow DeepSeek's peak hours and the emulator's port changes.
    const normalise = (text: string) =>
      text
        .replace(/\$\d+\.\d+/g, '$N')
        .replace(/http:\/\/127\.0\.0\.1:\d+/g, 'https://api.deepseek.com')
    const printed = normalise(
      [
        review?.body ?? '',
        ...(review?.comments.map((c) => c.body) ?? []),
        run.summary,
      ].join('\n'),
    )
    const missing = quoted.filter((line) => !printed.includes(normalise(line)))
    expect(missing).toEqual([])
  })
})
