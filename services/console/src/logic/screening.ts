// Labels of the screening service's codes, where the answers carry the code only.
export const CAMPAIGN_PHASES: Record<string, string> = {
  screening: '排查认定', concentrated: '集中整顿', continued: '持续整顿', institution_building: '建章立制', acceptance: '评估验收',
}
export const SAMPLE_PURPOSES: Record<string, string> = {
  county_check_listed: '县级审核抽查（列入村）', county_check_unlisted: '县级审核抽查（未列入村）', city_spot_check: '市级抽查认定',
}
export const CHECK_OUTCOMES: Record<string, string> = {
  confirmed: '属实', discrepancy: '有出入', falsified: '弄虚作假', should_be_listed: '应列入未列入', should_not_be_listed: '不应列入', ok: '属实',
}
export const POLICY_LABELS: Record<string, string> = {
  min_listed_share: '整顿对象最低比例', lagging_reference_share: '后进村参考比例', township_list_due: '乡镇报送名单截止',
  county_review_due: '县级审核截止', city_spot_check_due: '市级抽查截止', county_check_sample_ratio: '县级抽查比例',
  city_spot_check_ratio: '市级抽查比例', township_share_flag_factor: '乡镇比例偏低提示系数', filing_dates: '备案节点',
  team_stationing_days: '工作队驻村天数', team_size_min: '工作队最少人数', team_size_max: '工作队最多人数',
  team_leader_rank: '工作队队长职级', contact_leader_visits_per_month: '联系领导每月到村次数',
  problems_pushed_per_visit: '每次到村推动解决问题数', measure_update_interval_months: '措施更新间隔（月）',
  ledger_summary_interval_months: '台账汇总间隔（月）', progress_report_interval_months: '进展报告间隔（月）',
  acceptance_spot_check_window_days: '市省验收抽查时限（天，自县首个验收通过起）',
}

/** Policy values as people read them: shares as percentages, dates in Chinese, lists joined. */
export function policyRows(policy: Record<string, unknown>, fmtDate: (d: string) => string): { key: string; label: string; value: string }[] {
  return Object.entries(policy).map(([key, value]) => ({ key, label: POLICY_LABELS[key] ?? key, value: show(key, value, fmtDate) }))
}

function show(key: string, value: unknown, fmtDate: (d: string) => string): string {
  if (Array.isArray(value)) return value.map((v) => show(key, v, fmtDate)).join('、')
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return fmtDate(value)
  if ((key.endsWith('share') || key.endsWith('ratio')) && value !== null && !Number.isNaN(Number(value))) return `${+(Number(value) * 100).toFixed(2)}%`
  if (typeof value === 'boolean') return value ? '是' : '否'
  if (value && typeof value === 'object') return JSON.stringify(value)
  return String(value ?? '—')
}
