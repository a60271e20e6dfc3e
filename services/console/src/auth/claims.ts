// What the console reads from the access token: who, which unit, which roles. Only for display and
// hiding: the services verify the token themselves.
export interface Identity {
  /** The login's id (the token's `sub`): what the services name a person by (Person.user_id). */
  userId?: string
  username: string
  name: string
  unit: string | null
  roles: string[]
}

export function decodePayload(token: string): Record<string, unknown> {
  const part = token.split('.')[1]
  if (!part) throw new Error('not a JWT')
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=')
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
  return JSON.parse(new TextDecoder().decode(bytes))
}

export function identityFrom(accessToken: string): Identity {
  const claims = decodePayload(accessToken)
  const division = claims.division_code
  const unit = Array.isArray(division) ? (division.length === 1 ? String(division[0]) : null) : division ? String(division) : null
  const roles = ((claims.realm_access as { roles?: string[] } | undefined)?.roles ?? []).filter(
    (r) => !r.startsWith('default-roles') && r !== 'offline_access' && r !== 'uma_authorization',
  )
  const family = claims.family_name as string | undefined
  const given = claims.given_name as string | undefined
  const username = String(claims.preferred_username ?? claims.sub ?? '')
  const userId = claims.sub ? String(claims.sub) : undefined
  return { userId, username, name: family && given ? `${family}${given}` : String(claims.name ?? username), unit, roles }
}
