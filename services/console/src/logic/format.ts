// How people read values: dates as 2020年8月15日, shares as percentages, labels in Chinese.

/** 2020-08-15 (or an ISO timestamp) → 2020年8月15日; timestamps keep their time of day. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '—'
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/.exec(value)
  if (!m) return value
  const day = `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日`
  return m[4] ? `${day} ${m[4]}:${m[5]}` : day
}

/** 2020-11 → 2020年11月 */
export function formatMonth(value: string | null | undefined): string {
  if (!value) return '—'
  const m = /^(\d{4})-(\d{2})/.exec(value)
  return m ? `${Number(m[1])}年${Number(m[2])}月` : value
}

/** 0.1234 → 12.3%; null → — */
export function formatShare(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—'
  return `${(value * 100).toFixed(digits)}%`
}

export function share(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null
}

/** A Date as the ISO day the APIs take (local calendar day, no time zone shift). */
export function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

export function formatBytes(size: number | null | undefined): string {
  if (size === null || size === undefined) return '—'
  if (size < 1024) return `${size} B`
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`
  return `${(size / 1024 / 1024).toFixed(1)} MB`
}

const LABELS: Record<string, string> = {
  // case phases and statuses
  open: '未处理', resolved: '已解决', withdrawn: '已撤回',
  weak_and_lax: '软弱涣散', lagging: '后进',
  high: '高', medium: '中', low: '低', warning: '提醒', critical: '严重',
  true: '是', false: '否',
}

/** A label for a code the APIs return, when the API gave none. */
export function label(code: string | boolean | null | undefined, extra: Record<string, string> = {}): string {
  if (code === null || code === undefined || code === '') return '—'
  const key = String(code)
  return extra[key] ?? LABELS[key] ?? key
}
