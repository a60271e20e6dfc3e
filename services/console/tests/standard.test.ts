import { describe, expect, it } from 'vitest'
import { defaultStandard, rowsProblem, totalOf } from '@/logic/standard'

describe('the acceptance standard form', () => {
  it('starts from four items worth 100 with 80 to pass', () => {
    const start = defaultStandard()
    expect(totalOf(start.items)).toBe(100)
    expect(start.pass_mark).toBe(80)
    expect(rowsProblem(start.items)).toBeNull()
  })
  it('names the row and what it lacks', () => {
    const items = defaultStandard().items
    items[1].title = ' '
    expect(rowsProblem(items)).toBe('第 2 项：请填写内容')
  })
  it('asks for every heading and distinct codes', () => {
    const items = defaultStandard().items.slice(0, 3)
    expect(rowsProblem(items)).toBe('验收标准须涵盖四个方面，缺少：党员群众满意')
    const doubled = defaultStandard().items
    doubled[3].code = 'A1'
    expect(rowsProblem(doubled)).toBe('评分项编号重复')
  })
})
