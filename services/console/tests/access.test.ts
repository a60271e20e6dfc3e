import { describe, expect, it } from 'vitest'
import { allows } from '@/logic/access'
import { POLICY } from '@/api/types/policy'

const county = { roles: ['org_staff', 'level_county'], unit: '990102000000' }
const township = { roles: ['org_staff', 'township_committee', 'level_township'], unit: '990102101000' }
const ops = { roles: ['operations'], unit: '990000000000' }

describe('the generated access policy, applied as the services apply it', () => {
  it('lets people read figures inside their jurisdiction only', () => {
    expect(allows(POLICY, county, 'report.read', '990102101000')).toBe(true)
    expect(allows(POLICY, county, 'report.read', '990103000000')).toBe(false)
    expect(allows(POLICY, township, 'case.read', '990102102201')).toBe(false)
    expect(allows(POLICY, township, 'case.read', '990102101201')).toBe(true)
  })
  it('checks roles and levels', () => {
    expect(allows(POLICY, county, 'screening.assess')).toBe(false) // a township's step
    expect(allows(POLICY, township, 'screening.assess')).toBe(true)
    expect(allows(POLICY, ops, 'report.read')).toBe(false)
    expect(allows(POLICY, ops, 'clock.set')).toBe(true)
    expect(allows(POLICY, county, 'no.such.action')).toBe(false)
  })
  it('knows own-unit and below scopes', () => {
    expect(allows(POLICY, township, 'screening.township_list', '990102101000')).toBe(true)
    expect(allows(POLICY, township, 'screening.township_list', '990102101201')).toBe(false)
    expect(allows(POLICY, county, 'user.manage', '990102000000')).toBe(false)
    expect(allows(POLICY, county, 'user.manage', '990102101000')).toBe(true)
  })
})
