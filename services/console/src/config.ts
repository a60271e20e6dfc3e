// Where the identity provider is: served by the gateway as /config.json, so one bundle runs anywhere
// (locally nginx writes it from its settings; on Kubernetes a ConfigMap).
export interface ConsoleConfig {
  authority: string // the realm URL, e.g. http://127.0.0.1:8180/realms/zhengdun
  clientId: string // the public client zhengdun-web
  tokenPath: string // the token endpoint on the console's own origin (the gateway forwards it to Keycloak)
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' })
  if (!response.ok) throw new Error(`无法读取 /config.json (${response.status})`)
  return (await response.json()) as ConsoleConfig
}
