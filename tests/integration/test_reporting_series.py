"""Reporting's figures statement (reporting.series: counts over the facts' spans) against the drill-down's states
(reporting.figures.STATE: one row per village on one date, the rules written the other way), on facts made to
catch what a span can get wrong: back-dated and same-day facts, a village listed, removed and listed again with a
second case, a measure completed then reopened, a relapse on its delisting's day, campaigns of two levels and
kinds, a policy that asks no visits, and facts of a village the registry does not hold. Real PostgreSQL
(reporting's migrations), no services."""
from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path

import asyncpg
import pytest
from alembic import command
from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.figures import STATE_ON_A_DATE, _params, group_digits, policies_for
from reporting.series import aggregates_on
from tests.support.platform import scratch_database
from zhengdun.db import make_engine
from zhengdun.migrations import alembic_config

MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "reporting" / "migrations"
PROVINCE, CITY, COUNTY, TOWNSHIP = "990000000000", "990100000000", "990102000000", "990102101000"
V = {n: f"990102101{200 + n}" for n in range(1, 10)}            # township 101's villages
OTHER = "990102102201"                                           # a village of another township
UNKNOWN = "990102101299"                                         # facts, but not in the registry
DAYS = [date(2020, 5, 31), date(2020, 6, 30), date(2020, 8, 20), date(2020, 8, 31), date(2020, 9, 30),
        date(2020, 10, 15), date(2020, 10, 16), date(2020, 10, 31), date(2020, 11, 10), date(2020, 11, 30),
        date(2020, 12, 1), date(2020, 12, 31), date(2021, 1, 10), date(2021, 1, 31), date(2021, 2, 1),
        date(2021, 2, 28), date(2021, 3, 1), date(2021, 3, 31)]

# The old statement's counts, over the drill-down's states of one date.
COUNTED = STATE_ON_A_DATE + """
SELECT count(*) FILTER (WHERE in_campaign) AS in_campaign, count(*) FILTER (WHERE screened) AS screened,
       count(*) FILTER (WHERE listed_category IS NOT NULL) AS listed,
       count(*) FILTER (WHERE listed_category = 'weak_and_lax') AS listed_weak_and_lax,
       count(*) FILTER (WHERE listed_category = 'lagging') AS listed_lagging,
       coalesce(sum(overdue), 0) AS measures_overdue, count(*) FILTER (WHERE overdue > 0) AS villages_overdue,
       count(*) FILTER (WHERE visits_due) AS visits_due, count(*) FILTER (WHERE visits_compliant) AS visits_compliant,
       coalesce(sum(passed), 0) AS accepted, coalesce(sum(failed), 0) AS failed, coalesce(sum(delisted), 0) AS delisted,
       coalesce(sum(relapsed), 0) AS relapsed, count(*) FILTER (WHERE designated) AS designated,
       count(*) FILTER (WHERE transformed) AS transformed,
       (SELECT coalesce(jsonb_object_agg(c, n), '{}') FROM (SELECT c, count(*) AS n FROM state, unnest(criteria) AS c
         WHERE listed_category = 'weak_and_lax' GROUP BY c) x) AS by_criterion,
       (SELECT coalesce(jsonb_object_agg(case_phase, n), '{}') FROM (SELECT case_phase, count(*) AS n FROM state
         WHERE case_phase IS NOT NULL GROUP BY case_phase) x) AS by_phase,
       (SELECT coalesce(jsonb_object_agg(kind, jsonb_build_object('in_campaign', i, 'screened', s, 'listed', l)), '{}')
        FROM (SELECT kind, count(*) FILTER (WHERE in_campaign) AS i, count(*) FILTER (WHERE screened) AS s,
                     count(*) FILTER (WHERE listed_category IS NOT NULL) AS l FROM state GROUP BY kind) x
        WHERE i + s + l > 0) AS by_kind
FROM state"""


def _facts() -> dict[str, list[tuple]]:
    d = date
    divisions = [(PROVINCE, "示范省", "province", None, None), (CITY, "示范市", "city", PROVINCE, None),
                 (COUNTY, "甲县", "county", CITY, None), (TOWNSHIP, "甲镇", "township", COUNTY, None),
                 ("990102102000", "乙镇", "township", COUNTY, None), (OTHER, "乙村", "village", "990102102000", "行政村")]
    divisions += [(code, f"村{n}", "village", TOWNSHIP, {4: "社区", 5: None}.get(n, "行政村")) for n, code in V.items()]
    facts: dict[str, list[tuple]] = {
        "divisions": [(*row, 1) for row in divisions],
        # The province's campaign of villages; the city's of communities, opened earlier.
        "rm_campaign": [("p", "全省", PROVINCE, "99", d(2020, 7, 1), "[]", "", "[]", None),
                        ("c", "全市社区", CITY, "9901", d(2020, 6, 1), "[]", "", "[]", ["社区"])],
        # From 2021 no visit is asked (a month with none is compliant); before, two of at least two problems.
        "rm_policy": [("p", 1, d(2020, 7, 1), json.dumps({"problems_pushed_per_visit": 2})),
                      ("p", 2, d(2021, 1, 1), json.dumps({"contact_leader_visits_per_month": 0}))],
        "rm_assessment": [(f"a{n}", "p", code, "neither", d(2020, 8, n)) for n, code in V.items()]
                         + [("a-again", "p", V[1], "weak", d(2020, 7, 20)), ("a-other", "p", OTHER, "neither", d(2020, 9, 1)),
                            ("a-unknown", "p", UNKNOWN, "neither", d(2020, 8, 1))],
        "rm_designation": [
            ("d1", 1, "p", V[1], "weak_and_lax", ["c01", "c02"], "screening", "1号", d(2020, 8, 20), 1),
            ("d1b", 9, "p", V[1], "lagging", ["c03"], "dynamic", "9号", d(2021, 2, 1), 1),
            ("d2", 2, "p", V[2], "weak_and_lax", ["c01"], "screening", "1号", d(2020, 8, 20), 1),
            # Back-dated: published after d3 but dated before it (d3 holds from its own day).
            ("d3", 3, "p", V[3], "lagging", ["c02"], "screening", "1号", d(2020, 9, 1), 1),
            ("d3a", 4, "p", V[3], "weak_and_lax", ["c04"], "screening", "1号", d(2020, 8, 20), 1),
            ("d6", 5, "p", V[6], "weak_and_lax", ["c01", "c05"], "screening", "1号", d(2020, 8, 20), 1),
            ("d7", 6, "p", V[7], "weak_and_lax", ["c01"], "screening", "1号", d(2020, 8, 20), 1),
            ("d-unknown", 7, "p", UNKNOWN, "weak_and_lax", ["c01"], "screening", "1号", d(2020, 8, 20), 1)],
        "rm_removal": [("r1", 1, "p", V[1], "delisted", d(2020, 12, 1)),
                       ("r2", 8, "p", V[2], "revoked", d(2020, 8, 20)),          # same day, later: not listed
                       ("r6", 2, "p", V[6], "delisted", d(2021, 1, 10)),
                       ("r7", 3, "p", V[7], "delisted", d(2021, 1, 10))],
        "rm_case": [("A", 1, "p", V[1], "weak_and_lax", d(2020, 8, 22)), ("B", 2, "p", V[1], "lagging", d(2021, 2, 3)),
                    ("C", 3, "p", V[6], "weak_and_lax", d(2020, 8, 22)), ("X", 4, "p", UNKNOWN, "weak_and_lax", d(2020, 8, 22))],
        "rm_case_phase": [("A0", 1, "A", V[1], "concentrated", d(2020, 8, 22)),
                          ("A1", 2, "A", V[1], "ready_for_acceptance", d(2020, 11, 20)),
                          ("A2", 3, "A", V[1], "delisted", d(2020, 12, 1)),
                          ("B0", 4, "B", V[1], "concentrated", d(2021, 2, 3)),
                          ("C0", 5, "C", V[6], "concentrated", d(2020, 8, 22)),
                          ("C1", 6, "C", V[6], "continued", d(2020, 10, 16)),
                          ("X0", 7, "X", UNKNOWN, "concentrated", d(2020, 8, 22))],
        "rm_contact_leader": [("L1", 1, "A", V[1], "联系领导", "副县长", d(2020, 8, 25)),
                              ("L6", 2, "C", V[6], "联系领导", "副县长", d(2020, 10, 1)),
                              ("LX", 3, "X", UNKNOWN, "联系领导", "副县长", d(2020, 8, 25))],
        "rm_measure": [("m1", "A", V[1], "措施一", d(2020, 10, 15), d(2020, 9, 1)),
                       ("m2", "A", V[1], "措施二", d(2020, 9, 30), d(2020, 9, 1)),
                       ("m3", "A", V[1], "措施三", d(2020, 12, 31), d(2020, 9, 1)),
                       ("m6", "C", V[6], "措施", d(2020, 10, 15), d(2020, 11, 1)),     # planned after its deadline
                       ("mX", "X", UNKNOWN, "措施", d(2020, 9, 30), d(2020, 9, 1))],
        # m1: completed after its deadline, then reopened; m3: completed before its deadline.
        "rm_progress": [("p1", 1, "m1", V[1], "in_progress", d(2020, 10, 1), "in_progress", d(2020, 10, 1)),
                        ("p2", 2, "m1", V[1], "completed", d(2020, 10, 20), "completed", d(2020, 10, 20)),
                        ("p3", 3, "m1", V[1], "in_progress", d(2020, 11, 10), "in_progress", d(2020, 11, 10)),
                        ("p4", 4, "m3", V[1], "completed", d(2020, 12, 1), None, None),
                        ("p5", 5, "m6", V[6], "completed", d(2020, 10, 16), "completed", d(2020, 10, 16))],
        "rm_visit": [("v1", "A", V[1], d(2020, 9, 3), True, 2, None), ("v2", "A", V[1], d(2020, 9, 20), True, 1, None),
                     ("v3", "A", V[1], d(2020, 9, 28), False, 3, True), ("v4", "A", V[1], d(2020, 10, 5), True, 2, None),
                     ("v5", "A", V[1], d(2020, 10, 31), True, 2, None), ("v6", "C", V[6], d(2020, 10, 2), True, 5, None),
                     ("v7", "C", V[6], d(2020, 10, 3), True, 5, False), ("vX", "X", UNKNOWN, d(2020, 9, 3), True, 2, None)],
        "rm_alert": [("al1", V[1], "measure_overdue", "high", d(2020, 10, 1)), ("al2", COUNTY, "late", "low", d(2020, 9, 1))],
        "rm_alert_resolution": [("al1", d(2020, 12, 1))],
        "rm_acceptance": [("ok1", 1, V[1], "passed", "county", d(2020, 11, 25)),
                          ("dl1", 2, V[1], "delisted", None, d(2020, 12, 1)),
                          ("dl6", 3, V[6], "delisted", None, d(2021, 1, 10)),
                          ("re6", 4, V[6], "relapsed", None, d(2021, 1, 10)),     # the same day: not transformed
                          ("dl7", 5, V[7], "delisted", None, d(2021, 1, 10)),
                          ("re7", 6, V[7], "relapsed", None, d(2021, 3, 1)),
                          ("no8", 7, V[8], "failed", "preliminary", d(2020, 12, 15)),
                          ("dlX", 8, UNKNOWN, "delisted", None, d(2020, 12, 1))],
    }
    return facts


async def _fill(url: str) -> None:
    conn = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        for table, rows in _facts().items():
            columns = None
            if table == "divisions":
                columns = ["code", "name", "level", "parent_code", "kind", "revision"]
            await conn.copy_records_to_table(table, records=rows, columns=columns)
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def database():
    with scratch_database("series") as url:
        command.upgrade(alembic_config(MIGRATIONS, url), "head")
        asyncio.run(_fill(url))
        yield url


async def _both(url: str, code: str) -> tuple[dict, dict]:
    """The series' rows of ``code`` itself on every day, and the drill-down's states counted on each."""
    engine = make_engine(url)
    try:
        async with AsyncSession(engine) as session:
            policies = await policies_for(session, code, DAYS)
            series = await aggregates_on(session, code, DAYS, policies, group_digits(code, children=False))
            counted = {}
            for day, policy in zip(DAYS, policies):
                statement = text(COUNTED).bindparams(bindparam("active", expanding=True))
                counted[day] = dict((await session.execute(statement, _params(code, day, policy))).mappings().one())
        return series, counted
    finally:
        await engine.dispose()


@pytest.mark.parametrize("code", [PROVINCE, COUNTY, TOWNSHIP, V[1]])
def test_the_series_counts_what_the_drill_down_lists_on_every_date(database, code):
    series, counted = asyncio.run(_both(database, code))
    for day in DAYS:
        [row] = series[day]
        assert {k: row[k] for k in counted[day]} == counted[day], day


def test_the_tricky_facts_count_as_their_rules_say(database):
    series, _ = asyncio.run(_both(database, TOWNSHIP))
    on = {day: rows[0] for day, rows in series.items()}
    # The city's campaign of communities opened first; the province's (villages) a month later. Kind NULL is a village.
    assert on[date(2020, 6, 30)]["by_kind"] == {"社区": {"in_campaign": 1, "screened": 0, "listed": 0}}
    assert on[date(2020, 8, 31)]["in_campaign"] == 9
    # V2 removed the day it was listed; V3's back-dated designation gave way to its own later one; the unknown
    # village counts nowhere.
    assert on[date(2020, 8, 31)]["listed"] == 4 and on[date(2020, 9, 30)]["listed_lagging"] == 1
    # m2 overdue from 10-01; m1 from 10-16 until completed on 10-20, again from its reopening on 11-10; m6 (planned
    # after its deadline) from 11-01 until completed (10-16, before it was planned: never).
    assert [on[date(2020, m, dd)]["measures_overdue"] for m, dd in ((9, 30), (10, 16), (10, 31), (11, 10))] == [0, 2, 1, 2]
    # Visits need two problems before 2021: September's v1 and v3 (ruled to count) make A compliant.
    assert on[date(2020, 9, 30)]["visits_compliant"] == 1 and on[date(2020, 10, 15)]["visits_due"] == 2
    # No visit asked from 2021: V1's second case has no contact leader, V6 is delisted (no phase due).
    assert on[date(2021, 1, 31)]["visits_due"] == on[date(2021, 1, 31)]["visits_compliant"]
    # V1 transformed from its delisting until listed again; V6 relapsed the same day (never); V7 until its relapse.
    assert [on[day]["transformed"] for day in (date(2020, 12, 1), date(2021, 1, 10), date(2021, 2, 1), date(2021, 3, 1))] \
        == [1, 2, 1, 0]
