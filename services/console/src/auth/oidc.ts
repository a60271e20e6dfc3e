// OpenID Connect authorization code + PKCE against the realm's public client (oidc-client-ts).
// Tokens renew silently with the refresh token before they expire; logout ends the Keycloak session.
import { UserManager, WebStorageStateStore, type User } from 'oidc-client-ts'
import type { ConsoleConfig } from '@/config'

let manager: UserManager | null = null

export function initAuth(config: ConsoleConfig): UserManager {
  const origin = window.location.origin
  const oidc = `${config.authority}/protocol/openid-connect`
  manager = new UserManager({
    authority: config.authority,
    // Given, not discovered: the token endpoint is the gateway's (same origin, no CORS); the login and
    // logout pages are Keycloak's own, reached by navigation.
    metadata: {
      issuer: config.authority,
      authorization_endpoint: `${oidc}/auth`,
      token_endpoint: `${origin}${config.tokenPath}`,
      end_session_endpoint: `${oidc}/logout`,
      jwks_uri: `${oidc}/certs`,
    },
    client_id: config.clientId,
    redirect_uri: `${origin}/callback`,
    post_logout_redirect_uri: `${origin}/`,
    response_type: 'code',
    scope: 'openid profile',
    automaticSilentRenew: true,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    ui_locales: 'zh-CN',
  })
  return manager
}

function users(): UserManager {
  if (!manager) throw new Error('auth not initialised')
  return manager
}

export async function currentUser(): Promise<User | null> {
  const user = await users().getUser()
  return user && !user.expired ? user : null
}

/** Go to Keycloak's login page; come back to `returnTo` afterwards. */
export async function login(returnTo: string): Promise<void> {
  await users().signinRedirect({ state: { returnTo } })
}

/** Finish the login on /callback; the path to return to. */
export async function completeLogin(): Promise<string> {
  const user = await users().signinRedirectCallback()
  const state = user.state as { returnTo?: string } | undefined
  return state?.returnTo && state.returnTo.startsWith('/') ? state.returnTo : '/'
}

export async function logout(): Promise<void> {
  await users().signoutRedirect()
}

export function onUserChanged(listener: (user: User | null) => void): void {
  users().events.addUserLoaded((user) => listener(user))
  users().events.addUserUnloaded(() => listener(null))
  users().events.addSilentRenewError(() => listener(null))
}
