/**
 * The shared pull-request fixtures as the benchmark reads them, and the two
 * routes each is measured on. This module stays light: the memory probe
 * loads it too, and must not pull in the emulators or the tokenizer before
 * it starts measuring.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { GitHubFile } from '../test/emulators/github'
import { FIXTURES_DIR } from '../test/shared'

export type Provider = 'deepseek' | 'openai'

/** The model each route reviews with by default (action.yml). */
export const MODELS: Readonly<Record<Provider, string>> = {
  deepseek: 'deepseek-flash',
  openai: 'gpt-5',
}

export interface PullRequestEvent {
  readonly repository: Readonly<Record<string, unknown>>
  readonly pull_request: {
    readonly title?: string
    readonly body?: string | null
  }
}

export interface Fixture {
  readonly slug: string
  readonly dir: string
  readonly event: PullRequestEvent
  /** The "List pull request files" entries, patches as GitHub sends them. */
  readonly files: readonly GitHubFile[]
  /** Read from the base revision, as the action does; null when absent. */
  readonly guidelines: string | null
  readonly isPrivate: boolean
}

// The action's default `guidelines-file`.
const GUIDELINES = '.github/review-guidelines.md'

export function readFixture(slug: string): Fixture {
  const dir = join(FIXTURES_DIR, slug)
  const meta = readJson(join(dir, 'meta.json')) as { private?: boolean }
  const guidelinesPath = join(dir, 'base', GUIDELINES)
  return {
    slug,
    dir,
    event: readJson(join(dir, 'event.json')) as PullRequestEvent,
    files: readJson(join(dir, 'files.json')) as GitHubFile[],
    guidelines: existsSync(guidelinesPath)
      ? readFileSync(guidelinesPath, 'utf8')
      : null,
    isPrivate: meta.private === true,
  }
}

/**
 * The fixture whose local work is heaviest: the most patch text to parse,
 * select and count.
 */
export function largestFixture(fixtures: readonly Fixture[]): Fixture {
  const size = (fixture: Fixture): number =>
    fixture.files.reduce((sum, file) => sum + (file.patch?.length ?? 0), 0)
  const [largest] = [...fixtures].sort((a, b) => size(b) - size(a))
  if (!largest) throw new Error('largestFixture() of no fixtures')
  return largest
}

export interface RouteCase {
  readonly provider: Provider
  /** True for the route the fixture's visibility picks, as users get it. */
  readonly own: boolean
  readonly event: PullRequestEvent
  /** Inputs besides the emulators' keys and URLs. */
  readonly inputs: Readonly<Record<string, string>>
}

/**
 * Both routes of a fixture, its own first. A public fixture is forced onto
 * OpenAI with `public-provider: openai`. A private one is forced onto
 * DeepSeek with a copy of its event that calls the repository public: the
 * action trusts the event's visibility, and the other way, the opt-in
 * `allow-public-api-for-private-code`, would measure a setup few users
 * choose.
 */
export function routeCases(fixture: Fixture): RouteCase[] {
  const { event } = fixture
  if (!fixture.isPrivate) {
    return [
      { provider: 'deepseek', own: true, event, inputs: {} },
      {
        provider: 'openai',
        own: false,
        event,
        inputs: { 'public-provider': 'openai' },
      },
    ]
  }
  const asPublic: PullRequestEvent = {
    ...event,
    repository: { ...event.repository, private: false, visibility: 'public' },
  }
  return [
    { provider: 'openai', own: true, event, inputs: {} },
    { provider: 'deepseek', own: false, event: asPublic, inputs: {} },
  ]
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'))
}
