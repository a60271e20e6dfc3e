import { describe, expect, it } from 'vitest'
import { formatBytes, formatDate, formatMonth, formatShare, isoDay, label } from '@/logic/format'
import { parseMetrics } from '@/logic/metrics'

describe('how people read values', () => {
  it('writes dates the Chinese way', () => {
    expect(formatDate('2020-08-15')).toBe('2020年8月15日')
    expect(formatDate('2021-11-01T09:05:00+08:00')).toBe('2021年11月1日 09:05')
    expect(formatDate(null)).toBe('—')
    expect(formatMonth('2020-11')).toBe('2020年11月')
    expect(isoDay(new Date(2020, 7, 5))).toBe('2020-08-05')
  })
  it('writes shares, sizes and labels', () => {
    expect(formatShare(0.1579)).toBe('15.8%')
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
