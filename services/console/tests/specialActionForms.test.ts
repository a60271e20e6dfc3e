import { describe, expect, it } from 'vitest'
import { blankItem, missingInItems, villagesIn } from '@/logic/specialActions'

describe('the forms of special actions', () => {
  it('names what a task-table row still lacks, by its number', () => {
    expect(missingInItems([])).toBe('任务分解表至少须有一项任务')
    expect(missingInItems([blankItem('2021-12-31')])).toBe('第1项须写明项目、要求、责任人')
    const done = { ...blankItem('2021-12-31'), project: '发展集体经济', requirement: '年底达标', responsible_name: '陆波' }
    expect(missingInItems([done, { ...done, due_on: '' }])).toBe('第2项须写明时间节点（最迟完成日期）')
    expect(missingInItems([done, { ...done, project: '  ' }])).toBe('第2项须写明项目')
    expect(missingInItems([done])).toBeNull()
  })

  it('offers only the villages directly under the township', () => {
    const names = { '990102101000': '甲镇', '990102101211': '一村', '990102101203': '二村', '990102102211': '别镇一村',
                    '990102000000': '某县' }
    expect(villagesIn('990102101000', names)).toEqual(['990102101203', '990102101211'])
  })

  it('leaves out the enterprises and social organizations, whose codes look like a village\'s', () => {
    const names = { '990102101203': '二村', '990102101601': '某公司', '990102101602': '某协会', '990102101004': '某社区' }
    const kinds = { '990102101203': '行政村', '990102101601': '非公企业', '990102101602': '社会组织', '990102101004': '社区' }
    expect(villagesIn('990102101000', names, kinds)).toEqual(['990102101004', '990102101203'])
  })
})
