"""Figures from the read model, in SQL: any division (its codes' range, :lo to :hi), any date, grouped by any level.

Each village's state on date D comes from its dated facts (rules in reporting.domain.figures); the figures count
them grouped by ``substr(code, 1, g)`` (g = the digits of the division itself, or of its children), one date's as
one date of the monthly series' statement (reporting.series, which counts the facts' spans). A drill-down lists the
villages' states on one date (``STATE``); the integration tests hold each list against its figure.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.domain.figures import ACTIVE_PHASES, Figure, api_share, month_start
from reporting.series import aggregates_on
from reporting.versions import COMPUTED, ByVersion, snapshot_version
from zhengdun.divisions import SIGNIFICANT_DIGITS, level_of
from zhengdun.events.screening import Policy
from zhengdun.policies import parsed_policy
from zhengdun.reading import within_params
from zhengdun.roles import Level

# Each measure's status on date D: the newest status casework published with a record, holding by D (casework
# decides corrections; copied, never re-decided here). Records published before it carried the status stand for
# their own status on their own date, as before.
MEASURE_STATUS = """SELECT DISTINCT ON (measure_id) measure_id, coalesce(measure_status, status) AS status FROM rm_progress
         WHERE village_code BETWEEN :lo AND :hi AND coalesce(measure_status_since, recorded_on) <= :d
         ORDER BY measure_id, coalesce(measure_status_since, recorded_on) DESC, seq DESC"""

# Drill-down: each village's state on :d, filtered to the villages behind a figure: the rules the series counts
# (reporting.series), written as one row per village; tests/integration/test_reporting_figures.py holds each
# drill-down against its figure.
STATE = """
v AS (SELECT code, name, parent_code, coalesce(kind, '行政村') AS kind FROM divisions
      WHERE level = 'village' AND code BETWEEN :lo AND :hi),
camp AS (SELECT area_prefix, organization_kinds FROM rm_campaign WHERE opened_on <= :d),
des AS (SELECT DISTINCT ON (village_code) village_code, category, criteria, designated_on, seq FROM rm_designation
        WHERE village_code BETWEEN :lo AND :hi AND designated_on <= :d
        ORDER BY village_code, designated_on DESC, seq DESC),
rem AS (SELECT DISTINCT ON (village_code) village_code, removed_on, seq FROM rm_removal
        WHERE village_code BETWEEN :lo AND :hi AND removed_on <= :d ORDER BY village_code, removed_on DESC, seq DESC),
cas AS (SELECT DISTINCT ON (village_code) village_code, case_id FROM rm_case
        WHERE village_code BETWEEN :lo AND :hi AND opened_on <= :d ORDER BY village_code, opened_on DESC, seq DESC),
pha AS (SELECT DISTINCT ON (p.case_id) p.case_id, p.phase FROM rm_case_phase p JOIN cas USING (case_id)
        WHERE p.village_code BETWEEN :lo AND :hi AND p.changed_on <= :d
        ORDER BY p.case_id, p.changed_on DESC, p.seq DESC),
led AS (SELECT DISTINCT case_id FROM rm_contact_leader WHERE village_code BETWEEN :lo AND :hi AND assigned_on <= :d),
prog AS (""" + MEASURE_STATUS + """),
ovd AS (SELECT ms.village_code, count(*) AS n FROM rm_measure ms LEFT JOIN prog USING (measure_id)
        WHERE ms.village_code BETWEEN :lo AND :hi AND ms.planned_on <= :d AND ms.deadline < :d
          AND prog.status IS DISTINCT FROM 'completed' GROUP BY ms.village_code),
vis AS (SELECT case_id, count(*) AS n FROM rm_visit
        WHERE village_code BETWEEN :lo AND :hi AND visited_on BETWEEN :ms AND :d
          AND coalesce(counts_toward_minimum, talked_with_all AND problems_pushed >= :ppv)
        GROUP BY case_id),
acc AS (SELECT village_code,
               count(*) FILTER (WHERE outcome = 'passed') AS passed,
               count(*) FILTER (WHERE outcome = 'failed') AS failed,
               count(*) FILTER (WHERE outcome = 'delisted') AS delisted,
               count(*) FILTER (WHERE outcome = 'relapsed') AS relapsed,
               max(on_date) FILTER (WHERE outcome = 'delisted') AS last_delisted,
               max(on_date) FILTER (WHERE outcome = 'relapsed') AS last_relapsed
        FROM rm_acceptance WHERE village_code BETWEEN :lo AND :hi AND on_date <= :d GROUP BY village_code),
scr AS (SELECT DISTINCT village_code FROM rm_assessment WHERE village_code BETWEEN :lo AND :hi AND assessed_on <= :d),
base AS (
  SELECT v.code, v.name, v.parent_code, v.kind,
         EXISTS (SELECT 1 FROM camp WHERE v.code LIKE camp.area_prefix || '%'
                 AND (v.kind = ANY(coalesce(camp.organization_kinds, ARRAY['行政村', '社区']::varchar[])))) AS in_campaign,
         scr.village_code IS NOT NULL AS screened,
         CASE WHEN des.village_code IS NOT NULL
               AND (rem.village_code IS NULL OR (rem.removed_on, rem.seq) < (des.designated_on, des.seq))
              THEN des.category END AS listed_category,
         des.criteria, des.designated_on,
         des.village_code IS NOT NULL AS designated,
         pha.phase AS case_phase,
         coalesce(ovd.n, 0) AS overdue,
         (led.case_id IS NOT NULL AND pha.phase IN :active) AS visits_due,
         coalesce(vis.n, 0) AS qualifying_visits,
         coalesce(acc.passed, 0) AS passed, coalesce(acc.failed, 0) AS failed,
         coalesce(acc.delisted, 0) AS delisted, coalesce(acc.relapsed, 0) AS relapsed,
         acc.last_delisted, acc.last_relapsed
  FROM v
  LEFT JOIN scr ON scr.village_code = v.code
  LEFT JOIN des ON des.village_code = v.code
  LEFT JOIN rem ON rem.village_code = v.code
  LEFT JOIN cas ON cas.village_code = v.code
  LEFT JOIN pha ON pha.case_id = cas.case_id
  LEFT JOIN led ON led.case_id = cas.case_id
  LEFT JOIN vis ON vis.case_id = cas.case_id
  LEFT JOIN ovd ON ovd.village_code = v.code
  LEFT JOIN acc ON acc.village_code = v.code
),
state AS (
  SELECT base.*,
         visits_due AND qualifying_visits >= :vpm AS visits_compliant,
         (delisted > 0 AND listed_category IS NULL
          AND (last_relapsed IS NULL OR last_relapsed < last_delisted)) AS transformed
  FROM base
)
"""
STATE_ON_A_DATE = "WITH " + STATE
VILLAGE_FILTERS = {
    Figure.IN_CAMPAIGN: "in_campaign",
    Figure.SCREENED: "screened",
    Figure.LISTED: "listed_category IS NOT NULL",
    Figure.CASES: "case_phase IS NOT NULL",
    Figure.OVERDUE: "overdue > 0",
    Figure.VISITS_DUE: "visits_due",
    Figure.VISITS_COMPLIANT: "visits_compliant",
    Figure.VISITS_NONCOMPLIANT: "visits_due AND NOT visits_compliant",
    Figure.DESIGNATED: "designated",
    Figure.TRANSFORMED: "transformed",
}
EVENT_FIGURES = {Figure.ACCEPTED: "passed", Figure.FAILED: "failed", Figure.DELISTED: "delisted",
                 Figure.RELAPSED: "relapsed"}


def group_digits(code: str, *, children: bool) -> int:
    """Digits of the code's own level, or of the level below (its children)."""
    levels = list(SIGNIFICANT_DIGITS)
    index = levels.index(level_of(code)) + (1 if children else 0)
    return SIGNIFICANT_DIGITS[levels[min(index, len(levels) - 1)]]


async def policy_for(session: AsyncSession, code: str, day: date) -> Policy:
    """The policy in force on ``day`` of the campaign covering ``code`` (seed defaults without one)."""
    return (await policies_for(session, code, [day]))[0]


async def policies_for(session: AsyncSession, code: str, days: list[date]) -> list[Policy]:
    """``policy_for`` each of ``days``, in one round trip (a series' 13 dates); each version parsed once per process."""
    rows = (await session.execute(text(
        "SELECT p.campaign_id, p.version, p.policy FROM unnest(CAST(:days AS date[])) "
        "WITH ORDINALITY AS x(d, n) LEFT JOIN LATERAL (SELECT p.campaign_id, p.version, p.policy FROM rm_policy p "
        "JOIN rm_campaign c USING (campaign_id) "
        "WHERE (:code LIKE c.area_prefix || '%' OR c.area_code BETWEEN :lo AND :hi) AND p.effective_on <= x.d "
        "ORDER BY p.effective_on DESC, p.version DESC LIMIT 1) p ON true ORDER BY x.n"),
        within_params(code) | {"code": code, "days": days})).all()
    return [parsed_policy(campaign, version, stored) if campaign is not None else Policy()
            for campaign, version, stored in rows]


def _params(code: str, day: date, policy: Policy) -> dict[str, Any]:
    return within_params(code) | {"d": day, "ms": month_start(day), "active": ACTIVE_PHASES,
                                  "vpm": policy.contact_leader_visits_per_month,
                                  "ppv": policy.problems_pushed_per_visit}


def _bind(sql: str):
    from sqlalchemy import bindparam

    return text(sql).bindparams(bindparam("active", expanding=True))


# How the figures' statements are planned, for the rest of the read's transaction (SET LOCAL): with their own
# values. They are prepared once per connection (asyncpg), and after five runs PostgreSQL may switch to a generic
# plan made without the values; the one it made for "any division, any date" chose nested loops that made a
# province's aggregate 10-30× slower. (JIT compilation is off on every connection: zhengdun.db.make_engine.)
PLANNING = "set_config('plan_cache_mode', 'force_custom_plan', true)"


async def plan_for_figures(session: AsyncSession) -> None:
    await session.execute(text(f"SELECT {PLANNING}"))


# Aggregates already computed, under the read model's version (reporting.versions): while nothing is projected,
# every figure of a division and date after the first is a dictionary look-up instead of the whole state query.
# Handed out as copies: callers change theirs.
AGGREGATES: ByVersion[list[dict[str, Any]]] = ByVersion(kept=2000)


async def aggregate(session: AsyncSession, code: str, day: date, *, children: bool = False,
                    digits: int | None = None) -> list[dict[str, Any]]:
    """Raw counts per group: the division itself, each child, or each unit of ``digits`` significant digits."""
    g = digits or group_digits(code, children=children)
    # The same round trip sets how the transaction plans the figures (PLANNING).
    version, key = await snapshot_version(session, also=PLANNING), (code, day, g)
    if (cached := AGGREGATES.get(version, key)) is not None:
        return _copies(cached)
    COMPUTED.labels("aggregate").inc()
    policy = await policy_for(session, code, day)
    rows = (await aggregates_on(session, code, [day], [policy], g))[day]
    result = [dict(r) | {"code": r["grp"].ljust(12, "0"), "policy": policy} for r in rows]
    AGGREGATES.put(version, key, _copies(result))
    return result


def _copies(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [dict(r) for r in rows]


def present(raw: dict[str, Any], criteria_labels: dict[str, str]) -> dict[str, Any]:
    """Counts with their shares and rates, as the API and the documents show them.

    Every share sits beside the counts it is made of (``villages`` of ``out_of``, or two counts of
    the same figures), so a document prints it from the counts, rounded once (domain ``percent``).
    Criterion shares are of the listed weak-and-lax villages (seed 003); lagging ones are counted apart.
    """
    listed, weak_and_lax = raw["listed"], raw["listed_weak_and_lax"]
    by_criterion = [
        {"criterion": c, "label": criteria_labels.get(c, c), "villages": n, "out_of": weak_and_lax,
         "share": api_share(n, weak_and_lax)}
        for c, n in sorted(raw["by_criterion"].items(), key=lambda kv: (-kv[1], kv[0]))]
    return {
        "villages_in_campaign": raw["in_campaign"],
        "villages_screened": raw["screened"],
        "screened_share": api_share(raw["screened"], raw["in_campaign"]),
        "listed": listed,
        "listed_share": api_share(listed, raw["in_campaign"]),
        "listed_by_category": {
            category: {"villages": raw[f"listed_{category}"], "out_of": listed,
                       "share": api_share(raw[f"listed_{category}"], listed)}
            for category in ("weak_and_lax", "lagging")},
        "listed_by_criterion": by_criterion,
        "cases_by_phase": dict(sorted(raw["by_phase"].items())),
        # Seed 003 篇三 counts villages, communities, enterprises and social organizations apart.
        "by_kind": {kind: {"in_campaign": n["in_campaign"], "screened": n["screened"], "listed": n["listed"]}
                    for kind, n in sorted(raw["by_kind"].items(), key=lambda kv: KIND_ORDER.get(kv[0], 9))},
        "measures_overdue": raw["measures_overdue"],
        "villages_with_overdue_measures": raw["villages_overdue"],
        "visits_due": raw["visits_due"],
        "visits_compliant": raw["visits_compliant"],
        "visit_compliance": api_share(raw["visits_compliant"], raw["visits_due"]),
        "alerts_open": raw["alerts_open"],
        "acceptances_passed": raw["accepted"],
        "acceptances_failed": raw["failed"],
        "delisted": raw["delisted"],
        "relapsed": raw["relapsed"],
        "designated": raw["designated"],
        "transformed": raw["transformed"],
        "transformation_rate": api_share(raw["transformed"], raw["designated"]),
    }


EMPTY = {"in_campaign": 0, "screened": 0, "listed": 0, "listed_weak_and_lax": 0, "listed_lagging": 0,
         "measures_overdue": 0, "villages_overdue": 0, "visits_due": 0, "visits_compliant": 0, "accepted": 0,
         "failed": 0, "delisted": 0, "relapsed": 0, "designated": 0, "transformed": 0, "by_criterion": {},
         "by_phase": {}, "by_kind": {}, "alerts_open": 0}
KIND_ORDER = {"行政村": 0, "社区": 1, "非公企业": 2, "社会组织": 3}


async def criteria_labels(session: AsyncSession) -> dict[str, str]:
    labels: dict[str, str] = {}
    for (criteria,) in (await session.execute(text("SELECT criteria FROM rm_campaign ORDER BY opened_on"))).all():
        labels.update({c["code"]: c["label"] for c in criteria})
    return labels


async def figures_for(session: AsyncSession, code: str, day: date) -> dict[str, Any]:
    rows = await aggregate(session, code, day)
    raw = rows[0] if rows else EMPTY
    return present({k: raw.get(k, v) for k, v in EMPTY.items()}, await criteria_labels(session))


async def figures_on(session: AsyncSession, code: str, days: list[date]) -> dict[date, dict[str, Any]]:
    """``figures_for`` each of ``days``, in one statement."""
    rows, labels = await aggregates_over(session, code, days), await criteria_labels(session)
    return {day: present({k: (rows[day][0] if rows[day] else EMPTY).get(k, v) for k, v in EMPTY.items()}, labels)
            for day in days}


async def figures_of_children(session: AsyncSession, code: str, day: date, *, offset: int, limit: int
                              ) -> tuple[int, list[dict[str, Any]]]:
    """Each child division's figures (children known to the registry, in code order), paginated."""
    if level_of(code) is Level.VILLAGE:
        return 0, []
    total, children = await _children(session, code, offset, limit)
    return total, _children_figures(children, await aggregate(session, code, day, children=True),
                                    await criteria_labels(session))


async def children_figures_on(session: AsyncSession, code: str, days: list[date]) -> dict[date, list[dict[str, Any]]]:
    """All children's figures (as ``figures_of_children``) on each of ``days``, in one statement."""
    if level_of(code) is Level.VILLAGE:
        return {day: [] for day in days}
    _, children = await _children(session, code, 0, None)
    rows, labels = await aggregates_over(session, code, days, children=True), await criteria_labels(session)
    return {day: _children_figures(children, rows[day], labels) for day in days}


async def _children(session: AsyncSession, code: str, offset: int, limit: int | None) -> tuple[int, list]:
    total = (await session.execute(text("SELECT count(*) FROM divisions WHERE parent_code = :c"), {"c": code})).scalar_one()
    children = (await session.execute(text(
        "SELECT code, name FROM divisions WHERE parent_code = :c ORDER BY code OFFSET :o LIMIT :l"),
        {"c": code, "o": offset, "l": limit})).all()
    return total, children


def _children_figures(children: list, rows: list[dict[str, Any]], labels: dict[str, str]) -> list[dict[str, Any]]:
    by_code = {r["code"]: r for r in rows}
    items = []
    for child_code, name in children:
        raw = by_code.get(child_code, EMPTY)
        items.append({"code": child_code, "name": name,
                      "figures": present({k: raw.get(k, v) for k, v in EMPTY.items()}, labels)})
    return items


# ---- drill-down ------------------------------------------------------------------------------

async def villages_behind(session: AsyncSession, code: str, day: date, figure: Figure, *, category: str | None = None,
                          criterion: str | None = None, phase: str | None = None, offset: int = 0, limit: int = 50
                          ) -> tuple[int, list[dict[str, Any]]]:
    """The villages (or, for event counts, the events; for alerts, the alerts) behind a figure."""
    policy = await policy_for(session, code, day)
    await plan_for_figures(session)
    params = _params(code, day, policy) | {"o": offset, "l": limit}
    if figure is Figure.ALERTS_OPEN:
        joins = "rm_alert a LEFT JOIN rm_alert_resolution r USING (alert_id)"
        where = "a.unit_code BETWEEN :lo AND :hi AND a.raised_on <= :d AND (r.resolved_on IS NULL OR r.resolved_on > :d)"
        total = (await session.execute(text(f"SELECT count(*) FROM {joins} WHERE {where}"), params)).scalar_one()
        rows = (await session.execute(text(
            f"SELECT a.unit_code AS code, d.name, a.rule, a.severity, a.raised_on FROM {joins} "
            f"LEFT JOIN divisions d ON d.code = a.unit_code WHERE {where} "
            f"ORDER BY a.unit_code, a.raised_on, a.alert_id OFFSET :o LIMIT :l"), params)).mappings().all()
        return total, [dict(r) for r in rows]
    if figure in EVENT_FIGURES:
        params["outcome"] = EVENT_FIGURES[figure]
        where = "a.village_code BETWEEN :lo AND :hi AND a.on_date <= :d AND a.outcome = :outcome"
        total = (await session.execute(text(f"SELECT count(*) FROM rm_acceptance a WHERE {where}"), params)).scalar_one()
        rows = (await session.execute(text(
            f"SELECT a.village_code AS code, d.name, t.name AS township, a.step, a.on_date FROM rm_acceptance a "
            f"LEFT JOIN divisions d ON d.code = a.village_code LEFT JOIN divisions t ON t.code = d.parent_code "
            f"WHERE {where} ORDER BY a.village_code, a.on_date, a.seq OFFSET :o LIMIT :l"), params)).mappings().all()
        return total, [dict(r) for r in rows]
    conditions = [VILLAGE_FILTERS[figure]]
    if category:
        conditions.append("listed_category = :category")
        params["category"] = category
    if criterion:
        conditions.append("listed_category = 'weak_and_lax' AND :criterion = ANY(criteria)")  # as the criterion figures
        params["criterion"] = criterion
    if phase:
        conditions.append("case_phase = :phase")
        params["phase"] = phase
    where = " AND ".join(f"({c})" for c in conditions)
    paged = None
    if figure in DIRECT_FILTERS and len(conditions) == 1:
        total, paged = await _direct_page(session, figure, params)
        if not paged:
            return total, []
        # The states of the page's villages only: the range of its codes, not the division's.
        params |= {"lo": paged[0], "hi": paged[-1], "page": paged, "o": 0}
        where = "code = ANY(:page)"
    sql = (STATE_ON_A_DATE + f", hits AS (SELECT * FROM state WHERE {where}) "
           "SELECT (SELECT count(*) FROM hits) AS total, h.code, h.name, t.name AS township, h.listed_category, "
           "h.criteria, h.designated_on, h.case_phase, h.overdue, h.qualifying_visits, h.visits_due "
           "FROM hits h LEFT JOIN divisions t ON t.code = h.parent_code ORDER BY h.code OFFSET :o LIMIT :l")
    rows = (await session.execute(_bind(sql), params)).mappings().all()
    if not rows:
        count_sql = STATE_ON_A_DATE + f" SELECT count(*) FROM state WHERE {where}"
        return (await session.execute(_bind(count_sql), params)).scalar_one(), []
    items = []
    for r in rows:
        item = {k: r[k] for k in ("code", "name", "township", "listed_category", "designated_on", "case_phase")}
        item["criteria"] = list(r["criteria"] or []) if r["listed_category"] else []
        item["measures_overdue"] = r["overdue"]
        item["qualifying_visits_this_month"] = r["qualifying_visits"] if r["visits_due"] else None
        items.append(item)
    return (total if paged else rows[0]["total"]), items


# Figures whose villages are found without their whole state (each as STATE says, on its own facts): the page is
# picked first, and only its villages' states are worked out, instead of every village's of the division (a
# province's screened villages, 500 a page: the state of 50,000 villages per page).
DIRECT_FILTERS = {
    Figure.IN_CAMPAIGN: """EXISTS (SELECT 1 FROM rm_campaign c WHERE c.opened_on <= :d AND v.code LIKE c.area_prefix || '%'
                            AND v.kind = ANY(coalesce(c.organization_kinds, ARRAY['行政村', '社区']::varchar[])))""",
    Figure.SCREENED: "EXISTS (SELECT 1 FROM rm_assessment x WHERE x.village_code = v.code AND x.assessed_on <= :d)",
    Figure.DESIGNATED: "EXISTS (SELECT 1 FROM rm_designation x WHERE x.village_code = v.code AND x.designated_on <= :d)",
}


async def _direct_page(session: AsyncSession, figure: Figure, params: dict[str, Any]) -> tuple[int, list[str]]:
    """The number of villages behind ``figure`` and the codes of the page asked for, in code order."""
    hits = (f"SELECT code FROM (SELECT code, coalesce(kind, '行政村') AS kind FROM divisions "
            f"WHERE level = 'village' AND code BETWEEN :lo AND :hi) v WHERE {DIRECT_FILTERS[figure]}")
    rows = (await session.execute(text(
        f"WITH hits AS ({hits}) SELECT (SELECT count(*) FROM hits) AS total, code FROM hits "
        f"ORDER BY code OFFSET :o LIMIT :l"), params)).all()
    if not rows:
        return (await session.execute(text(f"SELECT count(*) FROM ({hits}) h"), params)).scalar_one(), []
    return rows[0][0], [code for _, code in rows]


FLOWS = {"acceptances_passed", "acceptances_failed", "delisted", "relapsed"}


async def monthly_series(session: AsyncSession, code: str, first: date, last: date) -> list[dict[str, Any]]:
    """Month by month from ``first``'s month to ``last``'s: the figures at each month's end (or at
    ``last`` for its own month), and the acceptance outcomes within the month: all dates in one statement."""
    from reporting.domain.figures import months_between, series_dates

    months = months_between(first, last)
    day_before, ends = series_dates(first, last)
    rows = await aggregates_over(session, code, [day_before, *ends])
    labels = await criteria_labels(session)

    def figures_on(day: date) -> dict[str, Any]:
        raw = rows[day][0] if rows[day] else EMPTY
        return present({k: raw.get(k, v) for k, v in EMPTY.items()}, labels)
    series = []
    previous = figures_on(day_before)
    for (year, month), as_of in zip(months, ends):
        figures = figures_on(as_of)
        in_month = {k: figures[k] - previous[k] for k in FLOWS}
        series.append({"month": f"{year}-{month:02d}", "as_of": as_of, "figures": figures, "in_month": in_month})
        previous = figures
    return series


async def aggregates_over(session: AsyncSession, code: str, days: list[date], *, children: bool = False
                          ) -> dict[date, list[dict[str, Any]]]:
    """``aggregate(session, code, day, children=children)`` for each of ``days``: those not in the cache of the version
    in one statement (reporting.series), each then kept in the cache as ``aggregate`` would keep it."""
    g = group_digits(code, children=children)
    version = await snapshot_version(session, also=PLANNING)
    found = {day: AGGREGATES.get(version, (code, day, g)) for day in days}
    found = {day: None if rows is None else _copies(rows) for day, rows in found.items()}
    missing = sorted({day for day, rows in found.items() if rows is None})
    if missing:
        COMPUTED.labels("series").inc()
        policies = await policies_for(session, code, missing)
        computed = await aggregates_on(session, code, missing, policies, g)
        for day, policy in zip(missing, policies):
            found[day] = [dict(r) | {"code": r["grp"].ljust(12, "0"), "policy": policy} for r in computed[day]]
            AGGREGATES.put(version, (code, day, g), _copies(found[day]))
    return found


async def campaign_start(session: AsyncSession, code: str) -> date | None:
    """When the earliest campaign covering (or inside) ``code`` opened."""
    return (await session.execute(text(
        "SELECT min(opened_on) FROM rm_campaign WHERE :code LIKE area_prefix || '%' OR area_code BETWEEN :lo AND :hi"),
        within_params(code) | {"code": code})).scalar_one_or_none()


async def summary_terms(session: AsyncSession, code: str, day: date) -> tuple[int, int]:
    """The summary interval (``ledger_summary_interval_months`` of the policy in force on ``day``) and the year
    the campaign covering ``code`` opened (periods count from its January; without one, ``day``'s year)."""
    started = await campaign_start(session, code)
    return (await policy_for(session, code, day)).ledger_summary_interval_months, (started or day).year
