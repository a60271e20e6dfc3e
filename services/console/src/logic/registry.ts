// The division registry's import as the console shows it: the rows a refused file had wrong, and whether
// every service's copy of the tree has caught up with screening's (the copies travel as events).

export interface RowError {
  row: number
  field: string
  message: string
}

// The division file's columns in Chinese (the register's import names its own `column`).
const DIVISION_COLUMNS: Record<string, string> = { code: '区划代码', name: '名称', parent_code: '上级代码', kind: '类型' }

/** The rows in error of a refused import (its problem's `errors`), in file order, each column in Chinese. */
export function rowErrorsOf(body: unknown): RowError[] {
  const errors = (body as { errors?: unknown } | null)?.errors
  if (!Array.isArray(errors)) return []
  return errors
    .filter((e) => typeof e === 'object' && e !== null && 'row' in e)
    .map((e) => {
      const field = String(e.field ?? '')
      const column = 'column' in e && e.column ? String(e.column) : (DIVISION_COLUMNS[field] ?? field)
      return { row: Number(e.row), field: column, message: String(e.message ?? '') }
    })
    .sort((a, b) => a.row - b.row)
}

/** How many of the copies agree with the registry's own summary (compared as JSON). */
export function agreeing(own: unknown, copies: unknown[]): number {
  const wanted = JSON.stringify(own)
  return copies.filter((c) => JSON.stringify(c) === wanted).length
}
