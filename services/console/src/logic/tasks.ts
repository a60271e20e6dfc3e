// My to-do list (我的待办): the five services each answer GET /tasks for the caller; the console
// merges them into one list, most urgent first. Nothing is stored here: the lists are computed from
// the services' state, so a step disappears once it is done.
import type { components as Screening } from '@/api/types/screening'
import { supervisionPage } from './supervision'

export type Task = Screening['schemas']['Task']

/** One list, most urgent first: overdue (longest overdue first), due today, due soon (nearest first), the rest. */
export function mergeTasks(lists: Task[][]): Task[] {
  return lists.flat().sort((a, b) =>
    a.urgency_rank - b.urgency_rank
    || (b.days_overdue ?? -Infinity) - (a.days_overdue ?? -Infinity)
    || a.task_id.localeCompare(b.task_id))
}

/** How many tasks need attention now (overdue or due today): the menu's badge. */
export function pressing(tasks: Task[]): number {
  return tasks.filter((t) => t.urgency === 'overdue' || t.urgency === 'due_today').length
}

/** "逾期3天" / "今日到期" / "剩余5天" / "无时限". */
export function overdueText(days: number | null | undefined): string {
  if (days === null || days === undefined) return '无时限'
  if (days > 0) return `逾期${days}天`
  if (days === 0) return '今日到期'
  return `剩余${-days}天`
}

/** The console page where the task's subject is read (the write forms come with each step). */
export function pageOf(task: Task): string {
  const path = task.action.path
  const round = path.match(/^\/campaigns\/([^/]+)\/rounds\/([^/]+)\/(townships|counties)\/(\d{12})/)
  if (task.service === 'screening' && round) return `/screening/${round[1]}/rounds/${round[2]}/${round[3]}/${round[4]}`
  const filing = path.match(/^\/campaigns\/([^/]+)\/counties\/(\d{12})\/filings/)
  if (task.service === 'screening' && filing) return `/screening/${filing[1]}/filings/${filing[2]}`
  if (task.service === 'screening' && task.campaign_id) return `/screening/${task.campaign_id}`
  const caseId = path.match(/^\/cases\/([^/]+)/)
  if (task.service === 'casework' && caseId) return `/cases/${caseId[1]}`
  // The acceptance standard: on the campaign's page.
  const standard = path.match(/^\/campaigns\/([^/]+)\/standard$/)
  if (task.service === 'acceptance' && standard) return `/screening/${standard[1]}`
  // A city's (province's) spot-check draw: the draws page, the county and campaign filled in.
  if (task.service === 'acceptance' && path === '/spot-checks') {
    return `/acceptance/spot-checks?county=${task.unit.code}${task.campaign_id ? `&campaign=${task.campaign_id}` : ''}`
  }
  const acceptance = path.match(/^\/acceptances\/([^/]+)/)
  if (task.service === 'acceptance' && acceptance) return `/acceptance/${acceptance[1]}`
  const supervision = task.service === 'supervision' ? supervisionPage(task) : null
  if (supervision) return supervision
  if (task.unit.level === 'village') return `/villages/${task.unit.code}`
  return `/figures/${task.unit.code}`
}
