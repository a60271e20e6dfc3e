"""The figures of one division on many dates in one statement (the monthly series: 13 month ends).

Each date's figures are those of ``reporting.figures.AGGREGATE`` on that date — the same rules, written
for a set of dates (``dates``: each with its policy's values) instead of one. Two things make it cheap:

- a village with no designation, case, measure or acceptance (nine in ten of a province) only counts in
  ``in_campaign`` and ``screened`` (and their ``by_kind``), and both only ever turn true, from a day of
  their own: the day the first campaign covering its kind opened, its first assessment. Such villages
  are counted per group by those two days, then per date: no row per village and date;
- the other villages get their state on every date, each fact table joined to the dates once.

tests/integration/test_reporting_figures.py holds the series against the ground truth and against the
figures of each date.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.counts import COUNTS
from reporting.domain.figures import ACTIVE_PHASES
from zhengdun.events.screening import Policy
from zhengdun.reading import within_params

RANGE = "BETWEEN :lo AND :hi"

SERIES = f"""
WITH
dates AS (SELECT x.d, date_trunc('month', x.d)::date AS ms, x.vpm, x.ppv
          FROM unnest(CAST(:days AS date[]), CAST(:vpms AS int[]), CAST(:ppvs AS int[])) AS x(d, vpm, ppv)),
v AS (SELECT code, coalesce(kind, '行政村') AS kind FROM divisions WHERE level = 'village' AND code {RANGE}),
entry AS (
  SELECT v.code, v.kind,
         (SELECT min(c.opened_on) FROM rm_campaign c WHERE v.code LIKE c.area_prefix || '%'
            AND v.kind = ANY(coalesce(c.organization_kinds, ARRAY['行政村', '社区']::varchar[]))) AS in_from,
         scr.first_on AS screened_from
  FROM v LEFT JOIN (SELECT village_code, min(assessed_on) AS first_on FROM rm_assessment
                    WHERE village_code {RANGE} GROUP BY village_code) scr ON scr.village_code = v.code),
active AS (SELECT village_code AS code FROM rm_designation WHERE village_code {RANGE}
           UNION SELECT village_code FROM rm_case WHERE village_code {RANGE}
           UNION SELECT village_code FROM rm_measure WHERE village_code {RANGE}
           UNION SELECT village_code FROM rm_acceptance WHERE village_code {RANGE}),
plain_groups AS (
  SELECT substr(e.code, 1, :g) AS grp, e.kind, e.in_from, e.screened_from, count(*) AS n
  FROM entry e WHERE NOT EXISTS (SELECT 1 FROM active a WHERE a.code = e.code) GROUP BY 1, 2, 3, 4),
plain AS (
  SELECT t.d, p.grp, p.kind, coalesce(sum(p.n) FILTER (WHERE p.in_from <= t.d), 0)::bigint AS i,
         coalesce(sum(p.n) FILTER (WHERE p.screened_from <= t.d), 0)::bigint AS s
  FROM dates t CROSS JOIN plain_groups p GROUP BY 1, 2, 3),
av AS MATERIALIZED (SELECT e.* FROM entry e JOIN active a USING (code)),
des AS (SELECT DISTINCT ON (t.d, x.village_code) t.d, x.village_code, x.category, x.criteria, x.designated_on, x.seq
        FROM dates t JOIN rm_designation x ON x.designated_on <= t.d WHERE x.village_code {RANGE}
        ORDER BY t.d, x.village_code, x.designated_on DESC, x.seq DESC),
rem AS (SELECT DISTINCT ON (t.d, x.village_code) t.d, x.village_code, x.removed_on, x.seq
        FROM dates t JOIN rm_removal x ON x.removed_on <= t.d WHERE x.village_code {RANGE}
        ORDER BY t.d, x.village_code, x.removed_on DESC, x.seq DESC),
cas AS (SELECT DISTINCT ON (t.d, x.village_code) t.d, x.village_code, x.case_id
        FROM dates t JOIN rm_case x ON x.opened_on <= t.d WHERE x.village_code {RANGE}
        ORDER BY t.d, x.village_code, x.opened_on DESC, x.seq DESC),
pha AS (SELECT DISTINCT ON (cas.d, p.case_id) cas.d, p.case_id, p.phase
        FROM cas JOIN rm_case_phase p ON p.case_id = cas.case_id AND p.changed_on <= cas.d
        WHERE p.village_code {RANGE} ORDER BY cas.d, p.case_id, p.changed_on DESC, p.seq DESC),
led AS (SELECT DISTINCT t.d, x.case_id FROM dates t JOIN rm_contact_leader x ON x.assigned_on <= t.d
        WHERE x.village_code {RANGE}),
prog AS (SELECT DISTINCT ON (t.d, x.measure_id) t.d, x.measure_id, coalesce(x.measure_status, x.status) AS status
         FROM dates t JOIN rm_progress x ON coalesce(x.measure_status_since, x.recorded_on) <= t.d
         WHERE x.village_code {RANGE}
         ORDER BY t.d, x.measure_id, coalesce(x.measure_status_since, x.recorded_on) DESC, x.seq DESC),
ovd AS (SELECT t.d, ms.village_code, count(*) AS n
        FROM dates t JOIN rm_measure ms ON ms.planned_on <= t.d AND ms.deadline < t.d
        LEFT JOIN prog ON prog.d = t.d AND prog.measure_id = ms.measure_id
        WHERE ms.village_code {RANGE} AND prog.status IS DISTINCT FROM 'completed' GROUP BY t.d, ms.village_code),
vis AS (SELECT t.d, x.case_id, count(*) AS n FROM dates t JOIN rm_visit x ON x.visited_on BETWEEN t.ms AND t.d
        WHERE x.village_code {RANGE} AND coalesce(x.counts_toward_minimum, x.talked_with_all AND x.problems_pushed >= t.ppv)
        GROUP BY t.d, x.case_id),
acc AS (SELECT t.d, x.village_code,
               count(*) FILTER (WHERE x.outcome = 'passed') AS passed,
               count(*) FILTER (WHERE x.outcome = 'failed') AS failed,
               count(*) FILTER (WHERE x.outcome = 'delisted') AS delisted,
               count(*) FILTER (WHERE x.outcome = 'relapsed') AS relapsed,
               max(x.on_date) FILTER (WHERE x.outcome = 'delisted') AS last_delisted,
               max(x.on_date) FILTER (WHERE x.outcome = 'relapsed') AS last_relapsed
        FROM dates t JOIN rm_acceptance x ON x.on_date <= t.d WHERE x.village_code {RANGE} GROUP BY t.d, x.village_code),
base AS (
  SELECT t.d, t.vpm, av.code, av.kind,
         coalesce(av.in_from <= t.d, false) AS in_campaign,
         coalesce(av.screened_from <= t.d, false) AS screened,
         CASE WHEN des.village_code IS NOT NULL
               AND (rem.village_code IS NULL OR (rem.removed_on, rem.seq) < (des.designated_on, des.seq))
              THEN des.category END AS listed_category,
         des.criteria, des.village_code IS NOT NULL AS designated,
         pha.phase AS case_phase,
         coalesce(ovd.n, 0) AS overdue,
         (led.case_id IS NOT NULL AND pha.phase IN :active) AS visits_due,
         coalesce(vis.n, 0) AS qualifying_visits,
         coalesce(acc.passed, 0) AS passed, coalesce(acc.failed, 0) AS failed,
         coalesce(acc.delisted, 0) AS delisted, coalesce(acc.relapsed, 0) AS relapsed,
         acc.last_delisted, acc.last_relapsed
  FROM dates t CROSS JOIN av
  LEFT JOIN des ON des.d = t.d AND des.village_code = av.code
  LEFT JOIN rem ON rem.d = t.d AND rem.village_code = av.code
  LEFT JOIN cas ON cas.d = t.d AND cas.village_code = av.code
  LEFT JOIN pha ON pha.d = t.d AND pha.case_id = cas.case_id
  LEFT JOIN led ON led.d = t.d AND led.case_id = cas.case_id
  LEFT JOIN vis ON vis.d = t.d AND vis.case_id = cas.case_id
  LEFT JOIN ovd ON ovd.d = t.d AND ovd.village_code = av.code
  LEFT JOIN acc ON acc.d = t.d AND acc.village_code = av.code
),
state AS (
  SELECT base.*, substr(code, 1, :g) AS grp,
         visits_due AND qualifying_visits >= vpm AS visits_compliant,
         (delisted > 0 AND listed_category IS NULL
          AND (last_relapsed IS NULL OR last_relapsed < last_delisted)) AS transformed
  FROM base
),
counted AS (
  SELECT d, grp,{COUNTS}
  FROM state GROUP BY 1, 2
  UNION ALL
  SELECT d, grp, sum(i)::bigint, sum(s)::bigint, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  FROM plain GROUP BY 1, 2),
agg AS (
  SELECT d, grp, sum(in_campaign)::bigint AS in_campaign, sum(screened)::bigint AS screened,
         sum(listed)::bigint AS listed, sum(listed_weak_and_lax)::bigint AS listed_weak_and_lax,
         sum(listed_lagging)::bigint AS listed_lagging, sum(measures_overdue)::bigint AS measures_overdue,
         sum(villages_overdue)::bigint AS villages_overdue, sum(visits_due)::bigint AS visits_due,
         sum(visits_compliant)::bigint AS visits_compliant, sum(accepted)::bigint AS accepted,
         sum(failed)::bigint AS failed, sum(delisted)::bigint AS delisted, sum(relapsed)::bigint AS relapsed,
         sum(designated)::bigint AS designated, sum(transformed)::bigint AS transformed
  FROM counted GROUP BY 1, 2),
crit AS (
  SELECT d, grp, jsonb_object_agg(criterion, n) AS j FROM (
    SELECT d, grp, c AS criterion, count(*) AS n
    FROM state, unnest(criteria) AS c WHERE listed_category = 'weak_and_lax' GROUP BY 1, 2, 3) x GROUP BY 1, 2),
phases AS (
  SELECT d, grp, jsonb_object_agg(case_phase, n) AS j FROM (
    SELECT d, grp, case_phase, count(*) AS n FROM state WHERE case_phase IS NOT NULL GROUP BY 1, 2, 3) x GROUP BY 1, 2),
kinds AS (
  SELECT d, grp, jsonb_object_agg(kind, jsonb_build_object('in_campaign', i, 'screened', s, 'listed', l)) AS j FROM (
    SELECT d, grp, kind, sum(i)::bigint AS i, sum(s)::bigint AS s, sum(l)::bigint AS l FROM (
      SELECT d, grp, kind, count(*) FILTER (WHERE in_campaign) AS i, count(*) FILTER (WHERE screened) AS s,
             count(*) FILTER (WHERE listed_category IS NOT NULL) AS l
      FROM state GROUP BY 1, 2, 3
      UNION ALL
      SELECT d, grp, kind, i, s, 0 FROM plain) y
    GROUP BY 1, 2, 3 HAVING sum(i) + sum(s) + sum(l) > 0) x GROUP BY 1, 2),
alerts AS (
  SELECT t.d, substr(a.unit_code, 1, :g) AS grp, count(*) AS n
  FROM dates t JOIN rm_alert a ON a.raised_on <= t.d LEFT JOIN rm_alert_resolution r USING (alert_id)
  WHERE a.unit_code {RANGE} AND (r.resolved_on IS NULL OR r.resolved_on > t.d)
  GROUP BY 1, 2)
SELECT agg.*, coalesce(crit.j, '{{}}'::jsonb) AS by_criterion, coalesce(phases.j, '{{}}'::jsonb) AS by_phase,
       coalesce(kinds.j, '{{}}'::jsonb) AS by_kind, coalesce(alerts.n, 0) AS alerts_open
FROM agg LEFT JOIN crit USING (d, grp) LEFT JOIN phases USING (d, grp) LEFT JOIN kinds USING (d, grp)
LEFT JOIN alerts USING (d, grp)
ORDER BY d, grp
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

