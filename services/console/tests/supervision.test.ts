import { describe, expect, it } from 'vitest'
import { evaluatedUnit, recordGroupsFor, supervisionPage } from '@/logic/supervision'
import { functionalRoles, grantableRoles } from '@/logic/users'
import { pageOf, type Task } from '@/logic/tasks'

const task = (kind: string, key: string, unit: string, path: string) =>
  ({ task_id: `supervision:${kind}:${key}`, service: 'supervision', kind, unit: { code: unit, name: '', level: 'county' }, action: { service: 'supervision', method: 'POST', path } })

describe('supervision forms', () => {
  it('opens the form of each supervision to-do item, prefilled', () => {
    expect(supervisionPage(task('supervision.inspection', 'PLAN-1:2021-06', '990102000000', '/inspections')))
      .toBe('/supervision/inspections?form=inspection&plan=PLAN-1&unit=990102000000')
    expect(supervisionPage(task('supervision.follow_up', 'INSP-1:D-2', '990102101000', '/inspections/INSP-1/follow-ups')))
      .toBe('/supervision/inspections?form=follow-up&inspection=INSP-1&demand=D-2')
    expect(supervisionPage(task('supervision.accountability', 'AL-9', '990102101000', '/accountability')))
      .toBe('/supervision/accountability?form=accountability&alert=AL-9&unit=990102101000')
    expect(supervisionPage(task('supervision.evaluation', 'C1:990102101201:team_member', '990102101201', '/evaluations')))
      .toBe('/supervision/evaluations?form=evaluation&unit=990102101201&role=team_member')
    expect(pageOf(task('supervision.follow_up', 'INSP-1:D-2', '990102101000', '/x') as unknown as Task)).toContain('form=follow-up')
  })
  it('evaluates a township secretary at the township, the others at the village', () => {
    expect(evaluatedUnit('township_secretary', '990102101201')).toBe('990102101000')
    expect(evaluatedUnit('contact_leader', '990102101201')).toBe('990102101201')
  })
  it('offers each body only its own campaign records', () => {
    expect(recordGroupsFor(['standing_committee'], '990102000000').map((g) => g.label)).toEqual(['四统一'])
    expect(recordGroupsFor(['org_staff'], '990102000000').map((g) => g.label)).toEqual(['五统一'])
    expect(recordGroupsFor(['org_staff', 'township_committee'], '990102101000').map((g) => g.label)).toEqual(['五到位'])
    expect(recordGroupsFor(['work_team_leader'], '990102101201')).toEqual([])
  })
})

describe('users of subordinate units', () => {
  it('offers the roles a unit of that level may hold', () => {
    expect(grantableRoles('990102101201')).toEqual(['work_team_leader', 'work_team_member', 'village_secretary'])
    expect(grantableRoles('990102101000')).toEqual(['org_staff', 'township_committee', 'township_principal'])
    expect(grantableRoles('x')).toEqual([])
    expect(functionalRoles(['work_team_member', 'level_village', 'default-roles-zhengdun'])).toEqual(['work_team_member'])
  })
})
