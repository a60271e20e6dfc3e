// Users of subordinate units (screening's /users): which functional roles a unit's level may hold, mirrored
// from screening.domain.users.GRANTABLE_AT so the form offers only those (the service still decides).
import { levelOf, type Level } from './divisions'

const REVIEW = ['review_department', 'review_discipline', 'review_political_legal', 'review_public_security', 'review_united_front',
  'review_ethnic_religious', 'review_family_planning', 'review_agricultural_economy', 'review_audit']
export const GRANTABLE_AT: Record<string, Level[]> = {
  org_staff: ['city', 'county', 'township'],
  standing_committee: ['county'],
  county_secretary: ['county'],
  contact_leader: ['county'],
  township_committee: ['township'],
  township_principal: ['township'],
  work_team_leader: ['village'],
  work_team_member: ['village'],
  village_secretary: ['village'],
  supervision_group: ['city', 'county'],
  ...Object.fromEntries(REVIEW.map((r) => [r, ['county'] as Level[]])),
}

/** The functional roles a user of `unit` may be granted (none for a code that is not a unit). */
export function grantableRoles(unit: string): string[] {
  let level: Level
  try {
    level = levelOf(unit)
  } catch {
    return []
  }
  return Object.keys(GRANTABLE_AT).filter((role) => GRANTABLE_AT[role].includes(level))
}

/** The functional roles among a user's realm roles (the level role follows the unit and is not shown). */
export function functionalRoles(roles: string[] | null | undefined): string[] {
  return (roles ?? []).filter((r) => r in GRANTABLE_AT)
}
