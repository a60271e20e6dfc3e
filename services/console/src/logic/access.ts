// The services' access policy (zhengdun.access), mirrored so the console hides what a user may not do.
// The services still refuse it: this only spares people buttons that would fail.
import { isWithin, levelOf, type Level } from './divisions'

export interface PolicyRule {
  roles: string[]
  levels: string[]
  scope: string // subtree | own_unit | below
  label: string
}

export interface Person {
  roles: string[]
  unit: string | null
}

export function personLevel(person: Person): Level | null {
  try {
    return person.unit ? levelOf(person.unit) : null
  } catch {
    return null
  }
}

/** May `person` take `action` (on `target`, when given)? `policy` is the generated table. */
export function allows(policy: Record<string, PolicyRule>, person: Person, action: string, target?: string): boolean {
  const rule = policy[action]
  if (!rule) return false
  const level = personLevel(person)
  if (!level || !rule.levels.includes(level)) return false
  if (!person.roles.some((r) => rule.roles.includes(r))) return false
  if (target === undefined || !person.unit) return true
  if (rule.scope === 'own_unit') return target === person.unit
  const inside = isWithin(target, person.unit)
  return rule.scope === 'below' ? inside && target !== person.unit : inside
}
