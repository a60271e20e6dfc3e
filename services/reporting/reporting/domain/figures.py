"""What each figure means, and the small rules the figures are computed with (plain Python).

The aggregation itself runs in SQL (reporting.figures) over the dated facts of the read model;
the rules it relies on are stated and tested here, once:

- a fact counts for date D when it happened on or before D;
- the state of a thing on D is its latest fact on or before D (ties: arrival order);
- a measure is overdue on D when its deadline is before D and it is not completed on D
  (on the deadline day itself it is not yet overdue);
- a contact-leader visit qualifies when the leader talked with the team, the village cadres
  and key persons, and pushed at least ``problems_pushed_per_visit`` problems; a village is
  compliant in a month when it has at least ``contact_leader_visits_per_month`` qualifying
  visits in that month (for the current month: up to D);
- shares are computed from the counts and rounded once, half-up, where they are shown: to one
  decimal of a percent when printed (``percent``), to 4 places when the API answers (``api_share``);
  rounding a rounded share again can move the printed figure by 0.1 (6/11: 54.5%, not 54.6%);
- criterion shares are of the listed weak-and-lax villages (seed 003: "共排查出38个软弱涣散村党组织
  (其中……6个，占比15.8%"); lagging villages are designated by ranking, not by criterion, and are
  counted on their own. One village may meet several criteria, so the shares may add up to more than 100%;
- a case counts from its designation date: a designation back-dated before the case opened
  (the event arrived later) belongs to the figures from the day it was decided;
- transformation rate (转化率) = villages transformed (delisted, not relapsed since, not listed
  again) / villages ever designated up to D.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction


@dataclass(frozen=True)
class FigureDef:
    key: str
    label: str          # Chinese, as printed
    english: str
    definition: str     # Chinese definition, as printed in the README and documents


class Figure(StrEnum):
    """Figures that open to a list of villages (drill-down)."""

    IN_CAMPAIGN = "in_campaign"
    SCREENED = "screened"
    LISTED = "listed"
    CASES = "cases"
    OVERDUE = "overdue"
    VISITS_DUE = "visits_due"
    VISITS_COMPLIANT = "visits_compliant"
    VISITS_NONCOMPLIANT = "visits_noncompliant"
    ALERTS_OPEN = "alerts_open"
    ACCEPTED = "accepted"
    FAILED = "failed"
    DELISTED = "delisted"
    RELAPSED = "relapsed"
    DESIGNATED = "designated"
    TRANSFORMED = "transformed"


FIGURES: dict[Figure, FigureDef] = {f.key: f for f in [
    FigureDef("in_campaign", "纳入整顿工作的行政村", "villages in the campaign",
              "统计日已启动的整顿工作所覆盖区域内、其所列类型的基层党组织数（未列类型的整顿工作：行政村和社区；"
              "非公企业和社会组织只在列明其类型的整顿工作中计入，按类型分列见 by_kind）"),
    FigureDef("screened", "已排查村", "villages screened",
              "统计日及以前已有乡镇逐村排查研判记录的村数"),
    FigureDef("listed", "在册整顿对象", "villages listed",
              "统计日在整顿名单上的村数（已认定、尚未移出），按软弱涣散、后进分类"),
    FigureDef("cases", "整顿台账", "cases by phase",
              "各村最近一次立案的整顿台账在统计日所处阶段"),
    FigureDef("overdue", "整改措施逾期", "measures overdue",
              "整改时限早于统计日且统计日仍未完成的整改措施数（及涉及村数）"),
    FigureDef("visits_due", "应到村指导的联系分包村", "villages due contact-leader visits",
              "统计日已明确联系分包县级领导、台账未通过验收的村数"),
    FigureDef("visits_compliant", "联系领导到村达标", "visit-compliant villages",
              "当月（截至统计日）联系领导合格到村次数不少于规定次数的村；合格到村指与工作队员、村干部、"
              "重点对象谈话并推动解决至少规定数量的问题"),
    FigureDef("visits_noncompliant", "联系领导到村未达标", "visit-noncompliant villages",
              "应到村指导但当月合格到村次数不足的村"),
    FigureDef("alerts_open", "未销号预警", "alerts open",
              "统计日已触发、尚未解除的督导预警（按村，或按责任单位）"),
    FigureDef("accepted", "验收通过", "acceptances passed",
              "统计日及以前县级验收通过的次数（每次通过计一次）"),
    FigureDef("failed", "验收未通过", "acceptances failed",
              "统计日及以前乡镇初验、县级验收、满意度测评或抽查未通过的次数"),
    FigureDef("delisted", "已销号", "delisted", "统计日及以前公示期满销号的次数"),
    FigureDef("relapsed", "后评估反弹", "relapsed", "统计日及以前后评估认定反弹的次数"),
    FigureDef("designated", "累计认定整顿对象", "villages ever designated",
              "统计日及以前曾被认定为整顿对象的村数"),
    FigureDef("transformed", "已转化", "villages transformed",
              "已销号、其后未反弹且未再次列入名单的村数；转化率 = 已转化村数 ÷ 累计认定村数"),
]}

CATEGORY_LABELS = {"weak_and_lax": "软弱涣散", "lagging": "后进"}
PHASE_LABELS = {"concentrated": "集中整顿", "continued": "持续整顿", "ready_for_acceptance": "待验收",
                "accepted": "已通过验收", "delisted": "已销号"}
ACTIVE_PHASES = ("concentrated", "continued", "ready_for_acceptance")   # contact leader stays (不转化不脱钩)


def share(part: int, whole: int) -> Fraction | None:
    """part / whole, exact (never rounded here); None when whole is 0."""
    if whole == 0:
        return None
    return Fraction(part, whole)


def round_half_up(value: Fraction, places: int) -> Decimal:
    """The one rounding of a share: ``value`` to ``places`` decimals, halves away from zero (shares are ≥ 0)."""
    scaled = value * 10 ** places
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    return Decimal(whole).scaleb(-places)


def api_share(part: int, whole: int) -> Decimal | None:
    """The share as the API answers it: a fraction rounded once to 4 places (6/38 → 0.1579); None when whole is 0."""
    value = share(part, whole)
    return None if value is None else round_half_up(value, 4)


def percent(part: int, whole: int, places: int = 1) -> str:
    """As printed in circulars: part / whole as a percent rounded once, half-up, to ``places`` decimals
    (6 of 38 → 15.8%); a dash when the whole is 0."""
    value = share(part, whole)
    if value is None:
        return "—"
    return f"{round_half_up(value * 100, places)}%"


def case_counted_from(designated_on: date, opened_on: date) -> date:
    """The day a case enters the figures: its designation date, even when the designation reached
    casework later (a back-dated decision opens its case on arrival), so it is counted with the listing."""
    return min(designated_on, opened_on)


def visit_qualifies(talked_with_all: bool, problems_pushed: int, problems_required: int,
                    counts_toward_minimum: bool | None = None) -> bool:
    """Casework's 三必须 verdict when the visit carries it (copied, not recomputed); else judged from the visit."""
    if counts_toward_minimum is not None:
        return counts_toward_minimum
    return talked_with_all and problems_pushed >= problems_required


def month_compliant(qualifying_visits: int, visits_required: int) -> bool:
    return qualifying_visits >= visits_required


def is_overdue(deadline: date, completed_on_day: bool, day: date) -> bool:
    return not completed_on_day and deadline < day


def latest(facts: list[tuple[date, int, str]], day: date) -> str | None:
    """The state on ``day``: the value of the latest (date, arrival) fact on or before it."""
    known = [f for f in facts if f[0] <= day]
    return max(known)[2] if known else None


# ---- periods ---------------------------------------------------------------------------------

def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def months_between(first: date, last: date) -> list[tuple[int, int]]:
    """(year, month) from the month of ``first`` to the month of ``last``, inclusive."""
    months, (year, month) = [], (first.year, first.month)
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def series_dates(first: date, last: date) -> tuple[date, list[date]]:
    """The dates a monthly series reads its figures on: the day before ``first``'s month (what the first month's
    flows are counted from), and each month's end, the last month's at ``last`` (2020-11-10 … 2021-01-20 →
    2020-10-31; 2020-11-30, 2020-12-31, 2021-01-20)."""
    from datetime import timedelta

    ends = [min(month_end(year, month), last) for year, month in months_between(first, last)]
    return first.replace(day=1) - timedelta(days=1), ends


def parse_month(text: str) -> tuple[int, int]:
    """'2020-11' → (2020, 11); raises ValueError on anything else."""
    year, month = text.split("-")
    if len(year) != 4 or not 1 <= int(month) <= 12:
        raise ValueError(text)
    return int(year), int(month)


def parse_quarter(text: str) -> tuple[int, int]:
    """'2020Q4' → (2020, 4)."""
    year, quarter = text.upper().split("Q")
    if len(year) != 4 or not 1 <= int(quarter) <= 4:
        raise ValueError(text)
    return int(year), int(quarter)


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    first_month = 3 * (quarter - 1) + 1
    return date(year, first_month, 1), month_end(year, first_month + 2)


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}年第{'一二三四'[quarter - 1]}季度"


def summary_period(interval_months: int, anchor_year: int, year: int, month: int) -> tuple[date, date]:
    """The summary period (汇总通报期间) holding ``year``-``month``: periods of ``interval_months`` months
    (policy ``ledger_summary_interval_months``) counted from January of the year the campaign opened, so
    3 gives the calendar quarters, 6 the half-years, 12 the years; an interval that does not divide a year
    runs on across years (5: Jan–May, Jun–Oct, Nov–Mar, …)."""
    index = (year - anchor_year) * 12 + (month - 1)
    start = index - index % interval_months          # floor, also for a month before the anchor
    first_year, first_month = anchor_year + start // 12, start % 12 + 1
    end = start + interval_months - 1
    return date(first_year, first_month, 1), month_end(anchor_year + end // 12, end % 12 + 1)


def period_label(first: date, last: date) -> str:
    """'2020年第四季度' for a calendar quarter, '2020年上半年' / '2020年度' for a half / whole year,
    else the months it spans."""
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    if months == 3 and first.month % 3 == 1:
        return quarter_label(first.year, first.month // 3 + 1)
    if months == 6 and first.month in (1, 7):
        return f"{first.year}年{'上' if first.month == 1 else '下'}半年"
    if months == 12 and first.month == 1:
        return f"{first.year}年度"
    if months == 1:
        return f"{first.year}年{first.month}月"
    return f"{first.year}年{first.month}月至{last.year}年{last.month}月"


# ---- the county ranking after acceptance (排名通报) -------------------------------------------

RANKING_RULE = (
    "排名规则：按转化率（已转化村数÷累计认定村数）由高到低排序；转化率相同的，按验收通过率"
    "（验收通过次数÷验收总次数）由高到低；仍相同的，按未销号预警数由少到多；再相同的，按区划代码排序。"
    "后评估反弹的村不计入已转化。"
)


@dataclass(frozen=True)
class RankingRow:
    code: str
    name: str
    designated: int
    transformed: int
    accepted: int
    failed: int
    alerts_open: int

    @property
    def transformation_rate(self) -> Fraction | None:
        return share(self.transformed, self.designated)

    @property
    def pass_rate(self) -> Fraction | None:
        return share(self.accepted, self.accepted + self.failed)


def rank_counties(rows: list[RankingRow]) -> list[tuple[int, RankingRow]]:
    """Ranks per RANKING_RULE on the exact rates; equal keys share a rank (1, 2, 2, 4)."""
    def key(row: RankingRow):
        undefined = Fraction(-1)   # a county without acceptances ranks after every county with some
        rate, passed = row.transformation_rate, row.pass_rate
        return (-(undefined if rate is None else rate), -(undefined if passed is None else passed), row.alerts_open)

    ordered = sorted(rows, key=lambda r: (key(r), r.code))
    ranked: list[tuple[int, RankingRow]] = []
    for position, row in enumerate(ordered, start=1):
        if ranked and key(ranked[-1][1]) == key(row):
            ranked.append((ranked[-1][0], row))
        else:
            ranked.append((position, row))
    return ranked


# The kinds of organization that are not villages (screening's organization import, seed 003 篇三).
NOT_VILLAGE_KINDS = frozenset({"非公企业", "社会组织"})


def organization_words(kinds) -> tuple[str, str]:
    """How a document names its organizations: (the column header, the word before 党组织 in its title) — 村（社区）
    and 村 while all are villages or communities; once a 非公企业 or 社会组织 is among them, words that fit all."""
    if NOT_VILLAGE_KINDS & set(kinds):
        return "村（社区）、企业和社会组织", "基层"
    return "村（社区）", "村"
