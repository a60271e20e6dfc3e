"""Shapes of the answers that several use cases give (the response models are in screening.responses)."""
from __future__ import annotations

from screening.domain.campaign import Campaign
from screening.domain.shares import four_places
from zhengdun.divisions import level_of
from zhengdun.events import screening as ev
from zhengdun.roles import Level


def campaign_view(c: Campaign) -> dict:
    return {"campaign_id": c.campaign_id, "name": c.name, "area_code": c.area_code, "opened_on": c.opened_on,
            "level": c.level.value, "level_label": c.level.label,
            "organization_kinds": list(c.organization_kinds) if c.organization_kinds is not None else None,
            "phases": [p.model_dump(mode="json") for p in c.phases],
            "criteria": [k.model_dump(mode="json") for k in c.criteria], "lagging_rule": c.lagging_rule, "lagging_rule_text": c.lagging_rule_text,
            "criteria_version": c.criteria_version,
            "carries_over_from": c.carries_over_from,
            "policy_version": c.policy_version, "policy": c.policy.model_dump(mode="json"),
            "policy_history": [{"version": p.version, "effective_on": p.effective_on, "reason": p.reason} for p in c.policies]}


def share_view(share) -> dict:
    return {"division_code": share.division_code, "listed": share.listed,
            "administrative_villages": share.administrative_villages, "minimum_share": str(share.minimum_share),
            "required": share.required, "share": four_places(share.share), "meets_minimum": share.meets_minimum,
            "lagging": share.lagging, "lagging_share": four_places(share.lagging_share),
            "lagging_reference_share": str(share.lagging_reference_share)}


def lagging_rule_view(campaign: Campaign, rule: ev.LaggingRule | None, source: str | None) -> dict:
    return {"rule": rule.model_dump(mode="json") if rule else None,
            "rule_text": rule.describe() if rule else campaign.lagging_rule_text,
            "set_by_code": source, "source_label": "整顿工作统一规则" if source is None
            else ("乡镇确定" if level_of(source) is Level.TOWNSHIP else "县确定")}


def lagging_codes(targets) -> list[str]:
    return [code for code, target in targets.items() if target.category is ev.ListCategory.LAGGING]
