// The city's acceptance standard (验收标准): four headings, each with its scored items, and the pass mark.
// The rows' checks here are the browser's; the service decides the rest (every heading covered, the pass
// mark within the total) and its refusal is shown above the form.

export const HEADINGS: Record<string, string> = {
  team: '班子坚强有力',
  institutions: '制度运行规范',
  social_management: '社会管理有序',
  satisfaction: '党员群众满意',
}
export type Heading = 'team' | 'institutions' | 'social_management' | 'satisfaction'

export interface StandardRow {
  code: string
  heading: Heading
  title: string
  max_score: number | null
}

/** A first standard to start from: one item under each heading, 25 points each, 80 to pass. */
export function defaultStandard(): { items: StandardRow[]; pass_mark: number } {
  return {
    items: [
      { code: 'A1', heading: 'team', title: '班子团结、战斗力强', max_score: 25 },
      { code: 'B1', heading: 'institutions', title: '三会一课等制度落实', max_score: 25 },
      { code: 'C1', heading: 'social_management', title: '矛盾纠纷有效化解', max_score: 25 },
      { code: 'D1', heading: 'satisfaction', title: '党员群众认可', max_score: 25 },
    ],
    pass_mark: 80,
  }
}

export function totalOf(items: StandardRow[]): number {
  return items.reduce((sum, i) => sum + (i.max_score ?? 0), 0)
}

/** What is wrong with the rows, in Chinese, or null. */
export function rowsProblem(items: StandardRow[]): string | null {
  if (!items.length) return '请至少填写一个评分项'
  for (const [n, item] of items.entries()) {
    if (!item.code.trim()) return `第 ${n + 1} 项：请填写编号`
    if (!item.title.trim()) return `第 ${n + 1} 项：请填写内容`
    if (!item.max_score || item.max_score <= 0) return `第 ${n + 1} 项：分值须大于 0`
  }
  const codes = items.map((i) => i.code.trim())
  if (new Set(codes).size !== codes.length) return '评分项编号重复'
  const missing = Object.keys(HEADINGS).filter((h) => !items.some((i) => i.heading === h))
  if (missing.length) return `验收标准须涵盖四个方面，缺少：${missing.map((h) => HEADINGS[h]).join('、')}`
  return null
}
