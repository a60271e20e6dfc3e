// The register of organizations and cadres (村党组织和“两委”干部名册) as the console shows and edits it.
// Framework-free, tested by vitest.
import type { components } from '@/api/types/screening'

export type CadreEntry = components['schemas']['CadreEntryOut']
export type CadreEntryBody = components['schemas']['CadreEntryIn']

/** A committee member as the form edits it (every field a string; blank phone = none). */
export interface MemberRow {
  name: string
  post: string
  phone: string
}

/** The edit form's values: the entry's current revision, or blanks for a village not yet in the register. */
export interface EntryValues {
  [key: string]: unknown
  organization_name: string
  secretary_name: string
  secretary_phone: string
  last_election_on: string
  star_rating: number | null
  members: MemberRow[]
  reason: string
}

export function valuesOf(entry: CadreEntry | null): EntryValues {
  return {
    organization_name: entry?.organization_name ?? '',
    secretary_name: entry?.secretary.name ?? '',
    secretary_phone: entry?.secretary.phone ?? '',
    last_election_on: entry?.last_election_on ?? '',
    star_rating: entry?.star_rating ?? null,
    members: (entry?.members ?? []).map((m) => ({ name: m.name ?? '', post: m.post, phone: m.phone ?? '' })),
    reason: '',
  }
}

/** The PUT body of the values: texts trimmed, blank optional texts left out, member rows left blank dropped. */
export function bodyOf(values: EntryValues): CadreEntryBody {
  const text = (v: string) => (v.trim() === '' ? null : v.trim())
  return {
    organization_name: text(values.organization_name),
    secretary: { name: values.secretary_name.trim(), phone: values.secretary_phone.trim() },
    members: values.members
      .filter((m) => m.name.trim() || m.post.trim() || m.phone.trim())
      .map((m) => ({ name: m.name.trim(), post: m.post.trim(), phone: text(m.phone) })),
    last_election_on: values.last_election_on.trim(),
    star_rating: values.star_rating,
    reason: text(values.reason),
  }
}

/** Where the service's field errors go on the form (its paths → the form's items). */
export const ENTRY_FIELD_ALIASES: Record<string, string> = {
  'secretary.name': 'secretary_name',
  'secretary.phone': 'secretary_phone',
}

export const STAR_OPTIONS = [1, 2, 3, 4, 5].map((n) => ({ value: n, label: `${'一二三四五'[n - 1]}星` }))
