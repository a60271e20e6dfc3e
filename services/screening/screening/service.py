"""Service layer of the screening service: use cases over a unit of work, calling the domain rules."""
from __future__ import annotations

from sqlalchemy import select

from screening.domain.registry import Existing, ImportRow, plan_import, referenced_codes
from zhengdun.events.base import Actor
from zhengdun.messaging.outbox import UnitOfWork
from zhengdun.registry import UPSERT_DIVISIONS, Division


async def import_divisions(uow: UnitOfWork, rows: list[ImportRow], *, actor: Actor, importer_unit: str) -> dict:
    """Validate the whole file, then apply every change and its event in one transaction."""
    codes = list(referenced_codes(rows))
    existing: dict[str, Existing] = {}
    for start in range(0, len(codes), 20000):
        stored = await uow.session.execute(
            select(Division.code, Division.name, Division.parent_code, Division.kind, Division.revision)
            .where(Division.code.in_(codes[start:start + 20000]))
        )
        existing.update({c: Existing(n, p, k, r) for c, n, p, k, r in stored})
    changes = plan_import(rows, existing, importer_unit=importer_unit)  # raises on any bad row
    values = [c.model_dump(mode="json") for c in changes]
    for start in range(0, len(values), 5000):
        await uow.session.execute(UPSERT_DIVISIONS, values[start:start + 5000])
    await uow.publish_many([(c, c.code) for c in changes], actor=actor)
    await uow.commit()
    created = sum(1 for c in changes if c.revision == 1)
    return {"rows": len(rows), "created": created, "updated": len(changes) - created, "unchanged": len(rows) - len(changes)}


# ---------------------------------------------------------------------------------------------
# The campaign's screening: every decided fact is stored once (ScreeningFact) and published; the
# domain objects are rebuilt from the facts of the unit they belong to.
# ---------------------------------------------------------------------------------------------
from dataclasses import dataclass  # noqa: E402
from datetime import date  # noqa: E402

from pydantic import BaseModel  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession  # noqa: E402

from screening.domain.active_list import ActiveList  # noqa: E402
from screening.domain.assessment import Village  # noqa: E402
from screening.domain.campaign import Campaign  # noqa: E402
from screening.domain.county_review import CountyList, CountyListStatus  # noqa: E402
from screening.domain.errors import ScreeningRuleViolation  # noqa: E402
from screening.domain.township import TownshipRound, TownshipRoundStatus  # noqa: E402
from screening.models import ScreeningFact  # noqa: E402
from sqlalchemy import or_  # noqa: E402

from zhengdun.divisions import ancestor_at, is_within, parent_code  # noqa: E402
from zhengdun.events import screening as ev  # noqa: E402
from zhengdun.events.base import spec_for, type_of  # noqa: E402
from zhengdun.messaging.outbox import record_event  # noqa: E402
from zhengdun.roles import Level  # noqa: E402

FIRST_ROUND = "R1"


@dataclass
class Recorder:
    """Stores a fact and puts its event in the outbox, in the caller's transaction."""

    session: AsyncSession
    topic: str
    source: str
    actor: Actor | None

    def record(self, payload: BaseModel, *, scope: str, key: str, village: str | None = None,
               round_id: str | None = None) -> None:
        campaign_id = getattr(payload, "campaign_id")
        envelope = record_event(self.session, topic=self.topic, source=self.source, payload=payload, division_code=key,
                                actor=self.actor, campaign_id=campaign_id, subject=village or key)
        self.session.add(ScreeningFact(
            event_id=envelope.id, type=envelope.type, campaign_id=campaign_id, round_id=round_id, scope_code=scope,
            village_code=village, body=envelope.data,
            actor=self.actor.model_dump(mode="json") if self.actor else None))


def recorder_for(uow: UnitOfWork, actor: Actor | None) -> Recorder:
    return Recorder(uow.session, uow.topic, uow.source, actor)


async def facts(session: AsyncSession, campaign_id: str, *types: type[BaseModel], scope_prefix: str | None = None,
                round_id: str | None = None, village_under: str | None = None) -> list[BaseModel]:
    """The stored facts of the given types, in the order they were decided, as payload models."""
    names = [t.event_type for t in types]  # type: ignore[attr-defined]
    query = select(ScreeningFact.type, ScreeningFact.body).where(
        ScreeningFact.campaign_id == campaign_id, ScreeningFact.type.in_(names))
    if scope_prefix:
        query = query.where(within(ScreeningFact.scope_code, scope_prefix))
    if round_id:
        query = query.where(ScreeningFact.round_id == round_id)
    if village_under:
        query = query.where(within(ScreeningFact.village_code, village_under))
    rows = (await session.execute(query.order_by(ScreeningFact.seq))).all()
    return [spec_for(kind).model.model_validate(body) for kind, body in rows]


def within(column, code: str):
    """``column`` is ``code`` or a division under it, as a range the b-tree indexes serve (a LIKE would
    need a C collation): 990102000000 → between 990102000000 and 990102999999."""
    prefix = _prefix(code)
    return column.between(prefix.ljust(12, "0"), prefix.ljust(12, "9"))


def _prefix(code: str) -> str:
    """The significant digits of a division code (990102000000 → 990102)."""
    for level_len in (2, 4, 6, 9, 12):
        if code[level_len:].strip("0") == "":
            return code[:level_len]
    return code


async def load_campaign(session: AsyncSession, campaign_id: str) -> Campaign:
    history = await facts(session, campaign_id, ev.CampaignOpened, ev.PolicyRevised)
    if not history or not isinstance(history[0], ev.CampaignOpened):
        raise ScreeningRuleViolation("campaign-unknown", f"整顿工作 {campaign_id} 不存在", f"no campaign {campaign_id}",
                                     status=404)
    campaign = Campaign.from_event(history[0])
    for revised in history[1:]:
        campaign = campaign.apply(revised)
    return campaign


async def campaign_ids(session: AsyncSession, visible_to: str | None = None) -> list[str]:
    """Campaigns in the order opened; ``visible_to`` keeps (in SQL) those whose area covers that unit or
    lies inside it."""
    query = select(ScreeningFact.campaign_id).where(ScreeningFact.type == ev.CampaignOpened.event_type)
    if visible_to:
        covering = [visible_to]
        while (up := parent_code(covering[-1])) is not None:
            covering.append(up)
        query = query.where(or_(ScreeningFact.scope_code.in_(covering), within(ScreeningFact.scope_code, visible_to)))
    rows = await session.execute(query.order_by(ScreeningFact.seq))
    return list(rows.scalars())


async def villages_under(session: AsyncSession, code: str) -> list[Village]:
    rows = await session.execute(select(Division.code, Division.name, Division.kind).where(
        Division.level == Level.VILLAGE.value, within(Division.code, code)).order_by(Division.code))
    return [Village(c, n, (k or "行政村") != "社区") for c, n, k in rows]


async def townships_under(session: AsyncSession, county: str) -> list[str]:
    rows = await session.execute(select(Division.code).where(
        Division.level == Level.TOWNSHIP.value, Division.parent_code == county).order_by(Division.code))
    return list(rows.scalars())


async def township_round(session: AsyncSession, campaign_id: str, round_id: str, township: str) -> TownshipRound:
    state = TownshipRound(campaign_id, round_id, township)
    history = await facts(session, campaign_id, ev.AssessmentRecorded, ev.TownshipListSubmitted,
                          ev.TownshipListReturned, scope_prefix=township, round_id=round_id)
    assessments: dict = {}
    for happened in history:
        if isinstance(happened, ev.AssessmentRecorded):
            assessments[happened.village_code] = happened
        elif isinstance(happened, ev.TownshipListSubmitted):
            state = TownshipRound(campaign_id, round_id, township, dict(assessments), TownshipRoundStatus.SUBMITTED, happened)
        else:
            state = TownshipRound(campaign_id, round_id, township, dict(assessments), TownshipRoundStatus.RETURNED, None)
    from dataclasses import replace
    return replace(state, assessments=assessments)


async def county_list(session: AsyncSession, campaign_id: str, round_id: str, county: str) -> CountyList:
    from dataclasses import replace
    state = CountyList(campaign_id, round_id, county)
    history = await facts(session, campaign_id, ev.TownshipListSubmitted, ev.TownshipListReturned, ev.CountyListAdjusted,
                          ev.SampleDrawn, ev.SpotCheckRecorded, ev.CountyListConfirmed,
                          scope_prefix=county, round_id=round_id)
    for happened in history:
        if isinstance(happened, ev.TownshipListSubmitted):
            state = replace(state, submissions={**state.submissions, happened.township_code: happened})
        elif isinstance(happened, ev.TownshipListReturned):
            state = replace(state, submissions={k: v for k, v in state.submissions.items() if k != happened.township_code})
        elif isinstance(happened, ev.CountyListAdjusted):
            state = replace(state, adjustments=state.adjustments + (happened,))
        elif isinstance(happened, ev.SampleDrawn) and happened.purpose in (
                ev.SamplePurpose.COUNTY_CHECK_LISTED, ev.SamplePurpose.COUNTY_CHECK_UNLISTED):
            state = replace(state, samples=state.samples + (happened,))
        elif isinstance(happened, ev.SpotCheckRecorded) and happened.stage is ev.CheckStage.COUNTY_REVIEW:
            state = replace(state, checks=state.checks + (happened,))
        elif isinstance(happened, ev.CountyListConfirmed):
            state = replace(state, status=CountyListStatus.CONFIRMED, confirmation=happened)
    return state


async def active_list(session: AsyncSession, campaign_id: str, under: str | None = None) -> ActiveList:
    """The dynamic list, of the whole campaign or (filtered in SQL) of the villages under a unit."""
    return ActiveList(campaign_id).apply_all(await facts(session, campaign_id, ev.TargetDesignated, ev.TargetRemoved,
                                                         village_under=under))


async def previously_listed(session: AsyncSession, campaign_id: str, round_id: str, township: str) -> set[str]:
    """Villages of the township confirmed on an earlier round's county list (for carry-over)."""
    confirmed = await facts(session, campaign_id, ev.CountyListConfirmed, scope_prefix=ancestor_at(township, Level.COUNTY))
    earlier = [c for c in confirmed if c.round_id != round_id]
    if not earlier:
        return set()
    last = earlier[-1]
    return {c for c in last.weak_and_lax + last.lagging if is_within(c, township)}


def county_of(code: str) -> str:
    return ancestor_at(code, Level.COUNTY)


def type_name(payload: BaseModel) -> str:
    return type_of(payload)


def today_or(day: date | None, today: date) -> date:
    return day or today
