import { describe, expect, it } from 'vitest'
import { batches, bodyOf, emptyRow, people, rowProblems, type Criterion } from '@/logic/assessment'

const criteria: Criterion[] = [{ code: 'secretary_incompetent', label: '书记不胜任' }, { code: 'other', label: '其他', requires_reason: true }]

describe('a township assessment table', () => {
  it('checks a row as the service would', () => {
    const row = emptyRow('990102101201', '甲村', criteria)
    expect(rowProblems(row, criteria)).toEqual([])               // no result: not sent, nothing to say
    row.result = 'weak_and_lax'
    expect(rowProblems(row, criteria)).toEqual(['认定为软弱涣散须至少符合一条标准'])
    row.cells.other.met = true
    expect(rowProblems(row, criteria)).toEqual(['“其他”须填写依据', '“其他”须说明具体原因'])
    row.cells.other.evidence = '走访'
    row.cells.other.reason = '集体经济空壳'
    expect(rowProblems(row, criteria)).toEqual([])
    row.result = 'lagging'
    expect(rowProblems(row, criteria)).toContain('符合软弱涣散认定标准的，应认定为软弱涣散')
  })
  it('asks a lagging village for its ranking and sends it', () => {
    const row = emptyRow('990102101203', '丙村', criteria)
    row.result = 'lagging'
    expect(rowProblems(row, criteria)).toEqual(['认定为后进须填写倒排名次或得分'])
    row.rank = 8
    row.out_of = 5
    expect(rowProblems(row, criteria)).toEqual(['名次不能大于参评总数'])
    row.out_of = 25
    row.basis = '星级评定'
    const body = bodyOf(row, criteria)
    expect(body.ranking).toEqual({ rank: 8, out_of: 25, score: null, basis: '星级评定' })
    expect(body.findings.map((f) => [f.criterion_code, f.met])).toEqual([['secretary_incompetent', false], ['other', false]])
  })
  it('sends a big township in batches and splits attendees', () => {
    expect(batches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]])
    expect(people('党委书记、乡镇长，组织委员 纪委书记')).toEqual(['党委书记', '乡镇长', '组织委员', '纪委书记'])
  })
})
