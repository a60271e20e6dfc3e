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
from zhengdun.refusals import UnknownItem  # noqa: E402
from screening.domain.township import TownshipRound, TownshipRoundStatus  # noqa: E402
from screening.domain.spot_check import SampleSecret  # noqa: E402
from screening.models import SampleSecret as SampleSecretRow  # noqa: E402
from screening.models import ScreeningFact  # noqa: E402
from sqlalchemy import or_  # noqa: E402

from zhengdun import sampling  # noqa: E402
from zhengdun.divisions import ancestor_at, county_of, is_within, parent_code  # noqa: E402
from zhengdun.reading import within  # noqa: E402
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


async def freeze_for_sampling(session: AsyncSession, campaign_id: str, round_id: str, scope_code: str) -> str:
    """A new secret for the population frozen now (the list just submitted or decided); its
    commitment goes out with that event, long before any draw reveals the secret."""
    return _new_secret(session, campaign_id, round_id, scope_code).commitment


def _new_secret(session: AsyncSession, campaign_id: str, round_id: str, scope_code: str) -> SampleSecret:
    secret = sampling.new_secret()
    stored = SampleSecret(secret, sampling.commitment_to(secret))
    session.add(SampleSecretRow(campaign_id=campaign_id, round_id=round_id, scope_code=scope_code,
                                secret=stored.secret, commitment=stored.commitment))
    return stored


async def sample_secret(session: AsyncSession, campaign_id: str, round_id: str, scope_code: str) -> SampleSecret:
    """The secret of the population's latest freeze. A list frozen before secrets existed gets one now."""
    row = (await session.execute(
        select(SampleSecretRow).where(SampleSecretRow.campaign_id == campaign_id, SampleSecretRow.round_id == round_id,
                                      SampleSecretRow.scope_code == scope_code)
        .order_by(SampleSecretRow.seq.desc()).limit(1))).scalar_one_or_none()
    if row is None:
        return _new_secret(session, campaign_id, round_id, scope_code)
    return SampleSecret(row.secret, row.commitment)


async def load_campaign(session: AsyncSession, campaign_id: str) -> Campaign:
    history = await facts(session, campaign_id, ev.CampaignOpened, ev.PolicyRevised)
    if not history or not isinstance(history[0], ev.CampaignOpened):
        raise UnknownItem("campaign-unknown", f"整顿工作 {campaign_id} 不存在", f"no campaign {campaign_id}")
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


async def rounds_of(session: AsyncSession, campaign_id: str, within_unit: str) -> list[dict]:
    """The campaign's screening rounds in the order they began, each with when its first fact was
    recorded and how many units of ``within_unit``'s subtree hold facts of it."""
    rows = await session.execute(
        select(ScreeningFact.round_id, func.min(ScreeningFact.recorded_at), func.count(distinct(ScreeningFact.scope_code)))
        .where(ScreeningFact.campaign_id == campaign_id, ScreeningFact.round_id.is_not(None),
               within(ScreeningFact.scope_code, within_unit))
        .group_by(ScreeningFact.round_id).order_by(func.min(ScreeningFact.seq)))
    return [{"round_id": r, "began_at": began, "units": units} for r, began, units in rows]


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


async def carry_over_basis(session: AsyncSession, campaign: Campaign, round_id: str, township: str
                           ) -> tuple[set[str], set[str]]:
    """What carry-over (继续整顿) starts from in a township: the villages of the county's last decided
    list of an earlier round, and those of them accepted and delisted since. In a campaign's first
    round these come from the campaign it carries over, if any (e.g. 2019's list in 2020's campaign)."""
    county = ancestor_at(township, Level.COUNTY)
    source = campaign.campaign_id
    confirmed = [c for c in await facts(session, source, ev.CountyListConfirmed, scope_prefix=county) if c.round_id != round_id]
    if not confirmed and campaign.carries_over_from:
        source = campaign.carries_over_from
        confirmed = await facts(session, source, ev.CountyListConfirmed, scope_prefix=county)
    if not confirmed:
        return set(), set()
    last = confirmed[-1]
    listed = {c for c in last.weak_and_lax + last.lagging if is_within(c, township)}
    return listed, set((await active_list(session, source, under=township)).delisted_on)


async def lagging_rule_for(session: AsyncSession, campaign: Campaign, unit: str) -> tuple[ev.LaggingRule | None, str | None]:
    """The ranking rule in force for a township or county and whose it is: a township's own, its county's, or
    (None) the campaign's."""
    from screening.domain.ranking import rule_in_force

    own = await facts(session, campaign.campaign_id, ev.LaggingRuleSet, scope_prefix=ancestor_at(unit, Level.COUNTY))
    return rule_in_force(campaign.ranking_rule, own, unit)


async def set_lagging_rule(uow: UnitOfWork, campaign: Campaign, scope_code: str, rule: ev.LaggingRule, reason: str,
                           actor: Actor, today: date) -> ev.LaggingRuleSet:
    """A county or township sets its own ranking rule; lists submitted before keep the rule they were checked against."""
    from screening.domain.ranking import check_own_rule

    check_own_rule(rule, scope_code, campaign.area_code)
    set_rule = ev.LaggingRuleSet(campaign_id=campaign.campaign_id, scope_code=scope_code, rule=rule, set_on=today,
                                 reason=reason.strip())
    recorder_for(uow, actor).record(set_rule, scope=scope_code, key=scope_code)
    return set_rule


async def lagging_ranking(session: AsyncSession, campaign: Campaign, round_id: str, township: str
                          ) -> ev.LaggingRanking | None:
    """The ranking rule in force for the township (lagging_rule_for) applied to the round's entered scores (of the
    township, or of its whole county when the rule ranks by county), as it concerns ``township``; None under a
    text rule."""
    from screening.domain.ranking import for_township, rank_lagging

    rule, _ = await lagging_rule_for(session, campaign, township)
    if rule is None:
        return None
    scope = township if rule.scope is ev.RankingScope.TOWNSHIP else ancestor_at(township, Level.COUNTY)
    entered = await facts(session, campaign.campaign_id, ev.AssessmentRecorded, scope_prefix=scope, round_id=round_id)
    return for_township(rank_lagging(rule, entered), township)


def type_name(payload: BaseModel) -> str:
    return type_of(payload)


# ---------------------------------------------------------------------------------------------
# The to-do list (GET /tasks): the state each rule of domain/tasks.py needs, read set-wise
# (a handful of queries whatever the number of townships), then judged by the rules.
# ---------------------------------------------------------------------------------------------
from collections import defaultdict  # noqa: E402

from sqlalchemy import distinct, func  # noqa: E402

from screening.domain import tasks as task_rules  # noqa: E402
from screening.models import FilingSnapshot, TownshipPreparation  # noqa: E402
from zhengdun.roles import Role  # noqa: E402
from zhengdun.tasks import Pending  # noqa: E402

_ROUND_FACTS = (ev.TownshipListSubmitted, ev.TownshipListReturned, ev.SampleDrawn, ev.SpotCheckRecorded,
                ev.CountyListConfirmed)


async def _campaign_views(session: AsyncSession, unit: str) -> dict[str, task_rules.CampaignView]:
    ids = await campaign_ids(session, visible_to=unit)
    if not ids:
        return {}
    rows = await session.execute(select(ScreeningFact.campaign_id, ScreeningFact.type, ScreeningFact.body).where(
        ScreeningFact.campaign_id.in_(ids),
        ScreeningFact.type.in_([ev.CampaignOpened.event_type, ev.PolicyRevised.event_type])).order_by(ScreeningFact.seq))
    campaigns: dict[str, Campaign] = {}
    for campaign_id, kind, body in rows:
        happened = spec_for(kind).model.model_validate(body)
        if isinstance(happened, ev.CampaignOpened):
            campaigns[campaign_id] = Campaign.from_event(happened)
        elif campaign_id in campaigns:
            campaigns[campaign_id] = campaigns[campaign_id].apply(happened)
    return {i: task_rules.CampaignView(i, c.name, c.policy) for i, c in campaigns.items()}


async def _county_rounds(session: AsyncSession, campaigns: dict[str, task_rules.CampaignView], area: str,
                         counties: list[str]) -> list[task_rules.CountyRoundView]:
    """Every (campaign, round, county) of ``counties`` that is open: the first round, and any round with a
    fact inside the county."""
    if not campaigns or not counties:
        return []
    ids = list(campaigns)
    rounds = {(c, r, county_of(code)) for c, r, code in (await session.execute(
        select(ScreeningFact.campaign_id, ScreeningFact.round_id, ScreeningFact.scope_code).distinct().where(
            ScreeningFact.campaign_id.in_(ids), ScreeningFact.round_id.is_not(None), within(ScreeningFact.scope_code, area))))}
    rounds |= {(c, task_rules.FIRST_ROUND, county) for c in ids for county in counties}
    townships: dict[str, list[str]] = defaultdict(list)
    for code, parent in await session.execute(select(Division.code, Division.parent_code).where(
            Division.level == Level.TOWNSHIP.value, Division.parent_code.in_(counties)).order_by(Division.code)):
        townships[parent].append(code)
    state: dict[tuple, dict] = defaultdict(lambda: {"submitted": set(), "sampled": {}, "checked": set(), "confirmed": False,
                                                    "city_sampled": False, "city_checked": False})
    rows = await session.execute(select(ScreeningFact.campaign_id, ScreeningFact.round_id, ScreeningFact.type,
                                        ScreeningFact.scope_code, ScreeningFact.body).where(
        ScreeningFact.campaign_id.in_(ids), ScreeningFact.type.in_([t.event_type for t in _ROUND_FACTS]),
        within(ScreeningFact.scope_code, area)).order_by(ScreeningFact.seq))
    for campaign_id, round_id, kind, scope, body in rows:
        s = state[(campaign_id, round_id, county_of(scope))]
        if kind == ev.TownshipListSubmitted.event_type:
            s["submitted"].add(scope)
        elif kind == ev.TownshipListReturned.event_type:
            s["submitted"].discard(scope)
        elif kind == ev.SampleDrawn.event_type:
            if body["purpose"] == ev.SamplePurpose.CITY_SPOT_CHECK.value:
                s["city_sampled"] = True
            else:
                s["sampled"][scope] = s["sampled"].get(scope, frozenset()) | frozenset(body["chosen"])
        elif kind == ev.SpotCheckRecorded.event_type:
            if body["stage"] == ev.CheckStage.CITY_SPOT_CHECK.value:
                s["city_checked"] = True
            else:
                s["checked"] |= {f["village_code"] for f in body["findings"]}
        elif kind == ev.CountyListConfirmed.event_type:
            s["confirmed"] = True
    views = []
    for campaign_id, round_id, county in sorted(rounds):
        if county not in counties:
            continue
        s = state[(campaign_id, round_id, county)]
        views.append(task_rules.CountyRoundView(
            campaigns[campaign_id], round_id, county, tuple(townships[county]), frozenset(s["submitted"]), s["confirmed"],
            dict(s["sampled"]), frozenset(s["checked"]), s["city_sampled"], s["city_checked"]))
    return views


async def _township_rounds(session: AsyncSession, campaigns: dict[str, task_rules.CampaignView],
                           township: str) -> list[task_rules.TownshipRoundView]:
    county = county_of(township)
    open_rounds = [v for v in await _county_rounds(session, campaigns, county, [county]) if not v.confirmed]
    if not open_rounds:
        return []
    villages = (await session.execute(select(func.count()).select_from(Division).where(
        Division.level == Level.VILLAGE.value, within(Division.code, township)))).scalar_one()
    assessed = dict(((c, r), n) for c, r, n in await session.execute(
        select(ScreeningFact.campaign_id, ScreeningFact.round_id, func.count(distinct(ScreeningFact.village_code))).where(
            ScreeningFact.type == ev.AssessmentRecorded.event_type, ScreeningFact.scope_code == township,
            ScreeningFact.campaign_id.in_(list(campaigns))).group_by(ScreeningFact.campaign_id, ScreeningFact.round_id)))
    returned: dict[tuple, tuple[str, ...]] = {}
    for c, r, kind, body in await session.execute(select(ScreeningFact.campaign_id, ScreeningFact.round_id,
                                                         ScreeningFact.type, ScreeningFact.body).where(
            ScreeningFact.scope_code == township, ScreeningFact.campaign_id.in_(list(campaigns)),
            ScreeningFact.type.in_([ev.TownshipListSubmitted.event_type, ev.TownshipListReturned.event_type]))
            .order_by(ScreeningFact.seq)):
        returned[(c, r)] = tuple(body["reasons"]) if kind == ev.TownshipListReturned.event_type else ()
    preparations = {(p.campaign_id, p.round_id): p for p in (await session.execute(
        select(TownshipPreparation).where(TownshipPreparation.township_code == township))).scalars()}
    views = []
    for v in open_rounds:
        prep = preparations.get((v.campaign.campaign_id, v.round_id))
        notice = (date.fromisoformat(prep.notice["starts_on"]), date.fromisoformat(prep.notice["ends_on"])) \
            if prep and prep.notice else None
        views.append(task_rules.TownshipRoundView(
            v.campaign, v.round_id, township, villages, assessed.get((v.campaign.campaign_id, v.round_id), 0),
            township in v.submitted, returned.get((v.campaign.campaign_id, v.round_id), ()),
            bool(prep and prep.meeting), notice,
            tuple((o["objection_id"], o["content"]) for o in (prep.objections if prep else []) if not o["answer"])))
    return views


async def pending_tasks(session: AsyncSession, principal, today: date) -> list[Pending]:
    """The screening steps waiting on the caller's unit, by level and role (the access policy's own split)."""
    unit, level, roles = principal.division_code, principal.level, frozenset(principal.roles)
    if not unit or level is None:
        return []
    wants = {Level.TOWNSHIP: {Role.TOWNSHIP_COMMITTEE, Role.ORG_STAFF},
             Level.COUNTY: {Role.ORG_STAFF, Role.STANDING_COMMITTEE},
             Level.CITY: {Role.ORG_STAFF}, Level.PROVINCE: {Role.ORG_STAFF}}.get(level, set())
    if not roles & {str(r) for r in wants}:
        return []
    campaigns = await _campaign_views(session, unit)
    if not campaigns:
        return []
    found: list[Pending] = []
    if level is Level.TOWNSHIP:
        for view in await _township_rounds(session, campaigns, unit):
            found += task_rules.township_steps(view, roles)
    elif level is Level.COUNTY:
        views = await _county_rounds(session, campaigns, unit, [unit])
        for view in views:
            found += task_rules.county_steps(view, roles)
        if Role.ORG_STAFF in roles:
            filed = defaultdict(set)
            for c, day in await session.execute(select(FilingSnapshot.campaign_id, FilingSnapshot.filing_date).where(
                    FilingSnapshot.county_code == unit)):
                filed[c].add(day)
            for campaign in campaigns.values():
                confirmed = any(v.confirmed for v in views if v.campaign.campaign_id == campaign.campaign_id)
                found += task_rules.filing_steps(campaign, unit, confirmed, filed[campaign.campaign_id], today)
    else:
        counties = list((await session.execute(select(Division.code).where(
            Division.level == Level.COUNTY.value, within(Division.code, unit)))).scalars())
        for view in await _county_rounds(session, campaigns, unit, counties):
            found += task_rules.city_steps(view)
    return found


# ---------------------------------------------------------------------------------------------
# Evidence files (zhengdun.attachments): a township's round keeps the files of its assessments,
# committee meeting and public notice; a county's review keeps those of its site visits.
# ---------------------------------------------------------------------------------------------
from screening.models import ScreeningAttachment  # noqa: E402
from zhengdun import attachments, clock  # noqa: E402

TOWNSHIP_FILES = "township_round"
COUNTY_FILES = "county_review"
_WHERE = {TOWNSHIP_FILES: "本乡镇本轮排查", COUNTY_FILES: "本县本轮审核"}


def _owner(kind: str, campaign_id: str, round_id: str, unit: str) -> dict:
    return {"kind": kind, "record_key": f"{campaign_id}/{round_id}/{unit}", "unit_code": unit}


async def store_attachment(session: AsyncSession, kind: str, campaign_id: str, round_id: str, unit: str,
                           filename: str, content: bytes, actor: Actor) -> ScreeningAttachment:
    row = attachments.stored(ScreeningAttachment, filename, content, today=await clock.today(session),
                             actor=actor.model_dump(mode="json"), **_owner(kind, campaign_id, round_id, unit))
    session.add(row)
    return row


async def attachment_refs(session: AsyncSession, kind: str, campaign_id: str, round_id: str, unit: str,
                          file_ids, field: str) -> list[dict]:
    """The references of ``file_ids``, each a file of this round's township (or county); else 422 naming ``field``."""
    return await attachments.resolve(session, ScreeningAttachment, file_ids, field, _WHERE[kind],
                                     **_owner(kind, campaign_id, round_id, unit))


async def file_refs(session: AsyncSession, kind: str, campaign_id: str, round_id: str, unit: str,
                    file_ids) -> dict[str, dict]:
    """Name, size and SHA-256 of the files ``file_ids`` of this round's township (or county), by id: what a
    reader sees of the files its records name."""
    return await attachments.references(session, ScreeningAttachment, file_ids,
                                        **_owner(kind, campaign_id, round_id, unit))


async def find_attachment(session: AsyncSession, kind: str, campaign_id: str, round_id: str, unit: str,
                          file_id: str) -> ScreeningAttachment | None:
    return await attachments.find(session, ScreeningAttachment, file_id, **_owner(kind, campaign_id, round_id, unit))
