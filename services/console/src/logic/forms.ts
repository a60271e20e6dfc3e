// A form that writes to a service: its input, the checks the browser makes before sending (required
// fields, formats, dates), the sending, and a refusal put where the person can act on it — beside the
// field it names, or above the form when it names none. The input is kept whatever the answer.
// Framework-free: useForm (src/logic/useForm.ts) makes it reactive for a component.
import { ApiError, chinese } from '@/api/client'

export type Values = Record<string, unknown>

export interface FieldRule<T extends Values = Values> {
  label: string // the form item's label, for the messages (完成时限)
  required?: boolean
  /** A business day YYYY-MM-DD. */
  date?: boolean
  /** The day must not be after this one (e.g. the platform's today for something that happened). */
  notAfter?: () => string | null | undefined
  /** The day must not be before this one (e.g. today for a deadline). */
  notBefore?: () => string | null | undefined
  maxLength?: number
  pattern?: RegExp
  patternMessage?: string
  /** Any other check: the message, or null when the value is fine. */
  check?: (value: unknown, values: T) => string | null
}
export type Rules<T extends Values> = Partial<Record<keyof T & string, FieldRule<T>>>

/** What the form shows above its items: the refusal's title and detail. */
export interface Refusal {
  title: string
  detail: string
}

export function isBlank(value: unknown): boolean {
  if (value === null || value === undefined) return true
  if (typeof value === 'string') return value.trim() === ''
  if (Array.isArray(value)) return value.length === 0
  return false
}

export function isIsoDay(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!m) return false
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return day.getUTCFullYear() === Number(m[1]) && day.getUTCMonth() === Number(m[2]) - 1 && day.getUTCDate() === Number(m[3])
}

const dayText = (iso: string) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso)
  return m ? `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日` : iso
}

/** The message for one field's value, or null when it passes. */
export function checkField<T extends Values>(rule: FieldRule<T>, value: unknown, values: T): string | null {
  if (isBlank(value)) return rule.required ? `请填写${rule.label}` : null
  if (typeof value === 'string') {
    const text = value.trim()
    if (rule.maxLength && text.length > rule.maxLength) return `${rule.label}不能超过 ${rule.maxLength} 个字`
    if (rule.pattern && !rule.pattern.test(text)) return rule.patternMessage ?? `${rule.label}格式不正确`
    if (rule.date) {
      if (!isIsoDay(text)) return `${rule.label}应为有效日期（年-月-日）`
      const latest = rule.notAfter?.()
      if (latest && text > latest) return `${rule.label}不能晚于${dayText(latest)}`
      const earliest = rule.notBefore?.()
      if (earliest && text < earliest) return `${rule.label}不能早于${dayText(earliest)}`
    }
  }
  return rule.check ? rule.check(value, values) : null
}

/** Every field's message (only the fields that fail). */
export function validate<T extends Values>(values: T, rules: Rules<T>): Record<string, string> {
  const errors: Record<string, string> = {}
  for (const [field, rule] of Object.entries(rules) as [string, FieldRule<T>][]) {
    const message = checkField(rule, values[field], values)
    if (message) errors[field] = message
  }
  return errors
}

/** Where a refusal goes: its field errors onto the form's own items (`aliases` names the form item of a
 * field the API calls otherwise, e.g. evidence_ids → files), everything else into the alert above. */
export function placeRefusal(error: unknown, formFields: string[], aliases: Record<string, string> = {}):
  { errors: Record<string, string>; refusal: Refusal | null } {
  if (!(error instanceof ApiError)) {
    return { errors: {}, refusal: { title: '提交失败', detail: `${(error as Error)?.message || '未知错误'}（已填写的内容仍保留，可稍后重试）` } }
  }
  const errors: Record<string, string> = {}
  const elsewhere: string[] = []
  for (const [path, message] of Object.entries(error.fields)) {
    const head = path.split('.')[0]
    const field = aliases[path] ?? aliases[head] ?? head
    if (formFields.includes(field)) errors[field] = errors[field] ? `${errors[field]}；${message}` : message
    else elsewhere.push(path ? `${path}：${message}` : message)
  }
  const placed = Object.keys(errors).length > 0
  if (placed && elsewhere.length === 0) return { errors, refusal: null }
  const title = error.status === 401 ? '登录已失效，请重新登录后再提交'
    : error.status === 403 ? '无权进行此操作'
    : error.status === 0 || error.status >= 500 ? `服务暂不可用（${error.status || '网络'}），请稍后重试`
    : chinese(error.title) || `提交失败（${error.status}）`
  const detail = elsewhere.length ? elsewhere.join('；') : chinese(error.detail)
  return { errors, refusal: { title, detail } }
}

/** A form's state and its one action, submit. Wrap it in Vue's reactive() (useForm) to show it. */
export class Form<T extends Values, R = unknown> {
  values: T
  errors: Record<string, string> = {}
  refusal: Refusal | null = null
  sending = false

  constructor(
    private readonly initial: () => T,
    public readonly rules: Rules<T>,
    private readonly write: (values: T) => Promise<R>,
    private readonly aliases: Record<string, string> = {},
  ) {
    this.values = initial()
  }

  /** Check in the browser; true when it may be sent. */
  validate(): boolean {
    this.errors = validate(this.values, this.rules)
    return Object.keys(this.errors).length === 0
  }

  /** Forget one field's message once the person changes it. */
  touched(field: string): void {
    if (field in this.errors) {
      const { [field]: _gone, ...rest } = this.errors
      this.errors = rest
    }
  }

  /** Check, send, and place a refusal. The answer when saved; null when checked out or refused (the
   * input stays as it was either way, so the person corrects and sends again). */
  async submit(): Promise<R | null> {
    if (this.sending) return null
    this.refusal = null
    if (!this.validate()) return null
    this.sending = true
    try {
      return await this.write(this.values)
    } catch (error) {
      const placed = placeRefusal(error, Object.keys(this.values), this.aliases)
      this.errors = placed.errors
      this.refusal = placed.refusal
      return null
    } finally {
      this.sending = false
    }
  }

  /** Back to the initial input (after a save, for the next record). */
  reset(): void {
    this.values = this.initial()
    this.errors = {}
    this.refusal = null
  }
}

/** Text fields trimmed, blank ones left out as null: what the APIs take. */
export function trimmed(value: string | null | undefined): string | null {
  const text = (value ?? '').trim()
  return text === '' ? null : text
}
