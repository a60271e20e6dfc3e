import { describe, expect, it } from 'vitest'
import { buildUrl, filenameOf } from '@/api/client'
import { identityFrom } from '@/auth/claims'

describe('the API client', () => {
  it('fills path parameters and leaves out empty query values', () => {
    expect(buildUrl('reporting', '/figures/{code}/villages', { path: { code: '990102000000' }, query: { figure: 'listed', date: undefined, category: '' } }))
      .toBe('/api/reporting/figures/990102000000/villages?figure=listed')
    expect(() => buildUrl('casework', '/cases/{case_id}', {})).toThrow(/case_id/)
  })
  it('reads the file name the service gives (UTF-8 names too)', () => {
    expect(filenameOf("attachment; filename*=UTF-8''%E5%8F%B0%E8%B4%A6.xlsx")).toBe('台账.xlsx')
    expect(filenameOf('attachment; filename="a.pdf"')).toBe('a.pdf')
    expect(filenameOf(null)).toBe('download')
  })
})

describe('the identity in the access token', () => {
  it('reads unit, roles and name', () => {
    const payload = { preferred_username: 'county_org', family_name: '李', given_name: '县组', division_code: '990102000000',
      realm_access: { roles: ['org_staff', 'level_county', 'default-roles-zhengdun', 'offline_access'] } }
    const encoded = btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(payload)))).replace(/=+$/, '')
    expect(identityFrom(`x.${encoded}.y`)).toEqual({ username: 'county_org', name: '李县组', unit: '990102000000', roles: ['org_staff', 'level_county'] })
  })
})
