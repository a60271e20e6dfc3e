"""The public stream: a curated, stripped copy of the public events, and its AsyncAPI contract.

Each internal event registered ``public=True`` that outside platforms may know is mapped to
its public model (zhengdun.events.reporting), field by field — so nothing is forwarded by
accident: no names, phone numbers, user ids, evidence or free-text reasons, and no actor on
the envelope. The copy is written to the outbox in the same inbox transaction as the fact,
so it is published exactly when the fact is recorded. A rebuild of the read model replays
events without republishing them (``republishing`` is switched off).
"""
from __future__ import annotations

import contextvars
from datetime import date
from functools import cache
from typing import Any

from pydantic import BaseModel
from sqlalchemy import text

from zhengdun.events import acceptance as acc
from zhengdun.events import casework as cw
from zhengdun.events import reporting as pub
from zhengdun.events import screening as scr
from zhengdun.events.base import Envelope, all_specs
from zhengdun.messaging import contract
from zhengdun.messaging.outbox import InboxWork
from zhengdun.messaging.topics import Topics
from zhengdun.settings import settings_for

SOURCE = "/zhengdun/reporting/public"
republishing: contextvars.ContextVar[bool] = contextvars.ContextVar("republishing", default=True)


@cache
def public_topic() -> str:
    """The public topic's name, read from the settings once (building them per republished event cost ~0.9 ms)."""
    return Topics(settings_for("reporting").topic_prefix).public


def to_public(payload: BaseModel) -> tuple[BaseModel, str] | None:
    """The public copy of an internal event and its key (division code); None if not public."""
    if isinstance(payload, scr.CountyListConfirmed):
        return pub.PublicCountyListConfirmed(
            campaign_id=payload.campaign_id, county_code=payload.county_code, decision_number=payload.decision_number,
            decided_on=payload.decided_on, weak_and_lax=payload.weak_and_lax, lagging=payload.lagging,
            administrative_villages=payload.administrative_villages), payload.county_code
    if isinstance(payload, scr.TargetDesignated):
        return pub.PublicTargetDesignated(
            campaign_id=payload.campaign_id, village_code=payload.village_code, county_code=payload.county_code,
            category=payload.category.value, criteria_met=payload.criteria_met, basis=payload.basis.value,
            designated_on=payload.designated_on), payload.village_code
    if isinstance(payload, scr.TargetRemoved):
        return pub.PublicTargetRemoved(
            campaign_id=payload.campaign_id, village_code=payload.village_code, county_code=payload.county_code,
            reason=payload.reason.value, removed_on=payload.removed_on), payload.village_code
    village = {"campaign_id": getattr(payload, "campaign_id", ""), "village_code": getattr(payload, "village_code", ""),
               "county_code": getattr(payload, "county_code", "")}
    if isinstance(payload, cw.CasePhaseChanged):
        return pub.PublicCasePhaseChanged(
            **village, phase=payload.phase.value,
            previous_phase=payload.previous_phase.value if payload.previous_phase else None,
            changed_on=payload.changed_on), payload.village_code
    if isinstance(payload, acc.VillageAccepted):
        return pub.PublicAcceptancePassed(**village, accepted_on=payload.accepted_on), payload.village_code
    if isinstance(payload, acc.AcceptanceFailed):
        return pub.PublicAcceptanceFailed(**village, step=payload.step.value, failed_on=payload.failed_on,
                                          revokes_acceptance=payload.revokes_acceptance), payload.village_code
    if isinstance(payload, acc.VillageDelisted):
        return pub.PublicVillageDelisted(**village, delisted_on=payload.delisted_on,
                                         post_evaluation_due=payload.post_evaluation_due), payload.village_code
    if isinstance(payload, acc.PostEvaluated):
        return pub.PublicPostEvaluated(**village, evaluated_on=payload.evaluated_on,
                                       relapsed=payload.relapsed), payload.village_code
    return None


def republish(work: InboxWork, envelope: Envelope, payload: BaseModel) -> None:
    if not republishing.get():
        return
    mapped = to_public(payload)
    if mapped is None:
        return
    public_payload, key = mapped
    publish_public(work, public_payload, key, campaign_id=envelope.campaignid)


def publish_public(work: InboxWork, payload: BaseModel, key: str, campaign_id: str | None = None) -> None:
    work.publish(payload, division_code=key, actor=None, campaign_id=campaign_id, subject=key,
                 topic=public_topic(), source=SOURCE)


async def publish_monthly_figures(work: InboxWork, previous: date, today: date) -> int:
    """For every month that ended between ``previous`` and ``today``: each campaign county's figures."""
    from reporting.domain.figures import month_end, months_between
    from reporting.figures import figures_for

    if (today.year, today.month) <= (previous.year, previous.month):
        return 0
    ended = months_between(previous, today)[:-1]
    session = work.session
    counties = (await session.execute(text(
        "SELECT d.code FROM divisions d WHERE d.level = 'county' AND EXISTS "
        "(SELECT 1 FROM rm_campaign c WHERE d.code LIKE c.area_prefix || '%' AND c.opened_on <= :d) ORDER BY d.code"),
        {"d": today})).scalars().all()
    published = 0
    for year, month in ended[-24:]:  # a clock jump of years publishes the last two years only
        as_of = month_end(year, month)
        for county in counties:
            f = await figures_for(session, county, as_of)
            publish_public(work, pub.PublicMonthlyFigures(
                division_code=county, month=f"{year}-{month:02d}", as_of=as_of,
                villages_in_campaign=f["villages_in_campaign"], villages_screened=f["villages_screened"],
                listed=pub.CategoryCounts(weak_and_lax=f["listed_by_category"]["weak_and_lax"]["villages"],
                                          lagging=f["listed_by_category"]["lagging"]["villages"]),
                listed_by_criterion={c["criterion"]: c["villages"] for c in f["listed_by_criterion"]},
                cases_by_phase=f["cases_by_phase"], measures_overdue=f["measures_overdue"],
                visits_due=f["visits_due"], visits_compliant=f["visits_compliant"], alerts_open=f["alerts_open"],
                acceptances_passed=f["acceptances_passed"], acceptances_failed=f["acceptances_failed"],
                delisted=f["delisted"], relapsed=f["relapsed"], designated=f["designated"],
                transformed=f["transformed"]), county)
            published += 1
    return published


# ---- the contract ----------------------------------------------------------------------------

PUBLIC_SPECS = [s for s in all_specs() if s.service == "reporting" and s.public]
PUBLIC_MODELS: list[type[BaseModel]] = [s.model for s in PUBLIC_SPECS]


def asyncapi_document(topic: str, bootstrap: str) -> dict[str, Any]:
    """AsyncAPI 3.0 of the public topic (the same builder as every service's own contract)."""
    return contract.asyncapi_document(
        document_id="urn:zhengdun:public:v1", title="整顿工作公开事件 Zhengdun public events", version="1.0.0",
        description=("供其他政务平台订阅的公开事件：认定、移出名单、阶段变化、验收结果、销号、后评估、月度统计。"
                     "只含区划代码、类别、标准代码、日期和数量，不含个人姓名、电话、用户标识和证据文字。"
                     " Curated public events for other government platforms; codes, categories, dates "
                     "and counts only. Versioned: a breaking change is a new type ….v2 on a new topic "
                     "zhengdun.public.v2, published beside v1 for a transition period."),
        channels=[contract.Channel("public", topic, "send", tuple(PUBLIC_SPECS), "公开事件主题 (key = 区划代码). Read only.")],
        anonymous=True,
        servers={"kafka": {
            "host": bootstrap, "protocol": "kafka-secure",
            "description": "SASL/OAUTHBEARER with the platform's own Keycloak client credentials; ACLs allow "
                           "reading this topic only",
            "security": [{"$ref": "#/components/securitySchemes/oauthbearer"}]}},
        security_schemes={"oauthbearer": {"type": "oauth2", "description": "Keycloak client credentials",
                                          "flows": {"clientCredentials": {"tokenUrl": "<realm>/protocol/openid-connect/token",
                                                                          "availableScopes": {}}}}})
