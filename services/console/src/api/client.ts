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

/** One field a service refused: where (`deadline`, `members.0.name`; `body.` left off) and why, in Chinese. */
export type FieldErrors = Record<string, string>

/** A refusal or failure of a service, with its problem+json (RFC 9457) when it sent one. */
export class ApiError extends Error {
  constructor(
    public status: number,
    public title: string,
    public detail: string,
    public problemType = '',
    /** The fields the service refused (its `errors`, or the one `field` a rule names), path → Chinese message. */
    public fields: FieldErrors = {},
    /** The problem+json body as answered, for a page that shows more of it (an import's rows in error). */
    public body: unknown = null,
  ) {
    super(detail || title)
  }
  get forbidden(): boolean {
    return this.status === 403
  }
  get notFound(): boolean {
    return this.status === 404
  }
  get hasFieldErrors(): boolean {
    return Object.keys(this.fields).length > 0
  }
}

const CJK = /[\u4e00-\u9fff]/

/** The Chinese part of a service's bilingual text: "输入不合法 Invalid input" → "输入不合法",
 * "每项整改措施须有完成时限 (every measure needs a deadline)" → "每项整改措施须有完成时限". */
export function chinese(text: string | null | undefined): string {
  if (!text) return ''
  if (!CJK.test(text)) return text
  let rest = text
  // Trailing English glosses in brackets, each in turn: "…请填写决定日期 (decision) (the team stays…)".
  for (let before = ''; before !== rest;) {
    before = rest
    rest = rest.replace(/\s*[(（][\x20-\x7e]*[)）]\s*$/, '')
  }
  rest = withoutGloss(rest)
  return rest
    .replace(/\s+[A-Za-z][A-Za-z '\-]*$/, '')          // a trailing English title
    .trim()
}

/** A trailing English gloss that quotes a Chinese name ("钱优秀 已与本村结对 (钱优秀 is already paired…)"): from
 * the first " (" followed by a letter, when what follows is mostly English. */
function withoutGloss(text: string): string {
  if (!text.endsWith(')')) return text
  for (const m of text.matchAll(/\s\(/g)) {
    const tail = text.slice(m.index)
    const letters = (tail.match(/[A-Za-z]/g) ?? []).length
    const han = (tail.match(/[\u4e00-\u9fff]/g) ?? []).length
    if (letters > 3 * han) return text.slice(0, m.index)
  }
  return text
}

// Pydantic's error types (FastAPI's 422), said in Chinese.
const VALIDATION_MESSAGES: Record<string, string> = {
  missing: '必填',
  string_type: '应为文字',
  string_too_short: '不能为空',
  string_too_long: '内容过长',
  string_pattern_mismatch: '格式不正确',
  date_type: '应为日期（年-月-日）',
  date_parsing: '日期格式不正确（应为 年-月-日）',
  date_from_datetime_parsing: '日期格式不正确（应为 年-月-日）',
  date_from_datetime_inexact: '日期格式不正确（应为 年-月-日）',
  int_type: '应为整数',
  int_parsing: '应为整数',
  bool_type: '应为是或否',
  list_type: '应为列表',
  dict_type: '格式不正确',
  model_type: '格式不正确',
  enum: '不是可选的值',
  literal_error: '不是可选的值',
  extra_forbidden: '不接受此项',
  uuid_parsing: '编号格式不正确',
  greater_than_equal: '数值过小',
  less_than_equal: '数值过大',
}

interface ProblemBody {
  type?: string
  title?: string
  detail?: unknown
  field?: unknown
  errors?: { field?: unknown; message?: unknown; type?: unknown }[]
}

/** The field errors of a problem+json body as a map from field path (no `body.` prefix) to a Chinese message. */
export function fieldErrorsOf(body: ProblemBody): FieldErrors {
  const fields: FieldErrors = {}
  for (const error of Array.isArray(body.errors) ? body.errors : []) {
    const path = String(error.field ?? '').replace(/^body(\.|$)/, '')
    const message = String(error.message ?? '')
    const type = String(error.type ?? '')
    const notAfter = /^not after (\d{4}-\d{2}-\d{2})$/.exec(message)
    const text = VALIDATION_MESSAGES[type]
      ?? (notAfter ? `不能晚于平台当前日期 ${notAfter[1]}` : CJK.test(message) ? chinese(message) : chinese(body.title) || '输入不合法')
    fields[path] = fields[path] ? `${fields[path]}；${text}` : text
  }
  // A rule of a service that names the one field it refuses (e.g. a measure without a deadline).
  if (typeof body.field === 'string' && body.field && !(body.field in fields)) {
    fields[body.field.replace(/^body\./, '')] = chinese(typeof body.detail === 'string' ? body.detail : '') || chinese(body.title) || '输入不合法'
  }
  return fields
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

/** The user's bearer token; without a session, off to the login page (the answer to come is a 401). */
async function bearer(): Promise<string> {
  const user = await currentUser()
  if (!user) {
    await login(window.location.pathname + window.location.search)
    throw new ApiError(401, '需要登录', '正在转到登录页面')
  }
  return `Bearer ${user.access_token}`
}

async function authorizedFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers)
  headers.set('Authorization', await bearer())
  const response = await fetch(url, { ...init, headers })
  if (response.ok) return response
  throw await problemOf(response)
}

export async function problemOf(response: Response): Promise<ApiError> {
  let body: ProblemBody | null = null
  try {
    body = (await response.json()) as ProblemBody
  } catch {
    /* not problem+json (e.g. the gateway's own error page) */
  }
  return problemFrom(response.status, response.statusText, body)
}

/** The ApiError for a status and the (problem+json) body a service answered, if any. */
export function problemFrom(status: number, statusText: string, body: ProblemBody | null): ApiError {
  let title = statusText
  let detail = ''
  let type = ''
  let fields: FieldErrors = {}
  if (body && typeof body === 'object') {
    title = body.title ?? title
    type = body.type ?? ''
    detail = typeof body.detail === 'string' ? body.detail : JSON.stringify(body.detail ?? body.errors ?? '')
    fields = fieldErrorsOf(body)
  }
  if (status === 502 || status === 504) title = '服务暂不可用'
  return new ApiError(status, title, detail, type, fields, body)
}

export async function get<S extends Service, P extends GetPath<S>>(
  service: S,
  path: P,
  params?: Params<S, P>,
): Promise<GetResponse<S, P>> {
  const response = await authorizedFetch(buildUrl(service, path, params))
  return (await response.json()) as GetResponse<S, P>
}

// ------------------------------------------------------------------------------------- writing

/** The header in which a write names the events it published (see stores/sync.ts: 数据同步中). */
export const EVENTS_HEADER = 'X-Zhengdun-Events'
let publishedListener: ((events: string) => void) | null = null

/** Be told of every write that published events (the sync store registers here). */
export function onPublished(listener: (events: string) => void): void {
  publishedListener = listener
}

function notePublished(events: string | null): void {
  if (events) publishedListener?.(events)
}

export type WriteMethod = 'POST' | 'PUT' | 'DELETE'
type WriteOperation = { parameters: { path?: unknown }; responses: unknown }
type OpOf<S extends Service, P, M extends WriteMethod> = P extends keyof ServicePaths[S]
  ? ServicePaths[S][P] extends { [K in Lowercase<M>]: infer O extends WriteOperation } ? O : never
  : never
/** The paths of `service` that take `method`. */
export type SendPath<S extends Service, M extends WriteMethod> = {
  [P in keyof ServicePaths[S]]: ServicePaths[S][P] extends { [K in Lowercase<M>]: WriteOperation } ? P : never
}[keyof ServicePaths[S]] & string
type Answer<R> = R extends { 201: { content: { 'application/json': infer J } } }
  ? J
  : R extends { 200: { content: { 'application/json': infer J } } } ? J : unknown
export type SendResponse<S extends Service, M extends WriteMethod, P extends SendPath<S, M>> = Answer<OpOf<S, P, M>['responses']>
export type SendBody<S extends Service, M extends WriteMethod, P extends SendPath<S, M>> =
  OpOf<S, P, M> extends { requestBody: { content: { 'application/json': infer B } } } ? B
    : OpOf<S, P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? B | undefined : undefined
export interface SendParams<S extends Service, M extends WriteMethod, P extends SendPath<S, M>> {
  path?: OpOf<S, P, M>['parameters']['path']
  body?: SendBody<S, M, P>
}

/** POST, PUT or DELETE a JSON body; the answer as the service documents it (201 or 200). A refusal is an
 * ApiError with the problem's title, detail and field errors. */
export async function send<S extends Service, M extends WriteMethod, P extends SendPath<S, M>>(
  service: S,
  method: M,
  path: P,
  params: SendParams<S, M, P> = {},
): Promise<SendResponse<S, M, P>> {
  const init: RequestInit = { method }
  if (params.body !== undefined) {
    init.body = JSON.stringify(params.body)
    init.headers = { 'Content-Type': 'application/json' }
  }
  const response = await authorizedFetch(buildUrl(service, path, { path: params.path }), init)
  notePublished(response.headers.get(EVENTS_HEADER))
  if (response.status === 204) return undefined as SendResponse<S, M, P>
  const text = await response.text()
  return (text ? JSON.parse(text) : undefined) as SendResponse<S, M, P>
}

/** Upload one file (multipart, field `file`) with its progress (0–100); fetch cannot report an upload's
 * progress, so this is the one XMLHttpRequest of the console, with the same token and refusals. */
export async function upload<S extends Service, P extends SendPath<S, 'POST'>>(
  service: S,
  path: P,
  params: { path?: OpOf<S, P, 'POST'>['parameters']['path']; query?: OpOf<S, P, 'POST'>['parameters'] extends { query?: infer Q } ? Q : never
            file: File; field?: string; onProgress?: (percent: number) => void },
): Promise<SendResponse<S, 'POST', P>> {
  const authorization = await bearer()
  const form = new FormData()
  form.append(params.field ?? 'file', params.file, params.file.name)
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', buildUrl(service, path, { path: params.path, query: params.query }))
    xhr.setRequestHeader('Authorization', authorization)
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) params.onProgress?.(Math.round((event.loaded / event.total) * 100))
    }
    xhr.onerror = () => reject(new ApiError(0, '网络错误', '上传未完成，请检查网络后重试'))
    xhr.onload = () => {
      let body: unknown = null
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null
      } catch {
        /* not JSON */
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        notePublished(xhr.getResponseHeader(EVENTS_HEADER))
        resolve(body as SendResponse<S, 'POST', P>)
      }
      else reject(problemFrom(xhr.status, xhr.statusText, body as ProblemBody | null))
    }
    xhr.send(form)
  })
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
