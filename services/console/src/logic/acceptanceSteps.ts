// Which acceptance step the signed-in person may take now (domain.md §6): the stage says which step is
// next, the access policy says whose it is. Mirrors acceptance's GET /tasks and its routes; the service
// still decides (a refused step shows its reason in the form).

export type StepKey =
  | 'application' | 'self_check' | 'preliminary' | 'preliminary_sign' | 'county_group' | 'opinion' | 'county_report'
  | 'county_approve' | 'county_sign' | 'survey' | 'spot_check' | 'notice' | 'objection' | 'delist' | 'post_evaluation'

/** The button of each step, in the order a village goes through them. */
export const STEP_LABELS: Record<StepKey, string> = {
  application: '联名签署验收申请', self_check: '村级自查打分', preliminary: '乡镇初验', preliminary_sign: '初验报告签字盖章',
  county_group: '组成县级验收组', opinion: '出具联审意见', county_report: '出具县级验收报告', county_approve: '县委常委会审定',
  county_sign: '县委书记签字盖章', survey: '群众满意度测评', spot_check: '记录抽查结论', notice: '公示验收结果', objection: '记录公示异议',
  delist: '销号', post_evaluation: '后评估',
}

// The review departments (zhengdun.roles.ReviewDepartment): the role of each department's account.
export const DEPARTMENT_LABELS: Record<string, string> = {
  discipline: '纪检机关', political_legal: '政法', public_security: '公安', united_front: '统战',
  ethnic_religious: '民宗', family_planning: '计生', agricultural_economy: '农经', audit: '审计',
}
export const departmentRole = (department: string) => `review_${department}`

export interface Objection { objection_id: string; raised_on: string; content: string; answer: string; answered_on: string | null }

export interface AcceptanceState {
  application_signers?: Record<string, string>
  documents?: Record<string, string>
  county?: { departments?: string[]; opinions?: Record<string, unknown> }
  spot_checks?: Record<string, { chosen: boolean; result: string | null } | null>
  notice?: { started_on: string; ends_on: string; days: number; objections?: Objection[] }
  post_evaluation_due?: string
  /** The files each step rests on (application, preliminary, county_report), as the documents name them. */
  attachments?: Record<string, { file_id: string; filename: string; sha256: string; size: number; content_type: string }[]>
}

// spot_check_levels: who spot-checks the campaign (city and province; the county in a county's or township's own).
export interface StepSubject { stage: string; village_code: string; state: AcceptanceState; spot_check_levels?: string[] }

/** What the console's session answers: may the user take `action` on `target`, and which roles they hold. */
export interface Actor { can: (action: string, target?: string) => boolean; roles: string[]; level?: string | null }

export const SIGNER_ROLES = ['work_team_leader', 'village_secretary'] as const

/** The role in which the user signs the application (the service takes the team leader's first). */
export function signerRole(roles: string[]): string | null {
  return SIGNER_ROLES.find((r) => roles.includes(r)) ?? null
}

/** The review department of the user's account, if it is one. */
export function ownDepartment(roles: string[]): string | null {
  return Object.keys(DEPARTMENT_LABELS).find((d) => roles.includes(departmentRole(d))) ?? null
}

/** Departments of the county group that have not given their opinion yet. */
export function missingOpinions(state: AcceptanceState): string[] {
  const county = state.county ?? {}
  return (county.departments ?? []).filter((d) => !(d in (county.opinions ?? {})))
}

/** City and province spot checks drawn, and settled where the village was chosen (else no notice yet). */
export function spotChecksSettled(state: AcceptanceState, levels: string[] = ['city', 'province']): boolean {
  const checks = state.spot_checks ?? {}
  return levels.every((level) => {
    const check = checks[level]
    return !!check && (!check.chosen || check.result !== null)
  })
}

export function unansweredObjections(state: AcceptanceState): Objection[] {
  return (state.notice?.objections ?? []).filter((o) => !o.answer)
}

/** The steps the user may take on this acceptance now, in ladder order. */
export function availableSteps(a: StepSubject, actor: Actor): StepKey[] {
  const may = (action: string) => actor.can(action, a.village_code)
  const state = a.state ?? {}
  const steps: StepKey[] = []
  switch (a.stage) {
    case 'ready': {
      const role = signerRole(actor.roles)
      if (may('acceptance.apply') && role && !(role in (state.application_signers ?? {}))) steps.push('application')
      break
    }
    case 'applied':
      if (may('acceptance.apply')) steps.push('self_check')
      break
    case 'self_checked':
      if (may('acceptance.preliminary')) steps.push('preliminary')
      break
    case 'preliminary_recorded':
      if (may('acceptance.preliminary.sign')) steps.push('preliminary_sign')
      break
    case 'preliminary_passed':
      if (may('acceptance.county')) steps.push('county_group')
      break
    case 'county_grouped': {
      const department = ownDepartment(actor.roles)
      const missing = missingOpinions(state)
      if (may('acceptance.review_opinion') && department && missing.includes(department)) steps.push('opinion')
      if (may('acceptance.county') && missing.length === 0) steps.push('county_report')
      break
    }
    case 'county_reported':
      if (may('acceptance.county.approve')) steps.push('county_approve')
      break
    case 'county_approved':
      if (may('acceptance.county.sign')) steps.push('county_sign')
      break
    case 'county_passed':
      if (may('acceptance.county')) steps.push('survey')
      break
    case 'accepted': {
      // A spot check of the caller's level (city, province; the county in its own campaign) drew this village and
      // its finding is not recorded yet.
      const levels = a.spot_check_levels ?? ['city', 'province']
      const check = actor.level && levels.includes(actor.level) ? state.spot_checks?.[actor.level] : null
      if (may('acceptance.spot_check') && check?.chosen && check.result === null) steps.push('spot_check')
      if (may('acceptance.notice') && spotChecksSettled(state, levels)) steps.push('notice')
      break
    }
    case 'noticed':
      if (may('acceptance.notice')) steps.push('objection')
      if (may('acceptance.county')) steps.push('delist')
      break
    case 'delisted':
      if (may('acceptance.post_evaluation')) steps.push('post_evaluation')
      break
  }
  return steps
}

// The fields of the documents a signer reads before signing, in Chinese (the rest shown by their key).
export const CONTENT_LABELS: Record<string, string> = {
  title: '文书', village_name: '村', village_code: '区划代码', round: '验收轮次', statement: '申请书正文', attachments: '附件',
  inspection_group: '初验组', meeting: '党委集体研究', passed: '结论是否通过', report: '报告', self_check_total: '村级自查总分',
  conclusion: '结论', township_code: '乡镇', county_code: '县', group: '县级验收组', opinions: '联审部门意见',
  approval: '县委常委会审定', filed_with: '报备案单位', preliminary_report: '乡镇初验报告编号', leader: '带队领导', members: '成员',
  held_on: '日期', attendees: '参会人员', minutes: '纪要', meeting_on: '会议日期', approved: '是否审定通过', agrees: '是否同意',
  opinion: '意见', text: '内容', score: '得分', department_label: '部门', document_id: '文书编号', name: '姓名', post: '职务',
  rank: '级别', acceptance_id: '验收编号', case_id: '台账编号', campaign_id: '整顿工作编号', kind: '文书类型',
}
