// The people a case names (team, contact leader, first secretary, pairings, the supervisor): chosen from
// the platform's users where they have a login (so their to-do list reaches them), or typed by name.
// Framework-free, for the staffing forms of the case book.
import type { components as Casework } from '@/api/types/casework'
import type { components as Screening } from '@/api/types/screening'
import { ROLE_LABELS } from '@/api/types/policy'

export type Person = Casework['schemas']['Person']
export type User = Screening['schemas']['UserOut']

export const RANK_LABELS: Record<string, string> = { section: '科级', county: '县级' }

export const userName = (user: User) => `${user.family_name}${user.given_name}`

/** A user as the pickers show them: 卫队长（工作队队长）. */
export function userLabel(user: User): string {
  const roles = (user.roles ?? []).map((r) => ROLE_LABELS[r]).filter(Boolean)
  return `${userName(user)}${roles.length ? `（${roles.join('、')}）` : ''}`
}

/** The picker's value (a username, or a name typed for someone without a login) as the Person the API takes. */
export function personOf(choice: string, users: User[], post: string, rank: string | null, unit = ''): Person {
  const text = choice.trim()
  const user = users.find((u) => u.username === text)
  const base = { post: post.trim(), rank: (rank || null) as Person['rank'] }
  if (!user) return { ...base, name: text, unit }
  return { ...base, name: userName(user), unit: user.unit ?? unit, user_id: user.id, username: user.username }
}

/** The picker's value for a person the book already names: their username where they have one. */
export function choiceOf(person: Person | null | undefined): string {
  return person ? person.username || person.name : ''
}

/** 不转化不脱钩: the county's decision a change rests on, or none when nothing was filled in (the service
 * then names `decision`, and the form shows it beside the field). */
export function decisionOf(reference: string, decidedOn: string | null): { reference: string; decided_on: string } | null {
  const text = reference.trim()
  return text || decidedOn ? { reference: text, decided_on: decidedOn ?? '' } : null
}

/** Where a staffing refusal goes: `decision` and its parts onto the form's decision items. */
export const DECISION_FIELDS: Record<string, string> = {
  decision: 'decision_reference', 'decision.reference': 'decision_reference', 'decision.decided_on': 'decision_date',
}
