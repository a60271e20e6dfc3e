import { describe, expect, it } from 'vitest'
import { GIVE_UP_AFTER_MS, SLOW_AFTER_MS, stillWaiting, syncLabel, waitFor } from '@/logic/sync'

const A = 'zhengdun.screening.campaign.opened.v1 e1'
const B = 'zhengdun.casework.progress.recorded.v1 e2'

describe('数据同步中', () => {
  it('waits for each write once, and not for a write that published nothing', () => {
    let waiting = waitFor([], A, 0)
    waiting = waitFor(waiting, A, 5)
    waiting = waitFor(waiting, null, 5)
    waiting = waitFor(waiting, B, 10)
    expect(waiting).toEqual([{ events: A, since: 0 }, { events: B, since: 10 }])
  })
  it('stops waiting for what reporting has applied; keeps what is pending or could not be checked', async () => {
    const answers: Record<string, boolean | Error> = { [A]: true, [B]: false }
    const check = async (events: string) => {
      const answer = answers[events]
      if (answer instanceof Error) throw answer
      return { caught_up: answer }
    }
    const waiting = [{ events: A, since: 0 }, { events: B, since: 0 }]
    expect(await stillWaiting(waiting, check, 1000)).toEqual([{ events: B, since: 0 }])
    answers[B] = new Error('502')
    expect(await stillWaiting(waiting, check, 1000)).toEqual([{ events: B, since: 0 }])
    expect(await stillWaiting(waiting, check, GIVE_UP_AFTER_MS)).toEqual([])
  })
  it('says it is syncing, and slow after a while', () => {
    expect(syncLabel([], 0)).toBe('')
    expect(syncLabel([{ events: A, since: 0 }], SLOW_AFTER_MS - 1)).toBe('数据同步中…')
    expect(syncLabel([{ events: A, since: 0 }], SLOW_AFTER_MS)).toBe('数据同步较慢，统计数字稍后更新')
  })
})
