"""The acceptance row and the domain aggregate it stores."""
from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from acceptance.domain.process import Acceptance, Person, Stage
from acceptance.models import AcceptanceRow, Campaign, PolicyVersionRow
from zhengdun import clock
from zhengdun.events.base import Actor
from zhengdun.registry import Division


def aggregate(row: AcceptanceRow) -> Acceptance:
    return Acceptance(row.acceptance_id, row.case_id, row.campaign_id, row.village_code, row.township_code,
                      row.county_code, rectifiers=dict(row.rectifiers), team_leader_user_id=row.team_leader_user_id,
                      stage=Stage(row.stage), state=copy.deepcopy(row.state))


def store(row: AcceptanceRow, acc: Acceptance, today: date) -> None:
    row.stage, row.state, row.updated_on = acc.stage.value, acc.state, today


@dataclass(frozen=True)
class Surroundings:
    """What every step reads besides its acceptance, read in the statement that locks it (a round trip each
    before): the platform's date, the village's name, the campaign's area (who spot-checks it) and its policy
    versions (number, effective date: the policy itself is read only when this process has not parsed it yet)."""

    today: date
    village_name: str | None
    campaign_area: str | None
    policy_versions: tuple[tuple[int, date], ...]


_ROW = AcceptanceRow
_LOCKED = select(
    _ROW,
    clock.today_column(),
    select(Division.name).where(Division.code == _ROW.village_code).scalar_subquery().label("village_name"),
    select(Campaign.area_code).where(Campaign.campaign_id == _ROW.campaign_id).scalar_subquery().label("campaign_area"),
    select(func.json_agg(func.json_build_array(PolicyVersionRow.version, PolicyVersionRow.effective_on)))
    .where(PolicyVersionRow.campaign_id == _ROW.campaign_id).scalar_subquery().label("policy_versions"),
).where(_ROW.acceptance_id == bindparam("acceptance_id")).with_for_update(of=_ROW)
_SURROUNDINGS = "acceptance.surroundings"   # their key in the request session's ``info``


async def load_for_update(session: AsyncSession, acceptance_id: str) -> AcceptanceRow | None:
    """The acceptance locked for a step in this session, with its ``Surroundings`` (``surroundings_of``). They are
    what the statement's snapshot saw, from before any wait for the lock: the date and the names as a request that
    read them first and then waited would have them; the acceptance itself is its newest version, as locked."""
    found = (await session.execute(_LOCKED, {"acceptance_id": acceptance_id})).one_or_none()
    if found is None:
        return None
    versions = found.policy_versions or []
    session.info[_SURROUNDINGS] = Surroundings(
        found.today or clock.wall_clock_today(), found.village_name, found.campaign_area,
        tuple((int(version), date.fromisoformat(effective_on)) for version, effective_on in versions))
    return found.AcceptanceRow


def surroundings_of(session: AsyncSession) -> Surroundings | None:
    """What ``load_for_update`` read with the acceptance in this session (None: it was loaded otherwise)."""
    return session.info.get(_SURROUNDINGS)


def person_of(actor: Actor, role: str) -> Person:
    return Person(actor.user_id, actor.name, role, actor.division_code or "")


async def division_name(session: AsyncSession, code: str) -> str:
    return (await session.execute(select(Division.name).where(Division.code == code))).scalar_one_or_none() or code
