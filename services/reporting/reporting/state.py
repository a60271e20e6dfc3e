"""Each village's state on a set of dates, from its dated facts (rules in reporting.domain.figures), in SQL: the
one text of a date's figures and of the monthly series (reporting.series: a date's figures are the series of
that one date). The drill-down keeps its one-date text (reporting.figures.STATE: see there why).

A statement defines ``dates(d, ms, vpm, ppv)`` — each date, its month's first day and its policy's visits per
month and problems per visit (``MANY_DATES``) — then ``VILLAGES`` (``entry``: every village of the
division with the day it entered the campaign and the day it was first screened), then ``state_of(relation)``:
``state``, one row per date and village of ``relation`` (``entry`` or a part of it, with its columns).

A fact holds from its own date until the next fact of the same village (case, measure) by date, then order
(``seq``): each is given that span once (``lead``) and joined to the dates it covers, so each date finds its
fact without sorting the facts again for every date (the series' 13 dates over a province's progress records).
"""
from __future__ import annotations

MANY_DATES = """dates AS (SELECT x.d, date_trunc('month', x.d)::date AS ms, x.vpm, x.ppv
          FROM unnest(CAST(:days AS date[]), CAST(:vpms AS int[]), CAST(:ppvs AS int[])) AS x(d, vpm, ppv))"""

# In the campaign and screened only ever turn true, each from a day of the village's own.
VILLAGES = """
v AS (SELECT code, name, parent_code, coalesce(kind, '行政村') AS kind FROM divisions
      WHERE level = 'village' AND code BETWEEN :lo AND :hi),
entry AS (
  SELECT v.*,
         (SELECT min(c.opened_on) FROM rm_campaign c WHERE v.code LIKE c.area_prefix || '%'
            AND v.kind = ANY(coalesce(c.organization_kinds, ARRAY['行政村', '社区']::varchar[]))) AS in_from,
         scr.first_on AS screened_from
  FROM v LEFT JOIN (SELECT village_code, min(assessed_on) AS first_on FROM rm_assessment
                    WHERE village_code BETWEEN :lo AND :hi GROUP BY village_code) scr ON scr.village_code = v.code)"""


def _holding(table: str, subject: str, on: str, columns: str) -> str:
    """The rows of ``table`` in the division, each with the date (``until``) the next one of its ``subject`` (by
    ``on``, then ``seq``) replaces it: it holds on the dates ``on <= d < until``."""
    return (f"(SELECT {columns}, {on} AS since, lead({on}) OVER (PARTITION BY {subject} ORDER BY {on}, seq) AS until "
            f"FROM {table} WHERE village_code BETWEEN :lo AND :hi)")


HOLDS = "x.since <= t.d AND (x.until IS NULL OR t.d < x.until)"


def state_of(villages: str) -> str:
    """The CTEs up to ``state``: each village of ``villages`` (a relation with ``entry``'s columns) on each date."""
    return f"""
des AS (SELECT t.d, x.village_code, x.category, x.criteria, x.designated_on, x.seq FROM dates t
        JOIN {_holding("rm_designation", "village_code", "designated_on", "village_code, category, criteria, designated_on, seq")} x
        ON {HOLDS}),
rem AS (SELECT t.d, x.village_code, x.removed_on, x.seq FROM dates t
        JOIN {_holding("rm_removal", "village_code", "removed_on", "village_code, removed_on, seq")} x ON {HOLDS}),
cas AS (SELECT t.d, x.village_code, x.case_id FROM dates t
        JOIN {_holding("rm_case", "village_code", "opened_on", "village_code, case_id")} x ON {HOLDS}),
pha AS (SELECT t.d, x.case_id, x.phase FROM cas t
        JOIN {_holding("rm_case_phase", "case_id", "changed_on", "case_id, phase")} x ON x.case_id = t.case_id AND {HOLDS}),
led AS (SELECT case_id, min(assigned_on) AS since FROM rm_contact_leader WHERE village_code BETWEEN :lo AND :hi
        GROUP BY case_id),
prog AS (SELECT t.d, x.measure_id, x.status FROM dates t
         JOIN {_holding("rm_progress", "measure_id", "coalesce(measure_status_since, recorded_on)",
                        "measure_id, coalesce(measure_status, status) AS status")} x ON {HOLDS}),
ovd AS (SELECT t.d, ms.village_code, count(*) AS n
        FROM dates t JOIN rm_measure ms ON ms.planned_on <= t.d AND ms.deadline < t.d
        LEFT JOIN prog ON prog.d = t.d AND prog.measure_id = ms.measure_id
        WHERE ms.village_code BETWEEN :lo AND :hi AND prog.status IS DISTINCT FROM 'completed' GROUP BY t.d, ms.village_code),
vis AS (SELECT t.d, x.case_id, count(*) AS n
        FROM dates t JOIN rm_visit x ON date_trunc('month', x.visited_on)::date = t.ms AND x.visited_on <= t.d
        WHERE x.village_code BETWEEN :lo AND :hi
          AND coalesce(x.counts_toward_minimum, x.talked_with_all AND x.problems_pushed >= t.ppv)
        GROUP BY t.d, x.case_id),
acc AS (SELECT t.d, x.village_code,
               count(*) FILTER (WHERE x.outcome = 'passed') AS passed,
               count(*) FILTER (WHERE x.outcome = 'failed') AS failed,
               count(*) FILTER (WHERE x.outcome = 'delisted') AS delisted,
               count(*) FILTER (WHERE x.outcome = 'relapsed') AS relapsed,
               max(x.on_date) FILTER (WHERE x.outcome = 'delisted') AS last_delisted,
               max(x.on_date) FILTER (WHERE x.outcome = 'relapsed') AS last_relapsed
        FROM dates t JOIN rm_acceptance x ON x.on_date <= t.d WHERE x.village_code BETWEEN :lo AND :hi
        GROUP BY t.d, x.village_code),
base AS (
  SELECT t.d, t.vpm, vv.*,
         coalesce(vv.in_from <= t.d, false) AS in_campaign,
         coalesce(vv.screened_from <= t.d, false) AS screened,
         CASE WHEN des.village_code IS NOT NULL
               AND (rem.village_code IS NULL OR (rem.removed_on, rem.seq) < (des.designated_on, des.seq))
              THEN des.category END AS listed_category,
         des.criteria, des.designated_on, des.village_code IS NOT NULL AS designated,
         pha.phase AS case_phase,
         coalesce(ovd.n, 0) AS overdue,
         (coalesce(led.since <= t.d, false) AND pha.phase IN :active) AS visits_due,
         coalesce(vis.n, 0) AS qualifying_visits,
         coalesce(acc.passed, 0) AS passed, coalesce(acc.failed, 0) AS failed,
         coalesce(acc.delisted, 0) AS delisted, coalesce(acc.relapsed, 0) AS relapsed,
         acc.last_delisted, acc.last_relapsed
  FROM dates t CROSS JOIN {villages} vv
  LEFT JOIN des ON des.d = t.d AND des.village_code = vv.code
  LEFT JOIN rem ON rem.d = t.d AND rem.village_code = vv.code
  LEFT JOIN cas ON cas.d = t.d AND cas.village_code = vv.code
  LEFT JOIN pha ON pha.d = t.d AND pha.case_id = cas.case_id
  LEFT JOIN led ON led.case_id = cas.case_id
  LEFT JOIN vis ON vis.d = t.d AND vis.case_id = cas.case_id
  LEFT JOIN ovd ON ovd.d = t.d AND ovd.village_code = vv.code
  LEFT JOIN acc ON acc.d = t.d AND acc.village_code = vv.code
),
state AS (
  SELECT base.*,
         visits_due AND qualifying_visits >= vpm AS visits_compliant,
         (delisted > 0 AND listed_category IS NULL
          AND (last_relapsed IS NULL OR last_relapsed < last_delisted)) AS transformed
  FROM base
)"""
