"""The figures of one division on one or many dates in one statement (the monthly series: 13 month ends).

Each date's figures count the villages' states on that date (rules in reporting.domain.figures; the drill-down's
one-date text, reporting.figures.STATE, lists the villages behind them), each date with its policy's values.
Every figure is counted straight from the facts' spans, never from a row per village and date:

- ``in_campaign`` and ``screened`` only ever turn true, each from a day of the village's own (the first campaign
  covering its kind opened; its first assessment): the villages are counted per group by those two days, then
  per date;
- a fact holds from its own date until the next fact of the same subject by date, then order (``seq``): each is
  given that span once (``lead``), and a date counts the spans that cover it. A village's designations and
  removals are one stream (listed under the newest designation unless a removal came after it); a case's phase
  holds while both the phase and its case are the newest; a measure is overdue on the dates past its deadline
  that no 'completed' status covers;
- only what needs two facts of one village on one date is joined per date and village: the visits of a case
  due visits, and a delisting against the village's listing on that date (transformed).

Only villages of the registry (``divisions``) count; the facts read are those of the villages with a designation,
case, measure or acceptance (``av``). tests/integration/test_reporting_figures.py holds the series against the
ground truth and against the figures of each date; tests/integration/test_reporting_series.py against the
drill-down's states on facts made to catch what a span can get wrong.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.domain.figures import ACTIVE_PHASES
from zhengdun.events.screening import Policy
from zhengdun.reading import within_params

IN_DIVISION = "village_code BETWEEN :lo AND :hi"


def _spans(table: str, subject: str, on: str, columns: str, where: str = IN_DIVISION) -> str:
    """The rows of ``table``, each holding from ``on`` (``since``) until the next row of its ``subject`` by ``on``,
    then ``seq`` (``until``, NULL for the newest): it holds on the dates ``since <= d < until``."""
    return (f"SELECT {columns}, {on} AS since, lead({on}) OVER (PARTITION BY {subject} ORDER BY {on}, seq) AS until "
            f"FROM {table} WHERE {where}")


def covers(span: str) -> str:
    return f"{span}.since <= t.d AND ({span}.until IS NULL OR t.d < {span}.until)"


SERIES = f"""WITH
dates AS (SELECT x.d, date_trunc('month', x.d)::date AS ms, x.vpm, x.ppv
          FROM unnest(CAST(:days AS date[]), CAST(:vpms AS int[]), CAST(:ppvs AS int[])) AS x(d, vpm, ppv)),
entry AS (   -- the villages grouped by the days they enter; in_from read once per code prefix (as long as the
             -- campaigns' longest area prefix), not once per village
  SELECT substr(e.p, 1, :g) AS grp, e.kind,
         (SELECT min(c.opened_on) FROM rm_campaign c WHERE e.p LIKE c.area_prefix || '%'
            AND e.kind = ANY(coalesce(c.organization_kinds, ARRAY['行政村', '社区']::varchar[]))) AS in_from,
         e.screened_from, e.n
  FROM (SELECT substr(v.code, 1, greatest(:g, (SELECT max(length(area_prefix)) FROM rm_campaign))) AS p,
               coalesce(v.kind, '行政村') AS kind, scr.first_on AS screened_from, count(*) AS n
        FROM divisions v LEFT JOIN (SELECT village_code, min(assessed_on) AS first_on FROM rm_assessment
                          WHERE {IN_DIVISION} GROUP BY village_code) scr ON scr.village_code = v.code
        WHERE v.level = 'village' AND v.code BETWEEN :lo AND :hi GROUP BY 1, 2, 3) e),
entered AS (
  SELECT t.d, e.grp, e.kind, coalesce(sum(e.n) FILTER (WHERE e.in_from <= t.d), 0)::bigint AS i,
         coalesce(sum(e.n) FILTER (WHERE e.screened_from <= t.d), 0)::bigint AS s
  FROM dates t CROSS JOIN entry e GROUP BY 1, 2, 3),
av AS MATERIALIZED (
  SELECT code, coalesce(kind, '行政村') AS kind FROM divisions WHERE level = 'village' AND code IN (
    SELECT village_code FROM rm_designation WHERE {IN_DIVISION}
    UNION SELECT village_code FROM rm_case WHERE {IN_DIVISION}
    UNION SELECT village_code FROM rm_measure WHERE {IN_DIVISION}
    UNION SELECT village_code FROM rm_acceptance WHERE {IN_DIVISION})),
listing AS (   -- listed from a designation until the next designation or removal (a removal last on a tie)
  SELECT f.village_code, substr(f.village_code, 1, :g) AS grp, av.kind, f.category, f.criteria, f.since,
         lead(f.since) OVER (PARTITION BY f.village_code ORDER BY f.since, f.seq, f.removal) AS until
  FROM (SELECT village_code, category, criteria, designated_on AS since, seq, false AS removal FROM rm_designation
        WHERE {IN_DIVISION}
        UNION ALL
        SELECT village_code, NULL, NULL, removed_on, seq, true FROM rm_removal WHERE {IN_DIVISION}) f
  JOIN av ON av.code = f.village_code),
listed AS MATERIALIZED (   -- the listings counted by what they count for and their span: a village's spans never
                           -- overlap, so a date counts each covering group's villages once
  SELECT grp, kind, category, since, until, count(*) AS n FROM listing WHERE category IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5),
listed_on AS MATERIALIZED (
  SELECT t.d, x.grp, x.kind, x.category, sum(x.n)::bigint AS n FROM dates t JOIN listed x ON {covers("x")}
  GROUP BY 1, 2, 3, 4),
designated AS (
  SELECT t.d, substr(x.village_code, 1, :g) AS grp, count(*) AS n
  FROM dates t JOIN (SELECT village_code, min(designated_on) AS since
                     FROM rm_designation x JOIN av ON av.code = x.village_code
                     WHERE {IN_DIVISION} GROUP BY village_code) x ON x.since <= t.d
  GROUP BY 1, 2),
cases AS ({_spans("rm_case c JOIN av ON av.code = c.village_code", "village_code", "opened_on", "case_id, village_code",
                  "c." + IN_DIVISION)}),
led AS (SELECT case_id, min(assigned_on) AS since FROM rm_contact_leader WHERE {IN_DIVISION} GROUP BY case_id),
phases AS MATERIALIZED (
  SELECT c.case_id, substr(c.village_code, 1, :g) AS grp, p.phase, greatest(c.since, p.since) AS since, least(c.until, p.until) AS until,
         led.since AS led_since
  FROM cases c JOIN ({_spans("rm_case_phase", "case_id", "changed_on", "case_id, phase")}) p USING (case_id)
  LEFT JOIN led USING (case_id)),
due_spans AS (   -- a case is due visits while an active phase holds and a contact leader has been assigned
  SELECT case_id, grp, greatest(since, led_since) AS since, until FROM phases
  WHERE led_since IS NOT NULL AND phase IN :active),
vis AS (SELECT t.d, x.case_id, count(*) AS n
        FROM dates t JOIN rm_visit x ON date_trunc('month', x.visited_on)::date = t.ms AND x.visited_on <= t.d
        WHERE x.{IN_DIVISION} AND coalesce(x.counts_toward_minimum, x.talked_with_all AND x.problems_pushed >= t.ppv)
          AND t.vpm > 0
        GROUP BY t.d, x.case_id HAVING count(*) >= min(t.vpm)),
visits AS (   -- due: the spans counted per date; compliant: the cases with enough visits that are due that date
              -- (every case due, on a date whose policy asks no visits)
  SELECT t.d, x.grp, sum(x.n)::bigint AS due FROM dates t JOIN (
    SELECT grp, since, until, count(*) AS n FROM due_spans GROUP BY 1, 2, 3) x ON {covers("x")}
  GROUP BY 1, 2),
compliant AS (
  SELECT v.d, x.grp, count(*) AS n FROM vis v JOIN due_spans x ON x.case_id = v.case_id AND x.since <= v.d
    AND (x.until IS NULL OR v.d < x.until)
  GROUP BY 1, 2),
statuses AS (   -- each measure's statuses, the first from before any record (none) until its first record
  SELECT measure_id, status, since, lead(since) OVER (PARTITION BY measure_id ORDER BY since, seq) AS until FROM (
    SELECT measure_id, NULL AS status, '-infinity'::date AS since, 0 AS seq FROM rm_measure WHERE {IN_DIVISION}
    UNION ALL
    SELECT measure_id, coalesce(measure_status, status), coalesce(measure_status_since, recorded_on), seq
    FROM rm_progress WHERE {IN_DIVISION}) x),
open_spans AS (   -- a measure's spans past its deadline without a 'completed' status
  SELECT ms.village_code, greatest(ms.planned_on, ms.deadline + 1) AS overdue_from, x.since, x.until
  FROM statuses x JOIN rm_measure ms USING (measure_id) JOIN av ON av.code = ms.village_code
  WHERE ms.{IN_DIVISION} AND x.status IS DISTINCT FROM 'completed'
    AND (x.until IS NULL OR x.until > greatest(ms.planned_on, ms.deadline + 1))),
overdue AS (
  SELECT d, substr(village_code, 1, :g) AS grp, sum(n)::bigint AS measures, count(*) AS villages FROM (
    SELECT t.d, x.village_code, count(*) AS n
    FROM dates t JOIN open_spans x ON x.overdue_from <= t.d AND {covers("x")}
    GROUP BY 1, 2) o
  GROUP BY 1, 2),
acceptances AS (SELECT x.village_code, x.outcome, x.on_date FROM rm_acceptance x JOIN av ON av.code = x.village_code
                WHERE x.{IN_DIVISION}),
outcomes AS (
  SELECT t.d, substr(x.village_code, 1, :g) AS grp, count(*) FILTER (WHERE x.outcome = 'passed') AS accepted,
         count(*) FILTER (WHERE x.outcome = 'failed') AS failed,
         count(*) FILTER (WHERE x.outcome = 'delisted') AS delisted,
         count(*) FILTER (WHERE x.outcome = 'relapsed') AS relapsed
  FROM dates t JOIN acceptances x ON x.on_date <= t.d GROUP BY 1, 2),
delistings AS (   -- delisted from a delisting until a relapse on or after its day (or the next delisting)
  SELECT village_code, outcome, on_date AS since,
         lead(on_date) OVER (PARTITION BY village_code ORDER BY on_date, outcome = 'relapsed') AS until
  FROM acceptances WHERE outcome IN ('delisted', 'relapsed')),
transformed AS (   -- delisted, and not listed again: a set difference (as an anti-join, planned from an estimate
                   -- of one row, it ran the listings once per delisting: 8 s for one date of a province)
  SELECT d, substr(village_code, 1, :g) AS grp, count(*) AS n FROM (
    SELECT t.d, x.village_code FROM dates t JOIN delistings x ON x.outcome = 'delisted' AND {covers("x")}
    EXCEPT
    SELECT t.d, l.village_code FROM dates t JOIN listing l ON l.category IS NOT NULL AND {covers("l")}
    WHERE l.village_code IN (SELECT village_code FROM delistings WHERE outcome = 'delisted')) z
  GROUP BY 1, 2),
listed_counts AS (
  SELECT d, grp, sum(n)::bigint AS listed, coalesce(sum(n) FILTER (WHERE category = 'weak_and_lax'), 0)::bigint AS weak_and_lax,
         coalesce(sum(n) FILTER (WHERE category = 'lagging'), 0)::bigint AS lagging
  FROM listed_on GROUP BY 1, 2),
crit AS (
  SELECT d, grp, jsonb_object_agg(criterion, n) AS j FROM (
    SELECT t.d, x.grp, x.criterion, sum(x.n)::bigint AS n
    FROM dates t JOIN (SELECT grp, c AS criterion, since, until, count(*) AS n FROM listing, unnest(criteria) AS c
                       WHERE category = 'weak_and_lax' GROUP BY 1, 2, 3, 4) x ON {covers("x")}
    GROUP BY 1, 2, 3) y GROUP BY 1, 2),
phases_counted AS (
  SELECT d, grp, jsonb_object_agg(phase, n) AS j FROM (
    SELECT t.d, x.grp, x.phase, sum(x.n)::bigint AS n
    FROM dates t JOIN (SELECT grp, phase, since, until, count(*) AS n FROM phases GROUP BY 1, 2, 3, 4) x
      ON {covers("x")}
    GROUP BY 1, 2, 3) y GROUP BY 1, 2),
kinds AS (
  SELECT e.d, e.grp, jsonb_object_agg(e.kind, jsonb_build_object('in_campaign', e.i, 'screened', e.s,
                                                                 'listed', coalesce(l.n, 0))) AS j
  FROM entered e LEFT JOIN (SELECT d, grp, kind, sum(n)::bigint AS n FROM listed_on GROUP BY 1, 2, 3) l
    USING (d, grp, kind)
  WHERE e.i + e.s + coalesce(l.n, 0) > 0 GROUP BY 1, 2),
alerts AS (
  SELECT t.d, substr(a.unit_code, 1, :g) AS grp, count(*) AS n
  FROM dates t JOIN rm_alert a ON a.raised_on <= t.d LEFT JOIN rm_alert_resolution r USING (alert_id)
  WHERE a.unit_code BETWEEN :lo AND :hi AND (r.resolved_on IS NULL OR r.resolved_on > t.d)
  GROUP BY 1, 2),
groups AS (SELECT d, grp, sum(i)::bigint AS in_campaign, sum(s)::bigint AS screened FROM entered GROUP BY 1, 2)
SELECT g.d, g.grp, g.in_campaign, g.screened, coalesce(l.listed, 0) AS listed,
       coalesce(l.weak_and_lax, 0) AS listed_weak_and_lax, coalesce(l.lagging, 0) AS listed_lagging,
       coalesce(o.measures, 0) AS measures_overdue, coalesce(o.villages, 0) AS villages_overdue,
       coalesce(vs.due, 0) AS visits_due,
       CASE WHEN t.vpm > 0 THEN coalesce(vc.n, 0) ELSE coalesce(vs.due, 0) END AS visits_compliant,
       coalesce(a.accepted, 0) AS accepted, coalesce(a.failed, 0) AS failed, coalesce(a.delisted, 0) AS delisted,
       coalesce(a.relapsed, 0) AS relapsed, coalesce(dg.n, 0) AS designated, coalesce(tr.n, 0) AS transformed,
       coalesce(crit.j, '{{}}'::jsonb) AS by_criterion, coalesce(ph.j, '{{}}'::jsonb) AS by_phase,
       coalesce(kinds.j, '{{}}'::jsonb) AS by_kind, coalesce(alerts.n, 0) AS alerts_open
FROM groups g JOIN dates t USING (d) LEFT JOIN listed_counts l USING (d, grp) LEFT JOIN overdue o USING (d, grp)
LEFT JOIN visits vs USING (d, grp) LEFT JOIN compliant vc USING (d, grp) LEFT JOIN outcomes a USING (d, grp) LEFT JOIN designated dg USING (d, grp)
LEFT JOIN transformed tr USING (d, grp) LEFT JOIN crit USING (d, grp) LEFT JOIN phases_counted ph USING (d, grp)
LEFT JOIN kinds USING (d, grp) LEFT JOIN alerts USING (d, grp)
ORDER BY g.d, g.grp
"""


async def aggregates_on(session: AsyncSession, code: str, days: list[date], policies: list[Policy], g: int
                        ) -> dict[date, list[dict[str, Any]]]:
    """Raw counts per group of ``g`` digits on each of ``days`` (each with the policy in force on it): for each
    day, the rows ``reporting.figures.aggregate`` gives for it."""
    statement = text(SERIES).bindparams(bindparam("active", expanding=True))
    rows = (await session.execute(statement, within_params(code) | {
        "days": days, "vpms": [p.contact_leader_visits_per_month for p in policies],
        "ppvs": [p.problems_pushed_per_visit for p in policies], "g": g, "active": ACTIVE_PHASES,
    })).mappings().all()
    by_day: dict[date, list[dict[str, Any]]] = {day: [] for day in days}
    for row in rows:
        by_day[row["d"]].append({k: v for k, v in row.items() if k != "d"})
    return by_day
