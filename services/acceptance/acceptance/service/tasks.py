"""The to-do list (GET /tasks): the acceptances in the caller's reach at the stages the caller's roles
move on, in one query; domain/tasks.py says which step is the caller's."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from acceptance.domain import tasks as task_rules
from acceptance.domain.process import Stage
from acceptance.models import AcceptanceRow, Campaign, StandardVersion
from acceptance.service.read_model import policy_of
from acceptance.service.spot_checks import spot_check_levels_of
from zhengdun.reading import within


async def pending_tasks(session: AsyncSession, principal, today: date) -> list:
    if not principal.division_code or principal.level is None:
        return []
    caller = task_rules.Caller(principal.user_id, principal.division_code, principal.level, frozenset(principal.roles))
    without_standard = (await session.execute(select(Campaign.campaign_id, Campaign.area_code).where(
        Campaign.area_code == caller.unit,
        ~select(StandardVersion).where(StandardVersion.campaign_id == Campaign.campaign_id).exists()))).all()
    standards = task_rules.standards([(c, a) for c, a in without_standard], caller)
    stages = task_rules.stages_for(caller)
    if not stages:
        return standards
    rows = (await session.execute(select(AcceptanceRow).where(
        within(AcceptanceRow.village_code, caller.unit),
        AcceptanceRow.stage.in_([s.value for s in stages])).order_by(AcceptanceRow.village_code))).scalars()
    rows = list(rows)
    windows = {cid: (await policy_of(session, cid, today)).acceptance_spot_check_window_days for cid in {r.campaign_id for r in rows}}
    levels = await spot_check_levels_of(session, list(windows))
    views = [task_rules.AcceptanceView(r.acceptance_id, r.campaign_id, r.village_code, r.township_code, r.county_code,
                                       Stage(r.stage), r.team_leader_user_id, r.state or {}, windows[r.campaign_id],
                                       levels[r.campaign_id])
             for r in rows]
    found = [step for view in views for step in task_rules.steps(view, caller, today)]
    return standards + found + task_rules.draws(views, caller)
