// The case book's derived views: the three lists as one table, visits by month, progress per measure.
export interface Person { name: string; post?: string | null; [k: string]: unknown }
export interface Problem { problem_id: string; title: string; detail: string; criterion_code: string | null; found_on_site: boolean; found_on: string }
export interface Task { task_id: string; problem_id: string; title: string }
export interface Measure { measure_id: string; task_id: string; problem_id: string; title: string; responsible: string | null; deadline: string | null; status: string; planned_on: string }
export interface Evidence { file_id: string; filename: string; sha256: string; size: number; content_type: string }
export interface Progress { record_id: string; measure_id: string; status: string; narrative: string; evidence: Evidence[]; progress_on: string; corrects: string | null; corrected_by: string | null }
export interface Visit {
  leader: Person; team_members: string[]; village_cadres: string[]; key_persons: string[]; problems_pushed: string[]; notes: string; visited_on: string
  // 三必须: casework's verdict, and what the visit lacked (Chinese labels).
  counts_toward_minimum?: boolean; missing_musts?: { code: string; label: string }[]
}

export const MEASURE_STATUS: Record<string, string> = {
  planned: '未开始', in_progress: '推进中', done: '已完成', completed: '已完成', overdue: '已逾期', not_started: '未开始',
}

export interface ListRow {
  problem: Problem
  task: Task | null
  measure: Measure | null
  problemSpan: number // rows this problem's cell spans (0: covered by the row above)
  taskSpan: number
}

/** problem → task → measure as table rows, each problem and task spanning its measures' rows. */
export function threeLists(problems: Problem[], tasks: Task[], measures: Measure[]): ListRow[] {
  const rows: ListRow[] = []
  for (const problem of problems) {
    const own = tasks.filter((t) => t.problem_id === problem.problem_id)
    const start = rows.length
    if (own.length === 0) rows.push({ problem, task: null, measure: null, problemSpan: 1, taskSpan: 1 })
    for (const task of own) {
      const ms = measures.filter((m) => m.task_id === task.task_id)
      const taskStart = rows.length
      if (ms.length === 0) rows.push({ problem, task, measure: null, problemSpan: 0, taskSpan: 1 })
      for (const measure of ms) rows.push({ problem, task, measure, problemSpan: 0, taskSpan: 0 })
      rows[taskStart].taskSpan = rows.length - taskStart
    }
    rows.forEach((r, i) => { if (i > start && r.problem === problem) r.problemSpan = 0 })
    rows[start].problemSpan = rows.length - start
  }
  return rows
}

/** Visits counted per month (YYYY-MM), oldest first, against the policy's monthly minimum: only those that met
 * the 三必须 count (a month with only short visits shows 0). */
export function visitsByMonth(visits: Visit[], minimum: number): { month: string; visits: number; meets: boolean }[] {
  const counts = new Map<string, number>()
  for (const v of visits) {
    const month = v.visited_on.slice(0, 7)
    counts.set(month, (counts.get(month) ?? 0) + (v.counts_toward_minimum === false ? 0 : 1))
  }
  return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([month, n]) => ({ month, visits: n, meets: n >= minimum }))
}

export function progressOf(measureId: string, progress: Progress[]): Progress[] {
  return progress.filter((p) => p.measure_id === measureId).sort((a, b) => a.progress_on.localeCompare(b.progress_on))
}

export type PreviewKind = 'image' | 'pdf' | 'file'
export function previewKind(e: Pick<Evidence, 'content_type' | 'filename'>): PreviewKind {
  if (e.content_type.startsWith('image/')) return 'image'
  if (e.content_type === 'application/pdf' || e.filename.toLowerCase().endsWith('.pdf')) return 'pdf'
  return 'file'
}

/** 三必须 of a contact leader's visit (seed 000 §三(二)5): what it still lacks, in Chinese (empty: it counts
 * toward the monthly minimum). The service judges the same way and records a visit that lacks some, flagged. */
export function missingMusts(
  visit: { team_members: string[]; village_cadres: string[]; key_persons: string[]; problems_pushed: string[] },
  problemsRequired: number,
): string[] {
  const talked = (people: string[]) => people.some((p) => p.trim() !== '')
  const missing: string[] = []
  if (!talked(visit.team_members)) missing.push('与整顿工作队员谈话')
  if (!talked(visit.village_cadres)) missing.push('与村干部谈话')
  if (!talked(visit.key_persons)) missing.push('与重点工作对象谈话')
  if (visit.problems_pushed.length < problemsRequired) {
    missing.push(problemsRequired <= 1 ? '推动解决问题' : `推动解决至少 ${problemsRequired} 个问题`)
  }
  return missing
}
