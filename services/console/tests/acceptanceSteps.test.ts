import { describe, expect, it } from 'vitest'
import { allows } from '@/logic/access'
import { POLICY } from '@/api/types/policy'
import { pageOf, type Task } from '@/logic/tasks'
import { attachmentsOf } from '@/logic/acceptanceUploads'
import { availableSteps, missingOpinions, spotChecksSettled, type AcceptanceState } from '@/logic/acceptanceSteps'

const VILLAGE = '990102101201'
const person = (unit: string, ...roles: string[]) => ({
  roles, can: (action: string, target?: string) => allows(POLICY, { roles, unit }, action, target),
})
const leader = person(VILLAGE, 'work_team_leader', 'level_village')
const secretary = person(VILLAGE, 'village_secretary', 'level_village')
const member = person(VILLAGE, 'work_team_member', 'level_village')
const township = person('990102101000', 'org_staff', 'township_committee', 'level_township')
const principal = person('990102101000', 'township_principal', 'township_committee', 'level_township')
const county = person('990102000000', 'org_staff', 'level_county')
const committee = person('990102000000', 'standing_committee', 'level_county')
const countySecretary = person('990102000000', 'county_secretary', 'level_county')
const audit = person('990102000000', 'review_audit', 'level_county')
const discipline = person('990102000000', 'review_discipline', 'level_county')
const at = (stage: string, state: AcceptanceState = {}) => ({ stage, village_code: VILLAGE, state })

describe('the acceptance step each person may take', () => {
  it('lets both signers sign the application, each once', () => {
    expect(availableSteps(at('ready'), leader)).toEqual(['application'])
    expect(availableSteps(at('ready'), secretary)).toEqual(['application'])
    expect(availableSteps(at('ready', { application_signers: { work_team_leader: 'u1' } }), leader)).toEqual([])
    expect(availableSteps(at('ready', { application_signers: { work_team_leader: 'u1' } }), secretary)).toEqual(['application'])
    expect(availableSteps(at('ready'), member)).toEqual([])
    expect(availableSteps(at('ready'), township)).toEqual([])
  })
  it('follows the ladder to the people of each level', () => {
    expect(availableSteps(at('applied'), leader)).toEqual(['self_check'])
    expect(availableSteps(at('self_checked'), township)).toEqual(['preliminary'])
    expect(availableSteps(at('preliminary_recorded'), principal)).toEqual(['preliminary_sign'])
    expect(availableSteps(at('preliminary_recorded'), township)).toEqual([])
    expect(availableSteps(at('preliminary_passed'), county)).toEqual(['county_group'])
    expect(availableSteps(at('county_reported'), committee)).toEqual(['county_approve'])
    expect(availableSteps(at('county_passed'), county)).toEqual(['survey'])
    expect(availableSteps(at('delisted'), township)).toEqual(['post_evaluation'])
  })
  it('shows the county secretary alone the sign button', () => {
    expect(availableSteps(at('county_approved'), countySecretary)).toEqual(['county_sign'])
    for (const other of [member, leader, county, committee, audit, township]) expect(availableSteps(at('county_approved'), other)).toEqual([])
  })
  it('gives each review department its own opinion only while it is missing, and the report after all', () => {
    const grouped = { county: { departments: ['audit', 'discipline'], opinions: { discipline: {} } } }
    expect(availableSteps(at('county_grouped', grouped), audit)).toEqual(['opinion'])
    expect(availableSteps(at('county_grouped', grouped), discipline)).toEqual([])
    expect(availableSteps(at('county_grouped', grouped), county)).toEqual([])
    expect(missingOpinions(grouped)).toEqual(['audit'])
    const done = { county: { departments: ['audit'], opinions: { audit: {} } } }
    expect(availableSteps(at('county_grouped', done), county)).toEqual(['county_report'])
  })
  it('publishes the notice once the spot checks are settled, then objections and delisting', () => {
    const drawn = { spot_checks: { city: { chosen: true, result: 'passed' }, province: { chosen: false, result: null } } }
    expect(spotChecksSettled({})).toBe(false)
    expect(spotChecksSettled({ spot_checks: { city: { chosen: true, result: null }, province: { chosen: false, result: null } } })).toBe(false)
    expect(availableSteps(at('accepted', drawn), township)).toEqual(['notice'])
    expect(availableSteps(at('accepted'), township)).toEqual([])
    const city = { ...person('990100000000', 'org_staff', 'level_city'), level: 'city' }
    const chosen = { spot_checks: { city: { chosen: true, result: null }, province: null } }
    expect(availableSteps(at('accepted', chosen), city)).toEqual(['spot_check'])
    expect(availableSteps(at('accepted', chosen), { ...person('990000000000', 'org_staff', 'level_province'), level: 'province' })).toEqual([])
    expect(availableSteps(at('noticed'), township)).toEqual(['objection'])
    expect(availableSteps(at('noticed'), county)).toEqual(['delist'])
  })

  it('in a county campaign lets the county record its own spot check, and the notice waits on it alone', () => {
    const countyRun = (state: AcceptanceState) => ({ ...at('accepted', state), spot_check_levels: ['county'] })
    const countyOrg = { ...county, level: 'county' }
    const chosen = { spot_checks: { county: { chosen: true, result: null } } }
    expect(availableSteps(countyRun(chosen), countyOrg)).toEqual(['spot_check'])
    expect(availableSteps(countyRun(chosen), { ...person('990100000000', 'org_staff', 'level_city'), level: 'city' })).toEqual([])
    expect(availableSteps(countyRun(chosen), township)).toEqual([])
    const checked = { spot_checks: { county: { chosen: true, result: 'passed' } } }
    expect(spotChecksSettled(checked, ['county'])).toBe(true)
    expect(availableSteps(countyRun(checked), township)).toEqual(['notice'])
    // In a city's campaign the county records none.
    expect(availableSteps(at('accepted', chosen), countyOrg)).toEqual([])
  })
})

describe('the to-do list leads to the acceptance pages', () => {
  const task = (path: string, unit: { code: string; level: string }, campaign_id: string | null = 'C1') =>
    ({ service: 'acceptance', action: { path }, unit, campaign_id }) as unknown as Task
  it('opens a step on its acceptance, and a draw on the draws page with its county and campaign', () => {
    expect(pageOf(task('/acceptances/a1/county/opinions', { code: VILLAGE, level: 'village' }))).toBe('/acceptance/a1')
    expect(pageOf(task('/spot-checks', { code: '990102000000', level: 'county' }))).toBe('/acceptance/spot-checks?county=990102000000&campaign=C1')
  })
})

describe('the files a document names', () => {
  const file = (id: string) => ({ file_id: id, filename: `${id}.pdf`, sha256: 'ab', size: 3, content_type: 'application/pdf' })
  it('are its own attachments, or its report’s (the county acceptance report)', () => {
    expect(attachmentsOf({ attachments: [file('f1')] }).map((f) => f.file_id)).toEqual(['f1'])
    expect(attachmentsOf({ report: { text: '达标', score: '88', attachments: [file('f2')] } }).map((f) => f.file_id)).toEqual(['f2'])
    expect(attachmentsOf({ report: '达标', attachments: [] })).toEqual([])
    expect(attachmentsOf(undefined)).toEqual([])
  })
})
