"""The figures of one division on one or many dates in one statement (the monthly series: 13 month ends).

Each date's figures count the villages' states on that date (reporting.state, the same text as the drill-down's),
each date with its policy's values. What makes it cheap:

- a village with no designation, case, measure or acceptance (nine in ten of a province) only counts in
  ``in_campaign`` and ``screened`` (and their ``by_kind``), and both only ever turn true, from a day of
  their own: the day the first campaign covering its kind opened, its first assessment. Such villages
  are counted per group by those two days, then per date: no row per village and date;
- the other villages get their state on every date, each fact joined once to the dates it holds on.

tests/integration/test_reporting_figures.py holds the series against the ground truth and against the
figures of each date.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.counts import COUNTS
from reporting.state import MANY_DATES, VILLAGES, state_of
from reporting.domain.figures import ACTIVE_PHASES
from zhengdun.events.screening import Policy
from zhengdun.reading import within_params

SERIES = "WITH " + MANY_DATES + "," + VILLAGES + """,
active AS (SELECT village_code AS code FROM rm_designation WHERE village_code BETWEEN :lo AND :hi
           UNION SELECT village_code FROM rm_case WHERE village_code BETWEEN :lo AND :hi
           UNION SELECT village_code FROM rm_measure WHERE village_code BETWEEN :lo AND :hi
           UNION SELECT village_code FROM rm_acceptance WHERE village_code BETWEEN :lo AND :hi),
plain_groups AS (
  SELECT substr(e.code, 1, :g) AS grp, e.kind, e.in_from, e.screened_from, count(*) AS n
  FROM entry e WHERE NOT EXISTS (SELECT 1 FROM active a WHERE a.code = e.code) GROUP BY 1, 2, 3, 4),
plain AS (
  SELECT t.d, p.grp, p.kind, coalesce(sum(p.n) FILTER (WHERE p.in_from <= t.d), 0)::bigint AS i,
         coalesce(sum(p.n) FILTER (WHERE p.screened_from <= t.d), 0)::bigint AS s
  FROM dates t CROSS JOIN plain_groups p GROUP BY 1, 2, 3),
av AS MATERIALIZED (SELECT e.* FROM entry e JOIN active a USING (code)),""" + state_of("av") + """,
grouped AS (SELECT state.*, substr(code, 1, :g) AS grp FROM state),
counted AS (
  SELECT d, grp,""" + COUNTS + """
  FROM grouped GROUP BY 1, 2
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
    FROM grouped, unnest(criteria) AS c WHERE listed_category = 'weak_and_lax' GROUP BY 1, 2, 3) x GROUP BY 1, 2),
phases AS (
  SELECT d, grp, jsonb_object_agg(case_phase, n) AS j FROM (
    SELECT d, grp, case_phase, count(*) AS n FROM grouped WHERE case_phase IS NOT NULL GROUP BY 1, 2, 3) x GROUP BY 1, 2),
kinds AS (
  SELECT d, grp, jsonb_object_agg(kind, jsonb_build_object('in_campaign', i, 'screened', s, 'listed', l)) AS j FROM (
    SELECT d, grp, kind, sum(i)::bigint AS i, sum(s)::bigint AS s, sum(l)::bigint AS l FROM (
      SELECT d, grp, kind, count(*) FILTER (WHERE in_campaign) AS i, count(*) FILTER (WHERE screened) AS s,
             count(*) FILTER (WHERE listed_category IS NOT NULL) AS l
      FROM grouped GROUP BY 1, 2, 3
      UNION ALL
      SELECT d, grp, kind, i, s, 0 FROM plain) y
    GROUP BY 1, 2, 3 HAVING sum(i) + sum(s) + sum(l) > 0) x GROUP BY 1, 2),
alerts AS (
  SELECT t.d, substr(a.unit_code, 1, :g) AS grp, count(*) AS n
  FROM dates t JOIN rm_alert a ON a.raised_on <= t.d LEFT JOIN rm_alert_resolution r USING (alert_id)
  WHERE a.unit_code BETWEEN :lo AND :hi AND (r.resolved_on IS NULL OR r.resolved_on > t.d)
  GROUP BY 1, 2)
SELECT agg.*, coalesce(crit.j, '{}'::jsonb) AS by_criterion, coalesce(phases.j, '{}'::jsonb) AS by_phase,
       coalesce(kinds.j, '{}'::jsonb) AS by_kind, coalesce(alerts.n, 0) AS alerts_open
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

