"""The acceptance row and the domain aggregate it stores."""
from __future__ import annotations

import copy
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from acceptance.domain.process import Acceptance, Person, Stage
from acceptance.models import AcceptanceRow
from zhengdun.events.base import Actor
from zhengdun.registry import Division


def aggregate(row: AcceptanceRow) -> Acceptance:
    return Acceptance(row.acceptance_id, row.case_id, row.campaign_id, row.village_code, row.township_code,
                      row.county_code, rectifiers=dict(row.rectifiers), team_leader_user_id=row.team_leader_user_id,
                      stage=Stage(row.stage), state=copy.deepcopy(row.state))


def store(row: AcceptanceRow, acc: Acceptance, today: date) -> None:
    row.stage, row.state, row.updated_on = acc.stage.value, acc.state, today


async def load_for_update(session: AsyncSession, acceptance_id: str) -> AcceptanceRow | None:
    return (await session.execute(select(AcceptanceRow).where(AcceptanceRow.acceptance_id == acceptance_id)
                                  .with_for_update())).scalar_one_or_none()


def person_of(actor: Actor, role: str) -> Person:
    return Person(actor.user_id, actor.name, role, actor.division_code or "")


async def division_name(session: AsyncSession, code: str) -> str:
    return (await session.execute(select(Division.name).where(Division.code == code))).scalar_one_or_none() or code
