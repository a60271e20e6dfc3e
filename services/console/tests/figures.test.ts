import { describe, expect, it } from 'vitest'
import { asNumber, cards, funnel, phaseRows, type Figures } from '@/logic/figures'
import { formatShareOf } from '@/logic/format'

const figures: Figures = {
  villages_in_campaign: 250, villages_screened: 250, screened_share: '1.0000', listed: 30, listed_share: '0.1200',
  listed_by_category: { weak_and_lax: { villages: 20, out_of: 30, share: '0.6667' }, lagging: { villages: 10, out_of: 30, share: '0.3333' } },
  listed_by_criterion: [{ criterion: 'c1', label: '书记不胜任', villages: 10, out_of: 20, share: '0.5000' }],
  cases_by_phase: { concentrated: 20, continued: 5, ready_for_acceptance: 2, accepted: 3 },
  measures_overdue: 4, villages_with_overdue_measures: 2, visits_due: 27, visits_compliant: 20, visit_compliance: '0.7407',
  alerts_open: 2, acceptances_passed: 3, acceptances_failed: 1, delisted: 1, relapsed: 0, designated: 30, transformed: 1,
  transformation_rate: '0.0333',
}

describe('the home page figures', () => {
  it('builds the funnel screened → listed → rectifying → accepted → delisted', () => {
    expect(funnel(figures).map((s) => [s.key, s.value])).toEqual([
      ['screened', 250], ['listed', 30], ['cases', 27], ['accepted', 3], ['delisted', 1],
    ])
  })
  it('lists every phase, zero where none', () => {
    expect(phaseRows(figures).map((p) => p.value)).toEqual([20, 5, 2, 3, 0])
  })
  it('reads decimal shares', () => {
    expect(asNumber('0.1200')).toBe(0.12)
    expect(asNumber(null)).toBeNull()
  })
  it('prints the shares on the cards from their counts, rounded once', () => {
    const shown = cards(figures, formatShareOf)
    expect(shown.find((c) => c.key === 'listed')).toMatchObject({ value: 30, hint: '占 12.0%', drill: 'listed' })
    // 20 of 27 = 74.07…%: from the counts, not from the answered 0.7407
    expect(shown.find((c) => c.key === 'visits')!.hint).toBe('应到 27 个村，达标率 74.1%')
    expect(shown.find((c) => c.key === 'transformed')!.hint).toBe('转化率 3.3%')
  })
})
