import { describe, expect, it } from 'vitest'
import { NO_USAGE } from '../../src/cost/cost'
import { buildCostReport } from '../../src/cost/ledger'
import { renderSummary, type RunSummary } from '../../src/report/summary'
import type { Route } from '../../src/route'

const route: Route = {
  endpoint: {
    provider: 'self-hosted',
    model: 'qwen3-coder',
    baseUrl: 'http://vllm.internal:8000/v1',
    modelInput: 'self-hosted-model',
  },
  privacy: 'private',
  visibility: 'private',
  reason:
    'repository is private (repository.visibility in the event), so `private-provider` applies: self-hosted',
}

function summary(overrides: Partial<RunSummary>): RunSummary {
  const startedAt = new Date('2026-12-05T12:00:00Z')
  const usage = {
    ...NO_USAGE,
    inputTokens: 3_000,
    cachedInputTokens: 1_000,
    outputTokens: 200,
  }
  return {
    headline: 'reviewed',
    route,
    cost: buildCostReport([{ model: 'qwen3-coder', startedAt, usage }], {}),
    calls: [{ paths: ['a.ts', 'b.ts'], rejected: 0 }],
    statuses: [
      { path: 'a.ts', reviewed: true },
      { path: 'b.ts', reviewed: true },
      { path: 'yarn.lock', reviewed: false, reason: 'lockfile' },
    ],
    placements: [],
    notes: [],
    pricing: {},
    spentBeforeUsd: 0,
    ...overrides,
  }
}

describe('renderSummary', () => {
  it('says plainly when a model has no price, and still shows the tokens', () => {
    const text = renderSummary(summary({}))
    expect(text).toContain(
      '## Cost-aware review: cost unknown · self-hosted `qwen3-coder` · 33% of input cached',
    )
    expect(text).toContain(
      '| 1 | `qwen3-coder` | 2 | 2,000 | 1,000 (33%) | 200 (0) | unknown |',
    )
    expect(text).toContain(
      'No dollar figure: no price is known for `qwen3-coder`. Add one with the `pricing` input.',
    )
    expect(text).toContain('| `yarn.lock` | not reviewed: lockfile |')
  })

  it('escapes what the model wrote', () => {
    const text = renderSummary(
      summary({
        placements: [
          {
            kind: 'body',
            reason: 'outside-diff',
            path: 'a.ts',
            finding: {
              path: 'a.ts',
              line: 9,
              severity: 'nit',
              body: '<script>alert(1)</script> cc @octocat',
            },
          },
        ],
      }),
    )
    expect(text).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt; cc @\u200boctocat',
    )
    expect(text).not.toContain('<script>')
  })

  it('shows where a finding is as code, whatever the file is called', () => {
    const path = 'docs/[approve](https://x.example) **now** |.md'
    const text = renderSummary(
      summary({
        placements: [
          {
            kind: 'body',
            reason: 'outside-diff',
            path,
            finding: { path, line: 50, severity: 'minor', body: 'Stale.' },
          },
        ],
      }),
    )
    expect(text).toContain(
      '| `docs/[approve](https://x.example) **now** \\|.md`:50 (in the body) | minor |',
    )
  })
})
