/**
 * Writing text others control to the step's log: file names, model
 * replies, provider errors. The runner carries out, as a workflow command,
 * any line of a step's output that starts with "::" once leading spaces
 * are trimmed, or that holds "##[" anywhere (actions/runner,
 * src/Runner.Common/ActionCommand.cs). Such text could otherwise raise
 * annotations, set outputs or mask the log.
 */
import { randomBytes } from 'node:crypto'
import * as core from '@actions/core'

/**
 * Logs text with workflow commands stopped around it: the runner ignores
 * every command until it reads the token again, and the token is random,
 * so the text cannot hold it.
 * https://docs.github.com/en/actions/using-workflows/workflow-commands-for-github-actions#stopping-and-starting-workflow-commands
 */
export function logUntrusted(text: string): void {
  // A command holds "::" or "##[", the runner looks for nothing else
  // (OutputManager.cs): text without a colon or a "#" needs no stop, nor
  // the two lines it adds to the log.
  if (!/[:#]/.test(text)) {
    core.info(text)
    return
  }
  const token = randomBytes(16).toString('hex')
  core.info(`::stop-commands::${token}\n${text}\n::${token}::`)
}
