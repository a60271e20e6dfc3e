import { describe, expect, it } from 'vitest'
import { chainFrom, childLevel, isCode, isWithin, levelOf, parentCode } from '@/logic/divisions'

describe('division codes (the same rules as zhengdun.divisions)', () => {
  it('reads the level from the significant digits', () => {
    expect(levelOf('990000000000')).toBe('province')
    expect(levelOf('990100000000')).toBe('city')
    expect(levelOf('990102000000')).toBe('county')
    expect(levelOf('990102101000')).toBe('township')
    expect(levelOf('990102101201')).toBe('village')
    expect(() => levelOf('99010210120')).toThrow()
  })
  it('tells what lies inside a jurisdiction', () => {
    expect(isWithin('990102101201', '990102101000')).toBe(true)
    expect(isWithin('990102101000', '990102101000')).toBe(true)
    expect(isWithin('990102102201', '990102101000')).toBe(false) // another township's village
    expect(isWithin('990103000000', '990102000000')).toBe(false)
    expect(isWithin('not-a-code', '990102000000')).toBe(false)
  })
  it('walks up and down the tree', () => {
    expect(parentCode('990102101201')).toBe('990102101000')
    expect(parentCode('990102000000')).toBe('990100000000')
    expect(parentCode('990000000000')).toBeNull()
    expect(chainFrom('990102000000', '990102101201')).toEqual(['990102000000', '990102101000', '990102101201'])
    expect(chainFrom('990102101000', '990102102201')).toEqual([])
    expect(childLevel('990102000000')).toBe('township')
    expect(childLevel('990102101201')).toBeNull()
    expect(isCode('990102101201')).toBe(true)
    expect(isCode('abc')).toBe(false)
  })
})
