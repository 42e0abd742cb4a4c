/**
 * npm run demo: the bundled action reviews the sample pull request in demo/
 * against the local GitHub and DeepSeek emulators; this prints the review it
 * posted, the job summary it wrote and its step outputs.
 */
import { runDemo } from '../demo/load'

const { run, review } = await runDemo()
if (run.exitCode !== 0 || !review) {
  process.stdout.write(run.stdout + run.stderr)
  throw new Error(`the action failed (exit code ${run.exitCode})`)
}

const rule = (title: string): string =>
  `\n${'='.repeat(8)} ${title} ${'='.repeat(Math.max(4, 60 - title.length))}\n`

process.stdout.write(rule('Review posted on octo-demo/inventory#42'))
process.stdout.write(`${review.body}\n`)
for (const comment of review.comments) {
  const range = comment.start_line
    ? `${comment.start_line}-${comment.line}`
    : comment.line
  process.stdout.write(
    `\n--- ${comment.path}:${range} (${comment.side})\n${comment.body}\n`,
  )
}
process.stdout.write(rule('Job summary'))
process.stdout.write(run.summary)
process.stdout.write(rule('Step outputs'))
for (const [name, value] of Object.entries(run.outputs)) {
  process.stdout.write(`${name}: ${value}\n`)
}
