// 数据同步中: the figures are eventually consistent. A write names the events it published
// (header X-Zhengdun-Events); until reporting has applied them all, the console says so instead of
// showing stale numbers without a word. Pure bookkeeping here; the store polls (stores/sync.ts).

export interface SyncAnswer {
  caught_up: boolean
}

/** Writes still waiting for reporting, oldest first, each with the moment (ms) it was answered. */
export interface Waiting {
  events: string
  since: number
}

/** After this long a write still not in the figures is said to be slow (the page keeps waiting). */
export const SLOW_AFTER_MS = 30_000
/** After this long the console stops asking: the figures will show it when reporting catches up. */
export const GIVE_UP_AFTER_MS = 10 * 60_000

export function waitFor(waiting: Waiting[], events: string | null, now: number): Waiting[] {
  if (!events || waiting.some((w) => w.events === events)) return waiting
  return [...waiting, { events, since: now }]
}

/** Ask about each waiting write; keep those still pending (or whose check failed) and not given up on. */
export async function stillWaiting(
  waiting: Waiting[],
  check: (events: string) => Promise<SyncAnswer>,
  now: number,
): Promise<Waiting[]> {
  const answers = await Promise.allSettled(waiting.map((w) => check(w.events)))
  return waiting.filter((w, i) => {
    const answer = answers[i]
    const caughtUp = answer.status === 'fulfilled' && answer.value.caught_up
    return !caughtUp && now - w.since < GIVE_UP_AFTER_MS
  })
}

export function syncLabel(waiting: Waiting[], now: number): string {
  if (waiting.length === 0) return ''
  const oldest = Math.min(...waiting.map((w) => w.since))
  return now - oldest >= SLOW_AFTER_MS ? '数据同步较慢，统计数字稍后更新' : '数据同步中…'
}
