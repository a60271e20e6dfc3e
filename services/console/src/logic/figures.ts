// The figures of reporting (/figures/{code}) turned into what the home page draws.
// Every share comes with the counts it is made of: the console prints shares from the counts (formatShareOf).
export interface CategoryCount {
  villages: number
  out_of: number // villages listed
  share: number | string | null
}
export interface CriterionCount {
  criterion: string
  label: string
  villages: number
  out_of: number // weak-and-lax villages listed (seed 003: lagging villages are counted apart)
  share: number | string | null
}
export interface Figures {
  villages_in_campaign: number
  villages_screened: number
  screened_share: number | string | null
  listed: number
  listed_share: number | string | null
  listed_by_category: Record<string, CategoryCount>
  listed_by_criterion: CriterionCount[]
  cases_by_phase: Record<string, number>
  measures_overdue: number
  villages_with_overdue_measures: number
  visits_due: number
  visits_compliant: number
  visit_compliance: number | string | null
  alerts_open: number
  acceptances_passed: number
  acceptances_failed: number
  delisted: number
  relapsed: number
  designated: number
  transformed: number
  transformation_rate: number | string | null
}

export const PHASE_LABELS: Record<string, string> = {
  concentrated: '集中整顿',
  continued: '持续整顿',
  ready_for_acceptance: '待验收',
  accepted: '已通过验收',
  delisted: '已销号',
}
export const RECTIFYING = ['concentrated', 'continued', 'ready_for_acceptance']
export const CATEGORY_LABELS: Record<string, string> = { weak_and_lax: '软弱涣散', lagging: '后进' }

/** Shares come as decimals (JSON numbers or strings such as "0.1579"). */
export function asNumber(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null
  const n = typeof value === 'number' ? value : Number(value)
  return Number.isFinite(n) ? n : null
}

export interface FunnelStep {
  key: string // the drill-down figure of reporting
  label: string
  value: number
  phase?: string
}

/** screened → listed → in rectification → accepted → delisted, each opening its villages. */
export function funnel(f: Figures): FunnelStep[] {
  const rectifying = RECTIFYING.reduce((sum, p) => sum + (f.cases_by_phase[p] ?? 0), 0)
  return [
    { key: 'screened', label: '已排查', value: f.villages_screened },
    { key: 'listed', label: '列入整顿', value: f.listed },
    { key: 'cases', label: '整顿中', value: rectifying },
    { key: 'accepted', label: '验收通过', value: f.acceptances_passed },
    { key: 'delisted', label: '已销号', value: f.delisted },
  ]
}

export function phaseRows(f: Figures): { phase: string; label: string; value: number }[] {
  return Object.keys(PHASE_LABELS).map((phase) => ({ phase, label: PHASE_LABELS[phase], value: f.cases_by_phase[phase] ?? 0 }))
}

export interface Card {
  key: string
  label: string
  value: number
  hint?: string
  drill?: string // reporting's drill-down figure
}

/** The cards of the home page; `fmtShare` prints part / whole (formatShareOf: rounded once from the counts). */
export function cards(f: Figures, fmtShare: (part: number, whole: number) => string): Card[] {
  return [
    { key: 'in_campaign', label: '纳入整顿工作的村', value: f.villages_in_campaign, drill: 'in_campaign' },
    { key: 'screened', label: '已排查村', value: f.villages_screened, hint: `占 ${fmtShare(f.villages_screened, f.villages_in_campaign)}`, drill: 'screened' },
    { key: 'listed', label: '在册整顿对象', value: f.listed, hint: `占 ${fmtShare(f.listed, f.villages_in_campaign)}`, drill: 'listed' },
    { key: 'cases', label: '整顿中', value: RECTIFYING.reduce((s, p) => s + (f.cases_by_phase[p] ?? 0), 0), drill: 'cases' },
    { key: 'overdue', label: '措施逾期', value: f.measures_overdue, hint: `涉及 ${f.villages_with_overdue_measures} 个村`, drill: 'overdue' },
    { key: 'visits', label: '联系领导到村达标', value: f.visits_compliant, hint: `应到 ${f.visits_due} 个村，达标率 ${fmtShare(f.visits_compliant, f.visits_due)}`, drill: 'visits_compliant' },
    { key: 'alerts_open', label: '未销号预警', value: f.alerts_open, drill: 'alerts_open' },
    { key: 'accepted', label: '验收通过', value: f.acceptances_passed, hint: `未通过 ${f.acceptances_failed} 次`, drill: 'accepted' },
    { key: 'delisted', label: '已销号', value: f.delisted, drill: 'delisted' },
    { key: 'relapsed', label: '后评估反弹', value: f.relapsed, drill: 'relapsed' },
    { key: 'transformed', label: '已转化', value: f.transformed, hint: `转化率 ${fmtShare(f.transformed, f.designated)}`, drill: 'transformed' },
  ]
}
