// The acceptance ladder of a village (domain.md: 评估验收), as the stepper shows it.
export interface StepRecord { step: string; outcome: string; body: Record<string, unknown>; actor: { name?: string; roles?: string[]; division_code?: string }; recorded_on: string; policy_version?: number | null }

export interface Rung { key: string; title: string; records: string[] }
export const LADDER: Rung[] = [
  { key: 'application', title: '联名申请', records: ['application'] },
  { key: 'self_check', title: '村级自查', records: ['self_check'] },
  { key: 'preliminary', title: '乡镇初验', records: ['preliminary', 'preliminary_sign'] },
  { key: 'county', title: '县级验收', records: ['county_group', 'county_opinion', 'county_report', 'county_approve', 'county_sign'] },
  { key: 'survey', title: '满意度测评', records: ['survey'] },
  { key: 'spot_check', title: '验收抽查', records: ['city_spot_check', 'province_spot_check', 'county_spot_check'] },
  { key: 'notice', title: '公示', records: ['notice', 'notice_objection', 'notice_objection_answer'] },
  { key: 'delist', title: '销号', records: ['delist'] },
  { key: 'post_evaluation', title: '后评估', records: ['post_evaluation'] },
]

export const RECORD_LABELS: Record<string, string> = {
  application: '工作队队长、村党组织书记联名签署申请', self_check: '村级自查打分', preliminary: '乡镇初验',
  preliminary_sign: '乡镇党委主要负责同志签字盖章', county_group: '组成县级验收组', county_opinion: '联审部门出具意见',
  county_report: '县级验收报告', county_approve: '县委常委会审定', county_sign: '县委书记签字、加盖县委印章',
  survey: '群众满意度测评', city_spot_check: '市级抽查', province_spot_check: '省级抽查', notice: '乡镇公示验收结果',
  notice_objection: '记录公示期间的异议', notice_objection_answer: '答复公示期间的异议',
  delist: '公示期满销号', post_evaluation: '乡镇党委组织后评估',
}

export type RungStatus = 'wait' | 'process' | 'success' | 'error'

/** Each rung's status from the records: done, failed (its last record failed), current, or still to come. */
export function ladderStatus(records: StepRecord[], stage: string): { rung: Rung; status: RungStatus; records: StepRecord[] }[] {
  const rows = LADDER.map((rung) => ({ rung, records: records.filter((r) => rung.records.includes(r.step)) }))
  const lastDone = rows.reduce((last, row, i) => (row.records.length ? i : last), -1)
  const done = (row: (typeof rows)[number], i: number) => row.records.length > 0 && (i < lastDone || complete(row.rung, row.records, stage))
  const failed = (row: (typeof rows)[number]) => row.records.length > 0 && isFailure(row.records[row.records.length - 1].outcome)
  // The rung in progress: the first one from the last rung touched on that is not done (none after a failure).
  const open = stage === 'failed' ? -1 : rows.findIndex((row, i) => i >= lastDone && !done(row, i) && !failed(row))
  return rows.map((row, i) => {
    const status: RungStatus = failed(row) ? 'error' : done(row, i) ? 'success' : i === open ? 'process' : 'wait'
    return { ...row, status }
  })
}

function isFailure(outcome: string): boolean {
  return /fail|reject|relapse|return/i.test(outcome)
}

function complete(rung: Rung, records: StepRecord[], stage: string): boolean {
  // A rung with several records is done once its last kind of record is there.
  const last = rung.records[rung.records.length - 1]
  if (rung.key === 'spot_check') return records.length > 0
  if (rung.key === 'notice') return records.some((r) => r.step === 'notice')   // objections come and go during it
  if (rung.key === 'post_evaluation' || rung.key === 'delist') return records.length > 0 || stage === 'delisted'
  return records.some((r) => r.step === last)
}

/** The active index for el-steps: the first rung that is not done. */
export function activeIndex(statuses: { status: RungStatus }[]): number {
  const i = statuses.findIndex((s) => s.status !== 'success')
  return i === -1 ? statuses.length : i
}
