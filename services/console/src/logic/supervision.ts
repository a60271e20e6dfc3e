// Supervision's words and rules for its forms (framework-free): the kinds of inspection, accountability,
// evaluation and campaign record as the service names them, who records which campaign record, and where a
// supervision to-do item opens its form.
import type { components } from '@/api/types/supervision'
import { levelOf, type Level } from './divisions'

type S = components['schemas']
export type InspectionKind = S['InspectionKind']
export type AccountabilityKind = S['AccountabilityKind']
export type EvaluatedRole = S['EvaluatedRole']
export type Grade = S['Grade']
export type CampaignRecordKind = S['CampaignRecordKind']

export const INSPECTION_KINDS: Record<InspectionKind, string> = {
  scheduled: '定期督导', unannounced: '暗访', special_survey: '专项调研', phone_spot_check: '电话抽查',
}
export const ACCOUNTABILITY_KINDS: Record<AccountabilityKind, string> = {
  talk: '约谈', admonishment_talk: '诫勉谈话', organizational_handling: '组织处理',
}
export const EVALUATED_ROLES: Record<EvaluatedRole, string> = {
  contact_leader: '县级联系领导', township_secretary: '乡镇党委书记', team_member: '工作队员',
}
export const GRADES: Record<Grade, string> = {
  excellent: '优秀', competent: '称职', basically_competent: '基本称职', incompetent: '不称职',
}

/** 四统一 (县委常委会), 五统一 (县委组织部), 五到位 (乡镇党委): which body at which level records which kinds. */
export interface RecordGroup {
  group: string
  label: string
  body: string
  level: Level
  roles: string[]
  kinds: { kind: CampaignRecordKind; label: string }[]
}
export const RECORD_GROUPS: RecordGroup[] = [
  { group: 'four_unified', label: '四统一', body: '县委常委会', level: 'county', roles: ['standing_committee'], kinds: [
    { kind: 'county_analysis', label: '逐村剖析、制定整顿工作意见' },
    { kind: 'unified_dispatch', label: '统一调度选派整顿工作力量' },
    { kind: 'unified_contact_leaders', label: '统一明确县级领导干部联系分包' },
    { kind: 'unified_deployment', label: '统一动员部署' },
    { kind: 'unified_common_problems', label: '统一推动解决共性问题和复杂棘手问题' },
  ] },
  { group: 'five_unified', label: '五统一', body: '县委组织部', level: 'county', roles: ['org_staff'], kinds: [
    { kind: 'unified_lists', label: '统一制定问题清单、任务清单、责任清单' },
    { kind: 'unified_ledger', label: '统一建立整顿工作台账' },
    { kind: 'unified_training', label: '统一开展培训' },
    { kind: 'unified_command', label: '统一协调指挥' },
    { kind: 'unified_follow_up', label: '统一跟进督导' },
  ] },
  { group: 'five_in_place', label: '五到位', body: '乡镇党委', level: 'township', roles: ['township_committee', 'org_staff'], kinds: [
    { kind: 'teams_in_place', label: '整顿工作队全部派驻到位' },
    { kind: 'team_guidance', label: '对整顿工作队领导指导服务到位' },
    { kind: 'measures_studied', label: '与整顿工作队一起将整顿思路举措研究到位' },
    { kind: 'whole_course_tracking', label: '对每个村整顿工作情况全程跟踪到位' },
    { kind: 'problems_resolved', label: '对整顿工作中遇到的问题及时研究解决到位' },
  ] },
]

/** The record groups a person of `unit` with `roles` makes (the service refuses the others). */
export function recordGroupsFor(roles: string[], unit: string | null): RecordGroup[] {
  if (!unit) return []
  let level: Level
  try {
    level = levelOf(unit)
  } catch {
    return []
  }
  return RECORD_GROUPS.filter((g) => g.level === level && g.roles.some((r) => roles.includes(r)))
}

/** The unit an evaluation is about: the township for its secretary, otherwise the village studied. */
export function evaluatedUnit(role: EvaluatedRole, villageCode: string): string {
  return role === 'township_secretary' ? `${villageCode.slice(0, 9)}000` : villageCode
}

/** Where a supervision to-do item opens its form: the page, with what the form is prefilled with. */
export function supervisionPage(task: { kind: string; task_id: string; unit: { code: string }; action: { path: string } }): string | null {
  const key = task.task_id.split(':').slice(2)   // supervision:<kind>:<key…>
  const unit = task.unit.code
  switch (task.kind) {
    case 'supervision.inspection':
      return `/supervision/inspections?form=inspection&plan=${key[0]}&unit=${unit}`
    case 'supervision.follow_up':
      return `/supervision/inspections?form=follow-up&inspection=${key[0]}&demand=${key[1]}`
    case 'supervision.accountability':
      return `/supervision/accountability?form=accountability&alert=${key[0]}&unit=${unit}`
    case 'supervision.evaluation':
      return `/supervision/evaluations?form=evaluation&unit=${unit}&role=${key[key.length - 1]}`
    default:
      return null
  }
}
