"""Helpers for screening's rule tests: one city, one county, two townships of ten villages."""
from __future__ import annotations

from datetime import date

from zhengdun.events.screening import (
    AssessmentResult,
    CommitteeMeetingRecord,
    CriterionFinding,
    RankingInput,
)

from screening.domain import AssessmentInput, PublicNotice, Village, open_campaign

CITY = "130100000000"
COUNTY = "130102000000"
OTHER_COUNTY = "130103000000"
TOWNSHIP_A = "130102001000"
TOWNSHIP_B = "130102002000"


def village(township: str, n: int) -> str:
    return township[:9] + f"{n:03d}"


def villages_of(township: str, count: int = 10) -> list[Village]:
    return [Village(village(township, n), f"村{n}") for n in range(1, count + 1)]


VILLAGES = villages_of(TOWNSHIP_A) + villages_of(TOWNSHIP_B)


def make_campaign(**options):
    opened, _ = open_campaign("camp-1", "2020年软弱涣散和后进村党组织整顿", CITY, date(2020, 7, 1), **options)
    return opened


def findings(campaign, met: dict[str, str] | None = None, reason: str | None = None):
    met = met or {}
    return tuple(
        CriterionFinding(
            criterion_code=c.code, met=c.code in met, evidence=met.get(c.code, ""),
            reason=reason if c.code in met and c.requires_reason else None,
        )
        for c in campaign.criteria
    )


def entry(campaign, code: str, result=AssessmentResult.NEITHER, met=None, ranking=None, reason=None):
    return AssessmentInput(code, findings(campaign, met, reason), result, ranking)


def weak(campaign, code: str, criterion: str = "secretary_incompetent"):
    return entry(campaign, code, AssessmentResult.WEAK_AND_LAX, {criterion: "书记长期不在村"})


def lagging(campaign, code: str, rank: int = 10):
    return entry(campaign, code, AssessmentResult.LAGGING, ranking=RankingInput(rank=rank, out_of=10, basis="星级评定"))


MEETING = CommitteeMeetingRecord(held_on=date(2020, 8, 1), attendees=("党委书记", "副书记"), minutes="研究确定名单")
NOTICE = PublicNotice(starts_on=date(2020, 8, 3), ends_on=date(2020, 8, 9))
