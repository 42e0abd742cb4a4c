import { readFileSync } from 'node:fs'
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
    const read_ = [...source.matchAll(/\b(?:input|secret)\('([a-z0-9-]+)'\)/g)].map((m) => m[1])
    expect(new Set(read_)).toEqual(new Set(Object.keys(readAction().inputs)))
  })

  it('sets every output action.yml declares, and no other', () => {
    const source = read('src/main.ts')
    const set = [...source.matchAll(/core\.setOutput\(\s*'([a-z-]+)'/g)].map((m) => m[1])
    expect(new Set(set)).toEqual(new Set(Object.keys(readAction().outputs)))
  })

  it('runs the bundle on Node 24', () => {
    const action = readAction() as unknown as { runs: { using: string; main: string } }
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
