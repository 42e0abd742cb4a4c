/**
 * Whether this run should review at all: the event, the pull request's
 * action and state, its author and labels. A run that should not ends
 * neutrally, with a notice that says why and how to change it.
 */
import { atLeast, type Severity } from './findings'
import type { RepoRef } from './github/pull-request'
import type { PullRequestInfo, Settings } from './settings'

const EVENTS = ['pull_request', 'pull_request_target']
const ACTIONS = ['opened', 'synchronize', 'reopened', 'ready_for_review']

/** Why this run reviews nothing, or undefined when it should review. */
export function skipReason(settings: Settings): string | undefined {
  const { event } = settings
  const pull = event.pullRequest
  if (!EVENTS.includes(event.name) || !pull) {
    return (
      `event "${event.name || 'unknown'}" is not a pull request event; ` +
      'this action reviews pull_request and pull_request_target events'
    )
  }
  if (event.action !== undefined && !ACTIONS.includes(event.action)) {
    return (
      `pull request action "${event.action}" is not reviewed; reviews run on ` +
      ACTIONS.join(', ')
    )
  }
  if (pull.draft && !settings.reviewDrafts) {
    return (
      'draft pull request; it is reviewed once marked ready for review ' +
      '(add ready_for_review to the workflow trigger), or set ' +
      '`review-drafts: true`'
    )
  }
  if (pull.authorIsBot && !settings.reviewBots) {
    return `opened by the bot ${pull.author}; set \`review-bots: true\` to review it`
  }
  if (settings.skipLabel && pull.labels.includes(settings.skipLabel)) {
    return `the pull request has the label "${settings.skipLabel}" (\`skip-label\`)`
  }
  return undefined
}

export function isForkPullRequest(
  pull: PullRequestInfo,
  repo: RepoRef,
  eventName: string,
): boolean {
  return (
    eventName === 'pull_request' &&
    pull.headRepo !== undefined &&
    pull.headRepo !== `${repo.owner}/${repo.name}`
  )
}

/**
 * `fail-on`: fails the step when this run's findings include one at least
 * as severe as the threshold, so that teams can require the check.
 */
export function failOn(
  settings: Settings,
  found: Readonly<Partial<Record<Severity, number>>>,
  carried: Readonly<Partial<Record<Severity, number>>> = {},
): void {
  if (settings.failOn === 'never') return
  const count = atLeast(found, settings.failOn)
  if (count === 0) return
  const earlier = atLeast(carried, settings.failOn)
  throw new Error(
    `${count} ${count === 1 ? 'finding is' : 'findings are'} ` +
      `${settings.failOn} or more severe (\`fail-on: ${settings.failOn}\`)` +
      (earlier > 0
        ? `, ${earlier} of them from an earlier review whose code is ` +
          'still in the pull request'
        : '') +
      '; see the review.',
  )
}
