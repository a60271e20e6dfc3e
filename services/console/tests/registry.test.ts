import { describe, expect, it } from 'vitest'
import { agreeing, rowErrorsOf } from '@/logic/registry'

describe('the registry import', () => {
  it('lists a refused file’s rows in error in file order', () => {
    const body = { errors: [{ row: 7, field: 'code', message: '区划代码重复，与第 3 行相同' }, { row: 2, field: 'name', message: '名称不能为空' },
      { field: 'body.file', message: 'not a row' }] }
    expect(rowErrorsOf(body)).toEqual([{ row: 2, field: '名称', message: '名称不能为空' },
      { row: 7, field: '区划代码', message: '区划代码重复，与第 3 行相同' }])
    expect(rowErrorsOf(null)).toEqual([])
    // The register's import names the column as the file does.
    expect(rowErrorsOf({ errors: [{ row: 3, field: 'phone', column: '联系电话', message: '格式不正确' }] }))
      .toEqual([{ row: 3, field: '联系电话', message: '格式不正确' }])
  })
  it('counts the service copies that agree with the registry', () => {
    const own = { counts: { county: 1, village: 8 }, total: 9 }
    expect(agreeing(own, [{ counts: { county: 1, village: 8 }, total: 9 }, { counts: { county: 1 }, total: 1 }, null])).toBe(1)
  })
})
