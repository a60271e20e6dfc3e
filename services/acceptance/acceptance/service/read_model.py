"""The acceptance service's copy of what screening and casework announce: campaigns and their
policy versions, cases ready for acceptance (a new round) or taken back into rectification.
The subscribers call these with the inbox transaction's session, which the consumer commits."""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from acceptance.domain import policy as policy_rules
from acceptance.domain.process import Stage
from acceptance.models import AcceptanceRow, Campaign, PolicyVersionRow
from zhengdun import clock
from zhengdun.events.casework import CasePhase, CasePhaseChanged, CaseReadyForAcceptance
from zhengdun.events.screening import CampaignOpened, Policy, PolicyRevised
from zhengdun.policies import is_parsed, parsed_policy


async def keep_campaign(session: AsyncSession, opened: CampaignOpened) -> None:
    # A revision may have overtaken the opening (different partitions) and left the area blank: fill it in.
    await session.execute(insert(Campaign).values(campaign_id=opened.campaign_id, area_code=opened.area_code)
                          .on_conflict_do_update(index_elements=[Campaign.campaign_id], set_={"area_code": opened.area_code},
                                                 where=Campaign.area_code == ""))
    await keep_version(session, opened.campaign_id, opened.policy_version, opened.opened_on, opened.policy)


async def keep_policy(session: AsyncSession, revised: PolicyRevised) -> None:
    await session.execute(insert(Campaign).values(campaign_id=revised.campaign_id, area_code="")
                          .on_conflict_do_nothing())
    await keep_version(session, revised.campaign_id, revised.policy_version, revised.effective_on, revised.policy)


async def keep_version(session: AsyncSession, campaign_id: str, version: int, effective_on: date, policy: Policy) -> None:
    """Every version is kept as announced, none replaced: a step applies the one in force on its date."""
    await session.execute(insert(PolicyVersionRow).values(
        campaign_id=campaign_id, version=version, effective_on=effective_on, policy=policy.model_dump(mode="json"))
        .on_conflict_do_nothing())


async def policy_of(session: AsyncSession, campaign_id: str, day: date) -> Policy:
    return (await policy_version_of(session, campaign_id, day))[0]


_VERSIONS = select(PolicyVersionRow.version, PolicyVersionRow.effective_on) \
    .where(PolicyVersionRow.campaign_id == bindparam("campaign_id"))
_POLICY = select(PolicyVersionRow.policy).where(PolicyVersionRow.campaign_id == bindparam("campaign_id"),
                                               PolicyVersionRow.version == bindparam("version"))


async def policy_version_of(session: AsyncSession, campaign_id: str, day: date,
                            versions: tuple[tuple[int, date], ...] | None = None) -> tuple[Policy, int | None]:
    """The campaign's policy in force on ``day`` and its version (None: not known here yet, the seeds' defaults apply).
    ``versions``: the campaign's (version, effective date) pairs when the caller has read them already. A kept
    version never changes: its policy is read and validated once per process (zhengdun.policies)."""
    if versions is None:
        versions = tuple((await session.execute(_VERSIONS, {"campaign_id": campaign_id})).tuples())
    chosen = policy_rules.in_force([policy_rules.PolicyVersion(v, effective_on, None) for v, effective_on in versions], day)
    if chosen is None:
        return Policy(), None
    stored = None if is_parsed(campaign_id, chosen.version) else \
        (await session.execute(_POLICY, {"campaign_id": campaign_id, "version": chosen.version})).scalar_one()
    return parsed_policy(campaign_id, chosen.version, stored), chosen.version


OPEN_STAGES = [s.value for s in Stage if s not in (Stage.FAILED, Stage.POST_EVALUATED)]


async def open_acceptance(session: AsyncSession, ready: CaseReadyForAcceptance) -> AcceptanceRow | None:
    """A case ready for acceptance opens a new round, unless one is already running."""
    rows = (await session.execute(select(AcceptanceRow).where(AcceptanceRow.case_id == ready.case_id)
                                  .order_by(AcceptanceRow.round.desc()).with_for_update())).scalars().all()
    if rows and rows[0].stage in OPEN_STAGES:
        return None
    rectifiers = {}
    for member in ready.team_members:
        if member.user_id:
            rectifiers[member.user_id] = "整顿工作队队员"
    if ready.team_leader.user_id:
        rectifiers[ready.team_leader.user_id] = "整顿工作队队长"
    if ready.contact_leader and ready.contact_leader.user_id:
        rectifiers[ready.contact_leader.user_id] = "联系分包县级领导"
    row = AcceptanceRow(acceptance_id=str(uuid.uuid4()), case_id=ready.case_id, campaign_id=ready.campaign_id,
                        village_code=ready.village_code, township_code=ready.township_code,
                        county_code=ready.county_code, round=(rows[0].round + 1) if rows else 1,
                        stage=Stage.READY.value, rectifiers=rectifiers, team_leader_user_id=ready.team_leader.user_id,
                        state={"team_leader": ready.team_leader.name}, ready_on=ready.ready_on,
                        updated_on=ready.ready_on)
    session.add(row)
    return row


async def note_case_phase(session: AsyncSession, changed: CasePhaseChanged) -> None:
    """Casework took the case back into rectification: an acceptance still before the county's decision stops."""
    if changed.phase not in (CasePhase.CONCENTRATED, CasePhase.CONTINUED):
        return
    today = await clock.today(session)
    early = [Stage.READY, Stage.APPLIED, Stage.SELF_CHECKED, Stage.PRELIMINARY_RECORDED]
    rows = (await session.execute(select(AcceptanceRow).where(AcceptanceRow.case_id == changed.case_id,
                                                              AcceptanceRow.stage.in_([s.value for s in early]))
                                  .with_for_update())).scalars().all()
    for row in rows:
        row.state = {**row.state, "failure": {"step": "case", "reason": f"案件退回整改：{changed.reason}",
                                              "failed_on": changed.changed_on.isoformat(), "revokes": False}}
        row.stage, row.updated_on = Stage.FAILED.value, today
