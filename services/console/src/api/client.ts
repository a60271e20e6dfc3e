// The one API client: every call of the console goes through here, to /api/<service>/… on the same
// origin (the gateway routes it), with the user's bearer token. Paths, parameters and answers are
// typed from the services' OpenAPI documents (src/api/types, generated), so a changed API breaks the build.
import type { paths as Screening } from './types/screening'
import type { paths as Casework } from './types/casework'
import type { paths as Supervision } from './types/supervision'
import type { paths as Acceptance } from './types/acceptance'
import type { paths as Reporting } from './types/reporting'
import { currentUser, login } from '@/auth/oidc'

export interface ServicePaths {
  screening: Screening
  casework: Casework
  supervision: Supervision
  acceptance: Acceptance
  reporting: Reporting
}
export type Service = keyof ServicePaths
export const SERVICES: Service[] = ['screening', 'casework', 'supervision', 'acceptance', 'reporting']

type Operation = { parameters: { query?: unknown; path?: unknown }; responses: unknown }
type GetOf<S extends Service, P extends keyof ServicePaths[S]> = ServicePaths[S][P] extends { get: infer O extends Operation } ? O : never
export type GetPath<S extends Service> = {
  [P in keyof ServicePaths[S]]: ServicePaths[S][P] extends { get: Operation } ? P : never
}[keyof ServicePaths[S]] & string
type Json<R> = R extends { 200: { content: { 'application/json': infer J } } } ? J : unknown
export type GetResponse<S extends Service, P extends GetPath<S>> = Json<GetOf<S, P>['responses']>
export type GetQuery<S extends Service, P extends GetPath<S>> = NonNullable<GetOf<S, P>['parameters']['query']>
type PathParams<S extends Service, P extends GetPath<S>> = GetOf<S, P>['parameters']['path']
export interface Params<S extends Service, P extends GetPath<S>> {
  path?: PathParams<S, P>
  query?: Partial<GetQuery<S, P>> | Record<string, string | number | boolean | null | undefined>
}

/** A refusal or failure of a service, with its problem+json (RFC 9457) when it sent one. */
export class ApiError extends Error {
  constructor(
    public status: number,
    public title: string,
    public detail: string,
    public problemType = '',
  ) {
    super(detail || title)
  }
  get forbidden(): boolean {
    return this.status === 403
  }
  get notFound(): boolean {
    return this.status === 404
  }
}

export function buildUrl(service: Service, path: string, params?: { path?: unknown; query?: unknown }): string {
  const pathParams = (params?.path ?? {}) as Record<string, string | number>
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (pathParams[name] === undefined) throw new Error(`missing path parameter ${name} of ${path}`)
    return encodeURIComponent(String(pathParams[name]))
  })
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries((params?.query ?? {}) as Record<string, unknown>)) {
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value))
  }
  const search = query.toString()
  return `/api/${service}${filled}${search ? `?${search}` : ''}`
}

async function authorizedFetch(url: string): Promise<Response> {
  const user = await currentUser()
  if (!user) {
    await login(window.location.pathname + window.location.search)
    throw new ApiError(401, '需要登录', '正在转到登录页面')
  }
  const response = await fetch(url, { headers: { Authorization: `Bearer ${user.access_token}` } })
  if (response.ok) return response
  throw await problemOf(response)
}

export async function problemOf(response: Response): Promise<ApiError> {
  let title = response.statusText
  let detail = ''
  let type = ''
  try {
    const body = await response.json()
    title = body.title ?? title
    type = body.type ?? ''
    detail = typeof body.detail === 'string' ? body.detail : JSON.stringify(body.detail ?? body.errors ?? '')
  } catch {
    /* not problem+json (e.g. the gateway's own error page) */
  }
  if (response.status === 502 || response.status === 504) title = '服务暂不可用'
  return new ApiError(response.status, title, detail, type)
}

export async function get<S extends Service, P extends GetPath<S>>(
  service: S,
  path: P,
  params?: Params<S, P>,
): Promise<GetResponse<S, P>> {
  const response = await authorizedFetch(buildUrl(service, path, params))
  return (await response.json()) as GetResponse<S, P>
}

/** A file as a blob with the name the service gave it (Content-Disposition) and its headers. */
export async function fetchFile(
  service: Service,
  path: string,
  params?: { path?: unknown; query?: unknown },
): Promise<{ blob: Blob; filename: string; headers: Headers }> {
  const response = await authorizedFetch(buildUrl(service, path, params))
  return { blob: await response.blob(), filename: filenameOf(response.headers.get('Content-Disposition')), headers: response.headers }
}

export function filenameOf(disposition: string | null): string {
  if (!disposition) return 'download'
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition)
  if (star) return decodeURIComponent(star[1])
  const plain = /filename="?([^";]+)"?/i.exec(disposition)
  return plain ? plain[1] : 'download'
}

/** Download a file through the browser (the user's normal download, with its proper name). */
export async function download(service: Service, path: string, params?: { path?: unknown; query?: unknown }): Promise<string> {
  const { blob, filename } = await fetchFile(service, path, params)
  const url = URL.createObjectURL(blob)
  const anchor = document.createElement('a')
  anchor.href = url
  anchor.download = filename
  document.body.appendChild(anchor)
  anchor.click()
  anchor.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
  return filename
}

/** Every item of a paginated list (for small lists such as a township's villages). */
export async function all<T>(fetchPage: (page: number, size: number) => Promise<{ items: T[]; total: number }>, size = 200): Promise<T[]> {
  const items: T[] = []
  for (let page = 1; ; page++) {
    const answer = await fetchPage(page, size)
    items.push(...answer.items)
    if (items.length >= answer.total || answer.items.length === 0) return items
  }
}
