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

/** part / whole as a percent, rounded once, half-up, to `digits` decimals (1 of 16 → 6.3%, 6 of 11 → 54.5%);
 *  — when the whole is 0. Shares are printed from their counts: rounding the APIs' 4-place share again
 *  could move the last digit (0.5455 → 54.6%). Exact integer arithmetic, no floating point. */
export function formatShareOf(part: number | bigint, whole: number | bigint, digits = 1): string {
  const w = BigInt(whole)
  if (w <= 0n) return '—'
  const unit = 10n ** BigInt(digits)
  const scaled = BigInt(part) * 100n * unit
  let q = scaled / w
  if (2n * (scaled - q * w) >= w) q += 1n // half-up
  const fraction = digits > 0 ? `.${(q % unit).toString().padStart(digits, '0')}` : ''
  return `${q / unit}${fraction}%`
}

/** part / whole as a whole percent for progress bars (rounded once, half-up like formatShareOf); 0 when whole is 0. */
export function wholePercent(part: number, whole: number): number {
  return whole > 0 ? Number(formatShareOf(part, whole, 0).slice(0, -1)) : 0
}

/** An exact decimal share as the APIs answer it ("0.10", or 0.05) → 10.0%, 5.0%; null → —.
 *  The decimal is read digit by digit (not as a float), then rounded once like formatShareOf. */
export function formatShare(value: number | string | null | undefined, digits = 1): string {
  if (value === null || value === undefined || value === '') return '—'
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value.trim()
  const m = /^(\d*)(?:\.(\d+))?$/.exec(text)
  if (!m || (!m[1] && !m[2])) {
    const n = Number(text) // exponent notation and the like: rare; still one rounding (toFixed)
    return Number.isFinite(n) && text !== '' ? `${(n * 100).toFixed(digits)}%` : '—'
  }
  const decimals = m[2] ?? ''
  return formatShareOf(BigInt((m[1] || '0') + decimals), 10n ** BigInt(decimals.length), digits)
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
