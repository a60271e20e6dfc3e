import { describe, expect, it } from 'vitest'
import { missingMusts, previewKind, progressOf, threeLists, visitsByMonth, type Measure, type Problem, type Task } from '@/logic/casebook'
import { activeIndex, ladderStatus, type StepRecord } from '@/logic/acceptance'

const problem = (id: string): Problem => ({ problem_id: id, title: id, detail: '', criterion_code: null, found_on_site: false, found_on: '2020-09-01' })
const task = (id: string, p: string): Task => ({ task_id: id, problem_id: p, title: id })
const measure = (id: string, t: string, p: string): Measure => ({ measure_id: id, task_id: t, problem_id: p, title: id, responsible: '甲', deadline: '2020-12-31', status: 'in_progress', planned_on: '2020-09-01' })

describe('the case book', () => {
  it('puts the three lists in one table, problems and tasks spanning their measures', () => {
    const rows = threeLists([problem('P1'), problem('P2')], [task('T1', 'P1'), task('T2', 'P1')],
      [measure('M1', 'T1', 'P1'), measure('M2', 'T1', 'P1'), measure('M3', 'T2', 'P1')])
    expect(rows.map((r) => [r.problem.problem_id, r.task?.task_id ?? null, r.measure?.measure_id ?? null, r.problemSpan, r.taskSpan])).toEqual([
      ['P1', 'T1', 'M1', 3, 2], ['P1', 'T1', 'M2', 0, 0], ['P1', 'T2', 'M3', 0, 1], ['P2', null, null, 1, 1],
    ])
  })
  it('counts visits per month against the minimum', () => {
    const visit = (on: string) => ({ leader: { name: '王' }, team_members: [], village_cadres: [], key_persons: [], problems_pushed: [], notes: '', visited_on: on })
    expect(visitsByMonth([visit('2020-10-12'), visit('2020-09-08'), visit('2020-09-12')], 2)).toEqual([
      { month: '2020-09', visits: 2, meets: true }, { month: '2020-10', visits: 1, meets: false },
    ])
    // A visit short of the 三必须 is listed but not counted.
    const short = { ...visit('2020-09-20'), counts_toward_minimum: false }
    expect(visitsByMonth([visit('2020-09-08'), short], 2)).toEqual([{ month: '2020-09', visits: 1, meets: false }])
  })
  it('orders a measure\'s progress and picks how to preview evidence', () => {
    const p = (id: string, on: string) => ({ record_id: id, measure_id: 'M1', status: 'in_progress', narrative: '', evidence: [], progress_on: on, corrects: null, corrected_by: null })
    expect(progressOf('M1', [p('b', '2020-10-15'), p('a', '2020-09-15')]).map((x) => x.record_id)).toEqual(['a', 'b'])
    expect(previewKind({ content_type: 'image/png', filename: 'a.png' })).toBe('image')
    expect(previewKind({ content_type: 'application/pdf', filename: 'a.pdf' })).toBe('pdf')
    expect(previewKind({ content_type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', filename: 'a.docx' })).toBe('file')
  })
})

describe('the acceptance ladder', () => {
  const rec = (step: string, outcome = 'passed'): StepRecord => ({ step, outcome, body: {}, actor: {}, recorded_on: '2021-03-01' })
  it('marks the rungs done up to the current one', () => {
    const ladder = ladderStatus([rec('application'), rec('self_check'), rec('preliminary')], 'preliminary_recorded')
    expect(ladder.map((r) => r.status).slice(0, 4)).toEqual(['success', 'success', 'process', 'wait'])
    expect(activeIndex(ladder)).toBe(2)
  })
  it('shows a failed rung as failed', () => {
    const ladder = ladderStatus([rec('application'), rec('self_check'), rec('preliminary'), rec('preliminary_sign'),
      rec('county_group'), rec('county_opinion'), rec('county_report'), rec('county_approve'), rec('county_sign'), rec('survey', 'failed')], 'failed')
    expect(ladder.find((r) => r.rung.key === 'survey')!.status).toBe('error')
    expect(ladder.find((r) => r.rung.key === 'county')!.status).toBe('success')
  })
})

describe('三必须 of a visit', () => {
  const full = { team_members: ['卫队长'], village_cadres: ['村主任'], key_persons: ['老党员'], problems_pushed: ['p1'] }
  it('counts a visit with talks with all three and a problem pushed', () => {
    expect(missingMusts(full, 1)).toEqual([])
  })
  it('names what a visit lacks; blank names are no talk', () => {
    expect(missingMusts({ ...full, village_cadres: ['  '], problems_pushed: [] }, 1)).toEqual(['与村干部谈话', '推动解决问题'])
    expect(missingMusts(full, 2)).toEqual(['推动解决至少 2 个问题'])
    expect(missingMusts({ ...full, problems_pushed: [] }, 0)).toEqual([])
  })
})
