import { describe, expect, it } from 'vitest'
import { bodyOf, valuesOf, type CadreEntry } from '@/logic/cadres'

const entry = {
  village_code: '990102101201', village_name: '一村', organization_name: '一村党支部', revision: 2,
  secretary: { name: '张书记', post: '书记', phone: '13800000001' },
  members: [{ name: '李委员', post: '委员', phone: null }],
  last_election_on: '2021-01-10', election_due_on: '2026-01-10', election_overdue: true, election_overdue_reason: '已逾期',
  star_rating: 3, star_label: '三星', personal_data_shown: true, source: 'import', source_label: '导入', reason: null,
  recorded_on: '2026-11-01', recorded_by: '乡镇组织委员',
} as CadreEntry

describe('the register entry form', () => {
  it('starts from the current revision, a blank phone of a member as an empty text', () => {
    const values = valuesOf(entry)
    expect(values.secretary_name).toBe('张书记')
    expect(values.members).toEqual([{ name: '李委员', post: '委员', phone: '' }])
    expect(values.star_rating).toBe(3)
    expect(values.reason).toBe('')
  })

  it('starts blank for a village not yet in the register', () => {
    expect(valuesOf(null)).toEqual({ organization_name: '', secretary_name: '', secretary_phone: '', last_election_on: '',
                                     star_rating: null, members: [], reason: '' })
  })

  it('sends trimmed texts, blank optional texts as null, and drops member rows left blank', () => {
    const values = valuesOf(entry)
    values.secretary_phone = ' 13800000002 '
    values.members.push({ name: ' ', post: '', phone: '' }, { name: '王主任', post: '村委会主任', phone: ' 0518-88881234' })
    values.organization_name = '  '
    expect(bodyOf(values)).toEqual({
      organization_name: null,
      secretary: { name: '张书记', phone: '13800000002' },
      members: [{ name: '李委员', post: '委员', phone: null }, { name: '王主任', post: '村委会主任', phone: '0518-88881234' }],
      last_election_on: '2021-01-10', star_rating: 3, reason: null,
    })
  })
})
