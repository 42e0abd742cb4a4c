/**
 * A signal that aborts after a time or when another signal does. On Node
 * 20, `AbortSignal.any([AbortSignal.timeout(ms)])` can lose its timer to
 * the garbage collector and never abort; here the timer holds the signal.
 */
export interface TimeLimit {
  readonly signal: AbortSignal
  /** Stops the timer and lets go of the other signals. */
  done(): void
  /** Lets the process exit while the timer waits. */
  unref(): void
}

export function timeLimit(
  ms: number,
  ...others: ReadonlyArray<AbortSignal | undefined>
): TimeLimit {
  const controller = new AbortController()
  const timer = setTimeout(() => {
    controller.abort(
      new DOMException(`no answer within ${Math.round(ms)} ms`, 'TimeoutError'),
    )
  }, ms)
  const follow = (event: Event): void => {
    controller.abort((event.target as AbortSignal).reason)
  }
  const sources = others.filter((other) => other !== undefined)
  for (const source of sources) {
    if (source.aborted) controller.abort(source.reason)
    else source.addEventListener('abort', follow, { once: true })
  }
  return {
    signal: controller.signal,
    done() {
      clearTimeout(timer)
      for (const source of sources) source.removeEventListener('abort', follow)
    },
    unref() {
      timer.unref()
    },
  }
}
