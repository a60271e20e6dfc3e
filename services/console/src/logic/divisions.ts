// Division codes: 12 digits, province 2 + city 2 + county 2 + township 3 + village 3
// (the same rules as zhengdun.divisions on the services).
export type Level = 'province' | 'city' | 'county' | 'township' | 'village'

export const LEVELS: Level[] = ['province', 'city', 'county', 'township', 'village']
const DIGITS: Record<Level, number> = { province: 2, city: 4, county: 6, township: 9, village: 12 }
const LEVEL_NAMES: Record<Level, string> = { province: '省', city: '市', county: '县', township: '乡镇', village: '村' }

export function isCode(code: string | undefined | null): code is string {
  return !!code && /^\d{12}$/.test(code) && !/^0{2}/.test(code)
}

export function levelOf(code: string): Level {
  if (!isCode(code)) throw new Error(`区划代码必须是12位数字: ${code}`)
  let level: Level = 'province'
  let previous = 0
  for (const candidate of LEVELS) {
    if (/[1-9]/.test(code.slice(previous, DIGITS[candidate]))) level = candidate
    previous = DIGITS[candidate]
  }
  return level
}

export function levelName(level: Level | string): string {
  return LEVEL_NAMES[level as Level] ?? level
}

export function prefixOf(code: string): string {
  return code.slice(0, DIGITS[levelOf(code)])
}

/** True when `code` is `jurisdiction` itself or lies below it. */
export function isWithin(code: string, jurisdiction: string): boolean {
  return isCode(code) && isCode(jurisdiction) && code.startsWith(prefixOf(jurisdiction))
}

export function parentCode(code: string): string | null {
  const index = LEVELS.indexOf(levelOf(code))
  if (index === 0) return null
  return code.slice(0, DIGITS[LEVELS[index - 1]]).padEnd(12, '0')
}

/** The chain from `top` (inclusive) down to `code` (inclusive); empty when `code` is outside `top`. */
export function chainFrom(top: string, code: string): string[] {
  if (!isWithin(code, top)) return []
  const chain: string[] = []
  for (let c: string | null = code; c && isWithin(c, top); c = parentCode(c)) chain.unshift(c)
  return chain
}

export function childLevel(code: string): Level | null {
  const index = LEVELS.indexOf(levelOf(code))
  return LEVELS[index + 1] ?? null
}
