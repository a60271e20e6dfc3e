// A whole township's assessment (逐村排查研判) as one table: a row a village, a cell a criterion of the
// campaign's catalog. Framework-free: the rows, the checks the service would make (so a person sees
// them in the row before sending), the request bodies, and the batches a big township is sent in.
import type { components } from '@/api/types/screening'

export type AssessmentBody = components['schemas']['AssessmentIn']
export type Result = 'weak_and_lax' | 'lagging' | 'neither'
export const RESULT_LABELS: Record<Result, string> = { weak_and_lax: '软弱涣散', lagging: '后进', neither: '不列入' }

export interface Criterion {
  code: string
  label: string
  requires_reason?: boolean
}

export interface Cell {
  met: boolean
  evidence: string
  reason: string
  attachments: string[] // ids of the evidence files uploaded to the township's round
}

export interface Row {
  village_code: string
  name: string
  assessed: boolean // recorded earlier this round
  result: Result | ''
  cells: Record<string, Cell>
  rank: number | null
  out_of: number | null
  score: string
  basis: string
}

export function emptyRow(village_code: string, name: string, criteria: Criterion[], assessed = false): Row {
  return {
    village_code, name, assessed, result: '', rank: null, out_of: null, score: '', basis: '',
    cells: Object.fromEntries(criteria.map((c) => [c.code, { met: false, evidence: '', reason: '', attachments: [] }])),
  }
}

/** A row's problems in the words the service uses, or [] when it may be sent. Only rows with a result
 * are sent: a blank one is a village not assessed yet. */
export function rowProblems(row: Row, criteria: Criterion[]): string[] {
  if (!row.result) return []
  const problems: string[] = []
  const met = criteria.filter((c) => row.cells[c.code]?.met)
  for (const c of met) {
    if (!row.cells[c.code].evidence.trim()) problems.push(`“${c.label}”须填写依据`)
    if (c.requires_reason && !row.cells[c.code].reason.trim()) problems.push(`“${c.label}”须说明具体原因`)
  }
  if (met.length && row.result === 'neither') problems.push('符合认定标准的，不能认定为“不列入”')
  if (met.length && row.result === 'lagging') problems.push('符合软弱涣散认定标准的，应认定为软弱涣散')
  if (!met.length && row.result === 'weak_and_lax') problems.push('认定为软弱涣散须至少符合一条标准')
  if (row.result === 'lagging') {
    if (row.rank === null && row.score.trim() === '') problems.push('认定为后进须填写倒排名次或得分')
    if (row.score.trim() !== '' && Number.isNaN(Number(row.score))) problems.push('得分应为数字')
    if (row.rank !== null && row.out_of !== null && row.rank > row.out_of) problems.push('名次不能大于参评总数')
  }
  return problems
}

export function bodyOf(row: Row, criteria: Criterion[]): AssessmentBody {
  const body: AssessmentBody = {
    village_code: row.village_code,
    result: row.result as Result,
    findings: criteria.map((c) => {
      const cell = row.cells[c.code]
      return {
        criterion_code: c.code, met: cell.met, evidence: cell.met ? cell.evidence.trim() : '', attachments: cell.met ? cell.attachments : [],
        ...(cell.met && c.requires_reason ? { reason: cell.reason.trim() } : {}),
      }
    }),
  }
  if (row.result === 'lagging') {
    body.ranking = { rank: row.rank, out_of: row.out_of, score: row.score.trim() === '' ? null : Number(row.score), basis: row.basis.trim() }
  }
  return body
}

/** The rows to send (those given a result), in batches: a big township goes in several requests so the
 * page can show its progress (each batch is all-or-nothing at the service). */
export function batches<T>(items: T[], size = 100): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** "张庄村：“书记不胜任”须填写依据" for every row that fails, by row. */
export function tableProblems(rows: Row[], criteria: Criterion[]): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const row of rows) {
    const p = rowProblems(row, criteria)
    if (p.length) out[row.village_code] = p
  }
  return out
}

/** Attendees typed as one line, split on 、，, ; or spaces. */
export function people(text: string): string[] {
  return text.split(/[、，,;；\s]+/).map((s) => s.trim()).filter(Boolean)
}
