"""The dynamic list (动态管理) follows acceptance's verdicts: a delisted village leaves the active list, a relapse
found at post-evaluation designates it again. Use cases of the inbox transaction's unit of work (the consumer
commits it); screening itself decides and records, as its own system actor."""
from __future__ import annotations

from screening.service.state import active_list, facts, load_campaign, record
from zhengdun.events import screening as ev
from zhengdun.events.acceptance import PostEvaluated, VillageDelisted
from zhengdun.events.base import Actor
from zhengdun.messaging.consumer import RejectedEvent
from zhengdun.messaging.outbox import InboxWork

SYSTEM = Actor.system("screening")


async def village_delisted(work: InboxWork, delisted: VillageDelisted, *, reference: str) -> None:
    """Acceptance delisted a village (销号): it leaves the dynamic list (idempotent)."""
    active = await active_list(work.session, delisted.campaign_id)
    _, removed = active.delist(delisted.village_code, delisted.delisted_on, reference=reference)
    if removed is not None:
        record(work, removed, actor=SYSTEM, scope=removed.county_code, key=removed.village_code,
               village=removed.village_code)


async def post_evaluated(work: InboxWork, evaluated: PostEvaluated) -> None:
    """A relapse at post-evaluation designates the village again (整瘫轮回 → 重新列入)."""
    if not evaluated.relapsed:
        return
    # A rule this breaks (a campaign never opened here, a village not relisted) raises a Refusal: the consumer
    # dead-letters it, as retrying cannot help.
    campaign = await load_campaign(work.session, evaluated.campaign_id)
    active = await active_list(work.session, evaluated.campaign_id)
    if evaluated.village_code in active.targets:
        return  # already designated again (a redelivery with another id)
    earlier = await facts(work.session, evaluated.campaign_id, ev.TargetDesignated,
                          village_under=evaluated.village_code)
    if not earlier:
        raise RejectedEvent(f"village {evaluated.village_code} was never designated in {evaluated.campaign_id}")
    last = earlier[-1]
    _, designated = active.relapse(campaign, evaluated.village_code, last.category, last.criteria_met,
                                   evaluated.evaluated_on)
    record(work, designated, actor=SYSTEM, scope=designated.county_code, key=designated.village_code,
           village=designated.village_code)
