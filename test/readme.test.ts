import { readdirSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readAction, renderReadme } from '../scripts/readme-tables'

const root = resolve(import.meta.dirname, '..')
const read = (path: string) => readFileSync(resolve(root, path), 'utf8')

describe('action.yml, the README and the settings module', () => {
  it('the README tables are generated from action.yml (run npm run readme)', () => {
    const readme = read('README.md')
    expect(renderReadme(readme)).toBe(readme)
  })

  it('the settings module reads exactly the inputs action.yml declares', () => {
    const source = read('src/settings.ts')
    const read_ = [
      ...source.matchAll(/\b(?:input|secret)\('([a-z0-9-]+)'\)/g),
    ].map((m) => m[1])
    expect(new Set(read_)).toEqual(new Set(Object.keys(readAction().inputs)))
  })

  it('sets every output action.yml declares, and no other', () => {
    const source = read('src/main.ts') + read('src/report/outputs.ts')
    const set = [...source.matchAll(/core\.setOutput\(\s*'([a-z-]+)'/g)].map(
      (m) => m[1],
    )
    expect(new Set(set)).toEqual(new Set(Object.keys(readAction().outputs)))
  })

  it('runs the bundle on Node 24', () => {
    const action = readAction() as unknown as {
      runs: { using: string; main: string }
    }
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })

  it('opens with exactly two commands: the demo and the tests', () => {
    const firstScreen = read('README.md').split('\n').slice(0, 40).join('\n')
    const block = /```sh\n([\s\S]*?)```/.exec(firstScreen)?.[1] ?? ''
    const commands = block.split('\n').filter((line) => line.trim() !== '')
    expect(commands.map((line) => line.replace(/\s+#.*$/, ''))).toEqual([
      'npm ci && npm run demo',
      'npm test',
    ])
  })
})

describe('the troubleshooting table', () => {
  // Distinctive pieces of the messages the action prints, each written in
  // one string literal in src/: the test fails when a message changes
  // without its row, or a row outlives its message.
  const messages = [
    '; valid values are ',
    '; use true or false.',
    ', which is not a URL; ',
    'only http:// and https:// URLs work',
    'has an invalid glob',
    ', in plain decimal digits.',
    'but neither `escalate-paths` nor `escalate-min-changes` is set',
    '`public-provider` and `private-provider` already name, so it ',
    "already sends this repository's reviews ",
    'is not valid JSON',
    'must be a JSON object',
    'has unknown field(s) ',
    'a cache hit never costs more than a ',
    'is empty. Leave it unset',
    ', which would send private ',
    'A provider is `self-hosted` but input `self-hosted-url` is empty',
    'Could not read the event payload at GITHUB_EVENT_PATH',
    'The event names no repository',
    'is not a pull request event',
    'draft pull request',
    'opened by the bot',
    'the pull request has the label',
    'this pull request comes from a fork',
    "The workspace holds the pull request's head commit under ",
    'rejected the API key (401)',
    'reports insufficient balance (402)',
    'account is out of quota (429)',
    'kept rate-limiting the call (429)',
    'does not know the model',
    'answered 404 without naming the model: the base URL is ',
    'rejected the request for',
    'refused the request (403)',
    'found the prompt too long',
    'did not answer in time',
    'could not reach',
    'model output truncated at ',
    'unusable reply:',
    'is set, but no price is known for',
    'Too large for one model call, not reviewed',
    'GitHub refused the review (',
    'GitHub refused to post the review (403',
    'Could not post the review',
    '; retrying in ',
    'which is not a file at',
    'Every model call failed; see the job summary.',
    'replaced by placeholders before any model saw the pull request',
    'contains text addressed to AI reviewers',
    'did not match the expected shape and',
  ]
  // Every message, wherever in src/ it is written.
  const source = readdirSync(resolve(root, 'src'), {
    recursive: true,
    encoding: 'utf8',
  })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => read(`src/${name}`))
    .join('\n')
  const readme = read('README.md')
  const table = readme.slice(
    readme.indexOf('## Troubleshooting'),
    readme.indexOf('## Develop'),
  )

  it.each(messages)(
    'has a row for "%s", a message the action prints',
    (message) => {
      expect(source).toContain(message)
      const words = message
        .replace(/[`'.;:,()]/g, ' ')
        .split(/\s+/)
        .filter((w) => w.length > 3)
      const hits = words.filter((word) => table.includes(word))
      expect(hits.length / words.length).toBeGreaterThanOrEqual(0.75)
    },
  )
})
