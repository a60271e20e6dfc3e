// A township's special actions (seed 004, 六大专项行动): the task table (附件1), its progress, and the branches'
// organization life (三会一课, 每会必记). Who keeps them (special_action.keep: the township) and who only reads.
import type { components as Supervision } from '@/api/types/supervision'
import type { components as Reporting } from '@/api/types/reporting'
import { isCode, levelOf, parentCode } from '@/logic/divisions'

export type SpecialAction = Supervision['schemas']['SpecialActionOut']
export type ActionItem = Supervision['schemas']['SpecialActionItemOut']
export type OrgLifeSchedule = Supervision['schemas']['OrgLifeScheduleOut']
export type OrgLifeMeeting = Supervision['schemas']['OrgLifeMeetingOut']
export type MeetingKind = Supervision['schemas']['MeetingKind']
export type BranchOrgLife = Reporting['schemas']['BranchOrgLife']

/** The kinds of organization life, in the seed's order, with when each is due (seed 004 二(三)1). */
export const MEETING_KINDS: { kind: MeetingKind; label: string; cadence: string }[] = [
  { kind: 'party_congress', label: '党员大会', cadence: '每季度至少1次' },
  { kind: 'branch_committee', label: '支部委员会', cadence: '每月至少1次' },
  { kind: 'party_group', label: '党小组会', cadence: '每月至少1次' },
  { kind: 'party_lecture', label: '党课', cadence: '每季度至少1次' },
  { kind: 'study_day', label: '固定学习日', cadence: '每月10日、20日' },
  { kind: 'life_meeting', label: '组织生活会', cadence: '每年年底1次' },
  { kind: 'democratic_review', label: '民主评议党员大会', cadence: '每年年底1次' },
]

export function meetingLabel(kind: string): string {
  return MEETING_KINDS.find((k) => k.kind === kind)?.label ?? kind
}

/** The tag of an item's state: done green, overdue red, in progress plain. */
export function statusTag(status: ActionItem['status']): 'success' | 'danger' | 'info' {
  return status === 'done' ? 'success' : status === 'overdue' ? 'danger' : 'info'
}

/** "2/5": the items done of the table. */
export function doneOf(action: Pick<SpecialAction, 'items_done' | 'items_total'>): string {
  return `${action.items_done}/${action.items_total}`
}

/** "支部委员会 3、党课 1": a branch's meetings by kind, in the seed's order. */
export function meetingsByKind(counts: Record<string, number>): string {
  return MEETING_KINDS.filter((k) => counts[k.kind]).map((k) => `${k.label} ${counts[k.kind]}`).join('、')
}

/** The township whose table the page shows: the clerk's own, or the chosen action's for a reader above. */
export function townshipOf(unit: string | null, level: string | null, chosen: SpecialAction | null): string | null {
  if (level === 'township' && unit) return unit
  return chosen?.township_code ?? null
}

export type SupervisionRecord = Supervision['schemas']['SpecialActionSupervisionOut']
export type SupervisionMode = Supervision['schemas']['SupervisionMode']
export type Rating = Supervision['schemas']['Rating']

/** The supervision plan's five modes (附件2 五), with when each is held. */
export const SUPERVISION_MODES: { mode: SupervisionMode; label: string }[] = [
  { mode: 'meeting', label: '会议督导' },
  { mode: 'monthly', label: '定期督导（每月25日至月底）' },
  { mode: 'unscheduled', label: '不定期督导' },
  { mode: 'tracking', label: '跟踪督导' },
  { mode: 'year_end', label: '年终督导（12月）' },
]

/** A branch's result of a supervision (附件2 六), best first. */
export const RATINGS: { rating: Rating; label: string }[] = [
  { rating: 'good', label: '好' },
  { rating: 'fair', label: '较好' },
  { rating: 'adequate', label: '一般' },
  { rating: 'poor', label: '差' },
]

/** One row of the task table (附件1) as the clerk types it. */
export interface ItemDraft {
  project: string
  content: string
  requirement: string
  time_node: string
  due_on: string
  responsible_name: string
}

export function blankItem(dueOn = ''): ItemDraft {
  return { project: '', content: '', requirement: '', time_node: '', due_on: dueOn, responsible_name: '' }
}

/** What a row still lacks (the service's own rule: project, requirement, time node and responsible person), or null. */
export function missingInItems(items: ItemDraft[]): string | null {
  if (!items.length) return '任务分解表至少须有一项任务'
  for (const [index, item] of items.entries()) {
    const lacks = [
      !item.project.trim() && '项目', !item.requirement.trim() && '要求',
      !item.due_on && '时间节点（最迟完成日期）', !item.responsible_name.trim() && '责任人',
    ].filter(Boolean)
    if (lacks.length) return `第${index + 1}项须写明${lacks.join('、')}`
  }
  return null
}

/** The villages (12-digit codes) directly under a township, among the names looked up. */
const ORGANIZATION_KINDS = ['非公企业', '社会组织']

/** The township's villages and communities among the named divisions; its enterprises and social
 *  organizations have codes of the same shape, and are told apart by their kind. */
export function villagesIn(township: string, names: Record<string, string>, kinds: Record<string, string> = {}): string[] {
  return Object.keys(names).filter((c) => isCode(c) && levelOf(c) === 'village' && parentCode(c) === township
    && !ORGANIZATION_KINDS.includes(kinds[c] ?? '')).sort()
}
