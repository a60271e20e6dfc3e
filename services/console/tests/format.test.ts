import { describe, expect, it } from 'vitest'
import { formatBytes, formatDate, formatMonth, formatShare, formatShareOf, isoDay, label, wholePercent } from '@/logic/format'
import { parseMetrics } from '@/logic/metrics'

describe('how people read values', () => {
  it('writes dates the Chinese way', () => {
    expect(formatDate('2020-08-15')).toBe('2020年8月15日')
    expect(formatDate('2021-11-01T09:05:00+08:00')).toBe('2021年11月1日 09:05')
    expect(formatDate(null)).toBe('—')
    expect(formatMonth('2020-11')).toBe('2020年11月')
    expect(isoDay(new Date(2020, 7, 5))).toBe('2020-08-05')
  })
  it('prints a share from its counts, rounded once, half-up', () => {
    expect(formatShareOf(6, 38)).toBe('15.8%') // seed 003: 6个，占比15.8%
    expect(formatShareOf(1, 16)).toBe('6.3%') // 6.25%: the half goes up
    expect(formatShareOf(1, 16, 2)).toBe('6.25%')
    expect(formatShareOf(6, 11)).toBe('54.5%') // 54.5454…%; the 4-place share 0.5455 rounded again reads 54.6%
    expect(formatShareOf(19, 427)).toBe('4.4%') // 4.4496…%; 0.0445 rounded again reads 4.5%
    expect(formatShareOf(29, 200)).toBe('14.5%') // 0.145 * 100 is 14.4999… in floating point
    expect(formatShareOf(0, 5)).toBe('0.0%')
    expect(formatShareOf(5, 5)).toBe('100.0%')
    expect(formatShareOf(3, 0)).toBe('—')
    expect(wholePercent(29, 200)).toBe(15) // 14.5 → 15, not Math.round(14.4999…)
    expect(wholePercent(1, 0)).toBe(0)
  })
  it('writes shares, sizes and labels', () => {
    expect(formatShare(0.1579)).toBe('15.8%')
    expect(formatShare('0.10')).toBe('10.0%')
    expect(formatShare('0.00145')).toBe('0.1%')
    expect(formatShare('0.00145', 2)).toBe('0.15%') // read as a decimal, not 0.14499… in floating point
    expect(formatShare(null)).toBe('—')
    expect(formatBytes(2048)).toBe('2.0 KB')
    expect(label('weak_and_lax')).toBe('软弱涣散')
    expect(label('x', { x: '叉' })).toBe('叉')
  })
  it('keeps the event counters of /metrics', () => {
    const rows = parseMetrics([
      '# HELP zhengdun_events_published_total x',
      'zhengdun_events_published_total 91.0',
      'zhengdun_events_applied_total{type="a"} 4.0',
      'zhengdun_events_applied_created{type="a"} 1.7e9',
      'python_gc_objects_collected_total{generation="0"} 10.0',
    ].join('\n'))
    expect(rows).toEqual([
      { name: 'zhengdun_events_published_total', labels: '', value: 91 },
      { name: 'zhengdun_events_applied_total', labels: 'type="a"', value: 4 },
    ])
  })
})
