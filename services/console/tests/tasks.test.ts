import { describe, expect, it } from 'vitest'
import { mergeTasks, overdueText, pageOf, pressing, type Task } from '@/logic/tasks'

function task(id: string, service: string, rank: number, days: number | null, path = '/x', level = 'village'): Task {
  const urgency = ['overdue', 'due_today', 'due_soon', 'upcoming', 'no_deadline'][rank] as Task['urgency']
  return {
    task_id: id, service, kind: 'k', kind_label: '类', title: 't', detail: '', campaign_id: 'C1',
    unit: { code: '990102101201', name: '村', level }, due_on: null, days_overdue: days, urgency,
    urgency_label: '', urgency_rank: rank, route: `/${service}${path}`, action: { service, method: 'POST', path },
    progress: null, count: null,
  }
}

describe('my to-do list', () => {
  it('merges the services, most urgent first', () => {
    const merged = mergeTasks([
      [task('s1', 'screening', 2, -3), task('s2', 'screening', 0, 1)],
      [task('c1', 'casework', 0, 9), task('c2', 'casework', 4, null)],
      [task('a1', 'acceptance', 1, 0), task('a2', 'acceptance', 2, -1)],
    ])
    expect(merged.map((t) => t.task_id)).toEqual(['c1', 's2', 'a1', 'a2', 's1', 'c2'])
    expect(pressing(merged)).toBe(3)
  })
  it('says how late in words', () => {
    expect(overdueText(3)).toBe('逾期3天')
    expect(overdueText(0)).toBe('今日到期')
    expect(overdueText(-5)).toBe('剩余5天')
    expect(overdueText(null)).toBe('无时限')
  })
  it('opens the page of the task subject', () => {
    expect(pageOf(task('x', 'screening', 0, 1, '/campaigns/C1/rounds/R1/townships/990102101000/submit')))
      .toBe('/screening/C1/rounds/R1/townships/990102101000')
    expect(pageOf(task('x', 'screening', 0, 1, '/campaigns/C1/counties/990102000000/filings'))).toBe('/screening/C1/filings/990102000000')
    expect(pageOf(task('x', 'casework', 0, 1, '/cases/abc/measures'))).toBe('/cases/abc')
    expect(pageOf(task('x', 'acceptance', 0, 1, '/acceptances/a-1/county/approve'))).toBe('/acceptance/a-1')
    expect(pageOf(task('x', 'acceptance', 0, null, '/campaigns/C7/standard', 'city'))).toBe('/screening/C7')
    expect(pageOf(task('x', 'supervision', 0, 1, '/inspections'))).toBe('/villages/990102101201')
    expect(pageOf(task('x', 'supervision', 0, 1, '/inspections', 'county'))).toBe('/figures/990102101201')
  })
})
