/**
 * The bundled action over every shared fixture (real pull requests), on
 * each Node binary available: one COMMENT review, never a 422, every
 * finding inline or in the body, the route the data policy allows, and a
 * cost equal to the recorded usage times the price table, on both routes.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  loadFixtureSetup,
  startGitHubEmulator,
  type GitHubEmulator,
} from '../emulators/github'
import { startLlmEmulator, type LlmEmulator } from '../emulators/llm'
import { FIXTURES_DIR, fixtureSlugs, hasShared, nodeBinaries } from '../shared'
import { runAction } from './harness'
import { expectedUsd } from './prices'
import {
  mixedFindings,
  scriptedReviewer,
  type ScriptedFinding,
} from './reviewer'

const open: Array<GitHubEmulator | LlmEmulator> = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()))
})

type Route = 'natural' | 'other'

/**
 * Reviews a fixture. On the `other` route a public fixture is sent to
 * OpenAI (`public-provider: openai`) and a private one is presented as
 * public, so that both fixtures are priced on both models.
 */
async function reviewFixture(slug: string, node: string, route: Route) {
  const dir = join(FIXTURES_DIR, slug)
  const setup = loadFixtureSetup(dir)
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as {
    private: boolean
  }
  const event = JSON.parse(readFileSync(join(dir, 'event.json'), 'utf8')) as {
    repository: Record<string, unknown>
  }
  if (route === 'other' && meta.private) {
    event.repository = {
      ...event.repository,
      private: false,
      visibility: 'public',
    }
  }

  const produced: ScriptedFinding[] = []
  const respond = scriptedReviewer((request) => {
    const findings = mixedFindings(setup.files, request.prompt)
    produced.push(...findings)
    return findings
  })
  const github = await startGitHubEmulator()
  const deepseek = await startLlmEmulator({ flavour: 'deepseek', respond })
  const openai = await startLlmEmulator({ flavour: 'openai', respond })
  open.push(github, deepseek, openai)
  github.addPullRequest(setup)

  const run = await runAction({
    node,
    event,
    apiUrl: github.url,
    inputs: {
      'deepseek-api-key': 'test-key',
      'deepseek-base-url': deepseek.url,
      'openai-api-key': 'test-key',
      'openai-base-url': openai.url,
      ...(route === 'other' && !meta.private
        ? { 'public-provider': 'openai' }
        : {}),
    },
  })
  const toOpenAi = meta.private === (route === 'natural')
  return { run, github, deepseek, openai, produced, toOpenAi, meta }
}

describe.skipIf(!hasShared).each(nodeBinaries())(
  'end to end on every shared fixture, on %s',
  (_, node) => {
    for (const slug of fixtureSlugs()) {
      it(`${slug}: one COMMENT review, the route its visibility allows, the exact cost`, async () => {
        const { run, github, deepseek, openai, produced, meta } =
          await reviewFixture(slug, node, 'natural')
        expect(run.exitCode, run.stdout + run.stderr).toBe(0)

        // Exactly one review, never an approval, and GitHub never said 422.
        const posts = github.requests.filter(
          (request) =>
            request.method === 'POST' && request.path.endsWith('/reviews'),
        )
        expect(posts).toHaveLength(1)
        expect((posts[0]!.body as { event: string }).event).toBe('COMMENT')
        expect(github.reviews).toHaveLength(1)
        expect(github.rejections).toEqual([])

        // Private code reaches only the OpenAI endpoint; public only DeepSeek.
        const used = meta.private ? openai : deepseek
        const unused = meta.private ? deepseek : openai
        expect(unused.calls).toEqual([])
        expect(run.outputs.provider).toBe(meta.private ? 'openai' : 'deepseek')

        // Every finding is either an inline comment or a line of the body.
        const review = github.reviews[0]!
        const comments = review.comments as Array<{
          path: string
          line: number
        }>
        const bodyLines = String(review.body)
          .split('\n')
          .filter((line) => /^- Line \d+( of the old file)? - /.test(line))
        expect(comments.length + bodyLines.length).toBe(produced.length)

        if (used.calls.length > 0) {
          expect(run.summary).toMatch(
            /\| \*\*Total\*\* \| \| \d+ \| [\d,]+ \| [\d,]+ \(\d+%\) \| [\d,]+ \(\d+\) \| \*\*\$[\d.]+\*\* \|/,
          )
        } else {
          expect(run.summary).toContain('No model was called: 0 tokens, $0.')
        }
      })
    }
  },
)

describe.skipIf(!hasShared)('cost-usd on both routes', () => {
  for (const slug of fixtureSlugs()) {
    for (const route of ['natural', 'other'] as const) {
      it(`${slug}, ${route} route: cost-usd is the recorded usage times the price table`, async () => {
        const { run, deepseek, openai, toOpenAi } = await reviewFixture(
          slug,
          process.execPath,
          route,
        )
        expect(run.exitCode, run.stdout + run.stderr).toBe(0)
        const used = toOpenAi ? openai : deepseek
        expect((toOpenAi ? deepseek : openai).calls).toEqual([])
        const model = toOpenAi ? 'gpt-5' : 'deepseek-flash'
        const expected = used.calls.reduce(
          (sum, call) =>
            sum + expectedUsd(model, call.usage ?? {}, new Date(call.at)),
          0,
        )
        expect(
          Math.abs(Number(run.outputs['cost-usd']) - expected),
        ).toBeLessThan(1e-6)
        const prompt = used.calls.reduce(
          (sum, call) => sum + call.promptTokens,
          0,
        )
        const cached = used.calls.reduce(
          (sum, call) => sum + call.cachedTokens,
          0,
        )
        expect(Number(run.outputs['input-tokens'])).toBe(prompt)
        expect(Number(run.outputs['cached-input-tokens'])).toBe(cached)
      })
    }
  }

  it('calls no model for a pull request with nothing to review, and says why', async () => {
    const { run, github, deepseek, openai } = await reviewFixture(
      'fd-bump-jiff-cargo-lock',
      process.execPath,
      'natural',
    )
    expect(deepseek.calls).toEqual([])
    expect(openai.calls).toEqual([])
    expect(github.reviews).toHaveLength(1)
    expect(String(github.reviews[0]!.body)).toContain('`Cargo.lock`: lockfile')
    expect(run.summary).toContain('nothing to review')
    expect(run.outputs['cost-usd']).toBe('0.00000000')
  })
})
