import { describe, expect, it } from 'vitest'
import { ApiError } from '@/api/client'
import { placeRefusal } from '@/logic/forms'
import { DECISION_FIELDS, choiceOf, decisionOf, personOf, userLabel, type User } from '@/logic/staffing'

const wei: User = { id: 'u-1', username: 'team_leader', family_name: '卫', given_name: '队长', enabled: true, unit: '990102101201', roles: ['work_team_leader'] }

describe('people a case names', () => {
  it('links a platform user by login, or keeps a typed name as free text', () => {
    expect(personOf('team_leader', [wei], ' 县委组织部干部 ', 'section', '990102101201')).toEqual({
      name: '卫队长', post: '县委组织部干部', rank: 'section', unit: '990102101201', user_id: 'u-1', username: 'team_leader' })
    expect(personOf(' 乡镇干部甲 ', [wei], '', null, '990102101201')).toEqual({ name: '乡镇干部甲', post: '', rank: null, unit: '990102101201' })
    expect(choiceOf({ name: '卫队长', post: '', unit: '', username: 'team_leader' })).toBe('team_leader')
    expect(choiceOf({ name: '乡镇干部甲', post: '', unit: '' })).toBe('乡镇干部甲')
    expect(userLabel(wei)).toContain('卫队长')
  })
  it('sends no decision when none was filled in, so the service names it', () => {
    expect(decisionOf('  ', null)).toBeNull()
    expect(decisionOf('县委组通〔2020〕5号', '2020-09-01')).toEqual({ reference: '县委组通〔2020〕5号', decided_on: '2020-09-01' })
  })
  it('puts the service\'s refusal of a change without a decision beside 决定文号', () => {
    const refused = new ApiError(422, '不符合整顿规则', '工作队不转化不脱钩', 'change-needs-decision', { decision: '调整须依据县委的决定' })
    const placed = placeRefusal(refused, ['leader', 'decision_reference', 'decision_date'], DECISION_FIELDS)
    expect(placed.errors).toEqual({ decision_reference: '调整须依据县委的决定' })
    expect(placed.refusal).toBeNull()
  })
})

describe('a staffing refusal in Chinese', () => {
  it('drops every trailing English gloss', async () => {
    const { chinese } = await import('@/api/client')
    expect(chinese('联系领导不转化不脱钩：请填写决定文号或标题及日期 (decision) (the contact leader stays until acceptance: '
      + 'a change needs the county\'s decision (decision.reference and decision.decided_on))'))
      .toBe('联系领导不转化不脱钩：请填写决定文号或标题及日期')
  })
})

describe('a refusal quoting a name', () => {
  it('drops an English gloss that quotes the Chinese name', async () => {
    const { chinese } = await import('@/api/client')
    expect(chinese('钱优秀 已与本村结对 (钱优秀 is already paired with this village)')).toBe('钱优秀 已与本村结对')
    expect(chinese('挂牌督办须由本县县委书记具名（刘县长 不是本县县委书记；post 应为“县委书记”） (the named supervisor must be the county secretary of county 990102000000)'))
      .toBe('挂牌督办须由本县县委书记具名（刘县长 不是本县县委书记；post 应为“县委书记”）')
  })
})
