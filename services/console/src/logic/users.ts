// Users of subordinate units (screening's /users): which functional roles a unit's level may hold, mirrored
// from screening.domain.users.GRANTABLE_AT so the form offers only those (the service still decides).
import { childLevel, isCode, levelOf, type Level } from './divisions'

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

/** The columns of a file of accounts (screening's POST /users/import), in the order of the template. */
export const ACCOUNT_COLUMNS = ['登录名', '姓', '名', '所属单位', '角色', '初始密码', '电子邮箱']

/** A template of the file of accounts (CSV with a BOM, so that Excel reads it as UTF-8): the header and one
 *  example row naming a role a user one level below `managerUnit` may be granted; as a link's `href`. */
export function accountsTemplateHref(managerUnit: string, roleLabels: Record<string, string>): string {
  const below = isCode(managerUnit) ? childLevel(managerUnit) : null
  const role = Object.keys(GRANTABLE_AT).find((r) => below && GRANTABLE_AT[r].includes(below))
  const example = ['zhang.san', '张', '三', '下级单位的12位区划代码', role ? (roleLabels[role] ?? role) : '', '至少8位的初始密码', '']
  const csv = '\uFEFF' + [ACCOUNT_COLUMNS, example].map((row) => row.join(',')).join('\r\n') + '\r\n'
  return 'data:text/csv;charset=utf-8,' + encodeURIComponent(csv)
}
