import { readdirSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { readAction } from '../scripts/readme-tables'

const dir = resolve(import.meta.dirname, '../examples')
const examples = readdirSync(dir).filter((name) => name.endsWith('.yml'))

interface Workflow {
  on: Record<string, { types?: string[] }>
  permissions: Record<string, string>
  concurrency: { group: string; 'cancel-in-progress': boolean }
  jobs: Record<
    string,
    {
      'timeout-minutes'?: number
      steps: Array<{
        uses?: string
        run?: string
        with?: Record<string, string>
      }>
    }
  >
}

describe('the example workflows', () => {
  it('cover the four documented recipes', () => {
    expect(examples.sort()).toEqual([
      'fork-pull-request-target.yml',
      'private-gpt5.yml',
      'private-self-hosted-vllm.yml',
      'public-deepseek.yml',
    ])
  })

  for (const name of examples) {
    describe(name, () => {
      const workflow = parse(
        readFileSync(resolve(dir, name), 'utf8'),
      ) as Workflow
      const steps = Object.values(workflow.jobs).flatMap((job) => job.steps)
      const step = steps.find((s) => s.uses?.includes('cost-aware-review'))!

      it('uses only inputs that action.yml declares', () => {
        const inputs = Object.keys(readAction().inputs)
        expect(
          Object.keys(step.with ?? {}).filter((key) => !inputs.includes(key)),
        ).toEqual([])
      })

      it('asks for the minimal permissions and cancels superseded runs', () => {
        expect(workflow.permissions).toEqual({
          contents: 'read',
          'pull-requests': 'write',
        })
        expect(workflow.concurrency['cancel-in-progress']).toBe(true)
        expect(workflow.concurrency.group).toContain(
          'github.event.pull_request.number',
        )
      })

      it('triggers on ready_for_review, which GitHub sends when a draft is marked ready', () => {
        const trigger =
          workflow.on.pull_request ?? workflow.on.pull_request_target
        expect(trigger?.types).toEqual([
          'opened',
          'synchronize',
          'reopened',
          'ready_for_review',
        ])
      })

      it("lets the action's deadline pass before the job's", () => {
        const job = Object.values(workflow.jobs).find((j) =>
          j.steps.includes(step),
        )!
        const deadline = Number(
          step.with?.['run-timeout-minutes'] ??
            readAction().inputs['run-timeout-minutes']?.default,
        )
        expect(job['timeout-minutes']).toBeGreaterThan(deadline)
      })

      it('never checks out or runs code', () => {
        expect(
          steps.filter((s) => s.uses?.startsWith('actions/checkout') || s.run),
        ).toEqual([])
      })
    })
  }
})
