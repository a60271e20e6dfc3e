import { describe, expect, it } from 'vitest'
import { doneOf, meetingLabel, meetingsByKind, statusTag, townshipOf, type SpecialAction } from '@/logic/specialActions'

const action = { action_id: 'SA-1', township_code: '990102101000', items_done: 1, items_total: 3 } as SpecialAction

describe('special actions', () => {
  it('names the meeting kinds as the seed does, and leaves an unknown kind as it is', () => {
    expect(meetingLabel('branch_committee')).toBe('支部委员会')
    expect(meetingLabel('something_else')).toBe('something_else')
  })

  it('lists a branch meetings in the seed order and leaves out kinds not held', () => {
    expect(meetingsByKind({ party_lecture: 1, branch_committee: 3, study_day: 0 })).toBe('支部委员会 3、党课 1')
    expect(meetingsByKind({})).toBe('')
  })

  it('shows done green, overdue red, and the items done of the table', () => {
    expect([statusTag('done'), statusTag('overdue'), statusTag('open')]).toEqual(['success', 'danger', 'info'])
    expect(doneOf(action)).toBe('1/3')
  })

  it('shows a township its own table and a reader above the chosen action township', () => {
    expect(townshipOf('990102102000', 'township', action)).toBe('990102102000')
    expect(townshipOf('990102000000', 'county', action)).toBe('990102101000')
    expect(townshipOf('990102000000', 'county', null)).toBeNull()
  })
})
