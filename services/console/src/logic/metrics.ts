// Prometheus text format → rows of the event counters the operations page lists.
export interface MetricRow { service?: string; name: string; labels: string; value: number }

/** The samples of counters whose names speak of events, messages or dead letters (not Python internals). */
export function parseMetrics(text: string, pattern = /event|message|dead|outbox|inbox|consum|publish|relay/i): MetricRow[] {
  const rows: MetricRow[] = []
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line)
    if (!m || !pattern.test(m[1]) || m[1].endsWith('_created')) continue
    const value = Number(m[3])
    if (Number.isFinite(value)) rows.push({ name: m[1], labels: (m[2] ?? '').slice(1, -1), value })
  }
  return rows
}
