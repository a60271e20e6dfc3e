import { describe, expect, it } from 'vitest'
import { ACCOUNT_COLUMNS, accountsTemplateHref, grantableRoles } from '@/logic/users'
import { ROLE_LABELS } from '@/api/types/policy'

function csvOf(href: string): string[][] {
  expect(href.startsWith('data:text/csv;charset=utf-8,')).toBe(true)
  const text = decodeURIComponent(href.slice(href.indexOf(',') + 1))
  expect(text.startsWith('\uFEFF')).toBe(true)
  return text.slice(1).trim().split('\r\n').map((line) => line.split(','))
}

describe('the template of a file of accounts', () => {
  it('has the columns the service reads and an example role of the level below, in Chinese', () => {
    const [header, example] = csvOf(accountsTemplateHref('990102000000', ROLE_LABELS))
    expect(header).toEqual(ACCOUNT_COLUMNS)
    expect(example[4]).toBe('组织部门工作人员')          // a county opens its townships' accounts
    const [, village] = csvOf(accountsTemplateHref('990102101000', ROLE_LABELS))
    expect(grantableRoles('990102101201').map((r) => ROLE_LABELS[r])).toContain(village[4])
  })
})
