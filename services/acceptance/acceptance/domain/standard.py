"""The city's acceptance standard (验收标准) and the village self-check scored against it (domain.md §6)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from zhengdun.refusals import RuleViolation

# The four headings of the standard, in the seeds' order.
HEADINGS = {
    "team": "班子坚强有力",
    "institutions": "制度运行规范",
    "social_management": "社会管理有序",
    "satisfaction": "党员群众满意",
}


@dataclass(frozen=True)
class StandardItem:
    code: str
    heading: str        # a key of HEADINGS
    title: str
    max_score: Decimal


@dataclass(frozen=True)
class Standard:
    items: tuple[StandardItem, ...]
    pass_mark: Decimal
    version: int = 1    # the city may revise its standard; each revision is a new version, the old ones kept

    @property
    def total(self) -> Decimal:
        return sum((i.max_score for i in self.items), Decimal(0))


def make_standard(items: list[dict], pass_mark: Decimal) -> Standard:
    parsed = []
    for raw in items:
        item = StandardItem(code=str(raw["code"]), heading=str(raw["heading"]), title=str(raw["title"]),
                            max_score=Decimal(str(raw["max_score"])))
        if item.heading not in HEADINGS:
            raise RuleViolation("unknown-heading", f"验收标准的类别须为{list(HEADINGS.values())}之一：{item.heading}",
                                f"heading must be one of {list(HEADINGS)}", heading=item.heading)
        if item.max_score <= 0:
            raise RuleViolation("item-score", f"标准项 {item.code} 的分值须大于0", "max_score must be positive",
                                item=item.code)
        parsed.append(item)
    codes = [i.code for i in parsed]
    if len(set(codes)) != len(codes):
        raise RuleViolation("duplicate-item", "标准项编号重复", "item codes must be distinct")
    missing = set(HEADINGS) - {i.heading for i in parsed}
    if missing:
        raise RuleViolation("heading-missing", f"验收标准须涵盖四个方面，缺少：{[HEADINGS[h] for h in sorted(missing)]}",
                            "the standard must cover all four headings", missing=sorted(missing))
    standard = Standard(tuple(parsed), Decimal(str(pass_mark)))
    if not 0 < standard.pass_mark <= standard.total:
        raise RuleViolation("pass-mark", f"合格分须大于0且不超过总分 {standard.total}",
                            f"pass mark must be in (0, {standard.total}]", total=str(standard.total))
    return standard


def revise_standard(current: Standard | None, items: list[dict], pass_mark: Decimal) -> Standard:
    """The city sets its standard again: a new version (the first is 1). Self-checks scored against an
    earlier version keep their score and version; the same items and pass mark again are no revision."""
    standard = make_standard(items, pass_mark)
    if current is None:
        return standard
    if (standard.items, standard.pass_mark) == (current.items, current.pass_mark):
        return current
    return replace(standard, version=current.version + 1)


def score_self_check(standard: Standard, scores: dict[str, Decimal]) -> Decimal:
    """Total of a self-check that scores every item within its maximum; below the pass mark is refused."""
    known = {i.code: i for i in standard.items}
    unknown = sorted(set(scores) - set(known))
    missing = sorted(set(known) - set(scores))
    if unknown or missing:
        raise RuleViolation("self-check-items", f"自查须逐项打分：缺少 {missing}，多余 {unknown}",
                            "score every item of the standard, and only those", missing=missing, unknown=unknown)
    for code, score in scores.items():
        if not 0 <= Decimal(score) <= known[code].max_score:
            raise RuleViolation("self-check-score", f"{code} 得分须在0到{known[code].max_score}之间",
                                f"score of {code} must be within 0..{known[code].max_score}", item=code)
    total = sum((Decimal(s) for s in scores.values()), Decimal(0))
    if total < standard.pass_mark:
        raise RuleViolation("self-check-below-pass-mark",
                            f"自查得分 {total} 低于合格分 {standard.pass_mark}，不能申请验收，请继续整改",
                            "self-check below the pass mark: keep rectifying", total=str(total),
                            pass_mark=str(standard.pass_mark))
    return total
