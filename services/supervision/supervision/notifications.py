"""Notifications: notices become inbox rows and deliveries, in the caller's transaction.

Every notice is created inside the transaction that applies the event causing it (the consumer's
inbox transaction, or the clock event's), with its deliveries (one row per channel and target,
as the preferences say at that moment). So a redelivered event or a repeated day creates
nothing twice: the inbox skips the event, and the notice's deterministic key is unique. The
sender (supervision/delivery.py) then works through the pending deliveries.
"""
from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import and_, exists, func, or_, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from supervision.domain import notices
from supervision.domain.notices import Notice
from supervision.models import (AlertRow, CampaignRow, DeliveryRow, MeasureRow, NotificationPreference,
                                NotificationRead, NotificationRow, ProgressRow)
from supervision.progress import completed_on
from zhengdun.db import insert_or_skip
from zhengdun.events.screening import Policy
from zhengdun.reading import within

NOTIFICATION_NAMESPACE = uuid.UUID("0b7c4a8e-2f51-4c1e-9a55-6e2d8f3b9c71")


def notification_id_for(key: str) -> str:
    return str(uuid.uuid5(NOTIFICATION_NAMESPACE, key))


def user_owner(user_id: str) -> str:
    return f"user:{user_id}"


def unit_owner(code: str) -> str:
    return f"unit:{code}"


async def notify(session: AsyncSession, notice: Notice, today: date) -> bool:
    """Create the notice and its deliveries unless it exists. True when created."""
    nid = notification_id_for(notice.key)
    created = await session.execute(_NEW_NOTIFICATION, dict(
        notification_id=nid, key=notice.key, kind=notice.kind.value, user_id=notice.user_id, unit_code=notice.unit_code,
        campaign_id=notice.campaign_id, reference=notice.reference, title=notice.title, body=notice.body,
        created_on=today))
    if created.scalar_one_or_none() is None:
        return False
    owners = [unit_owner(notice.unit_code)] + ([user_owner(notice.user_id)] if notice.user_id else [])
    prefs = {p.owner: p for p in (await session.execute(
        select(NotificationPreference).where(NotificationPreference.owner.in_(owners)))).scalars()}
    for channel, target, kind in _targets(notice, prefs):
        await session.execute(_NEW_DELIVERY, dict(notification_id=nid, channel=channel, target=target, webhook_kind=kind))
    return True


async def notify_many(session: AsyncSession, notices_: list[Notice], today: date) -> int:
    """``notify`` for many notices in three round trips (the notices, the preferences of everyone they tell, the
    deliveries) instead of three per notice: a day's escalations or a whole area's alerts come by the thousand.
    Returns how many were created (a notice whose key exists is skipped, as ``notify`` skips it)."""
    if not notices_:
        return 0
    ids = [notification_id_for(n.key) for n in notices_]
    created = set((await session.execute(_NEW_NOTIFICATIONS, {
        "ids": ids, "keys": [n.key for n in notices_], "kinds": [n.kind.value for n in notices_],
        "user_ids": [n.user_id for n in notices_], "unit_codes": [n.unit_code for n in notices_],
        "campaign_ids": [n.campaign_id for n in notices_], "references": [n.reference for n in notices_],
        "titles": [n.title for n in notices_], "bodies": [n.body for n in notices_], "today": today})).scalars())
    if not created:
        return 0
    told: list[tuple[str, Notice]] = []
    for nid, notice in zip(ids, notices_):
        if nid in created:   # a key twice in the list: its first notice is the one created, as one by one
            created.discard(nid)
            told.append((nid, notice))
    owners = {owner for _, n in told
              for owner in [unit_owner(n.unit_code)] + ([user_owner(n.user_id)] if n.user_id else [])}
    prefs = {p.owner: p for p in (await session.execute(
        select(NotificationPreference).where(NotificationPreference.owner.in_(sorted(owners))))).scalars()}
    deliveries = [dict(notification_id=nid, channel=channel, target=target, webhook_kind=kind)
                  for nid, notice in told for channel, target, kind in _targets(notice, prefs)]
    if deliveries:
        await session.execute(_NEW_DELIVERY, deliveries)
    return len(told)


def _targets(notice: Notice, prefs: dict[str, NotificationPreference]) -> list[tuple[str, str, str | None]]:
    """Where a notice is delivered, in order: by email and to the unit's group robot, as the preferences say."""
    targets: set[tuple[str, str, str | None]] = set()
    person = prefs.get(user_owner(notice.user_id)) if notice.user_id else None
    unit = prefs.get(unit_owner(notice.unit_code))
    # Email to the person where they have one and want it; to the unit's mailbox when no person is named.
    for pref in (person, None if notice.user_id else unit):
        if pref and pref.email_enabled and pref.email:
            targets.add(("email", pref.email, None))
    # The unit's group robot hears of everything addressed to the unit or its people.
    if unit and unit.webhook_url:
        targets.add(("webhook", unit.webhook_url, unit.webhook_kind or "wecom"))
    return sorted(targets)


# Many notices in one statement, as arrays (their creation day shared).
_NEW_NOTIFICATIONS = text(
    "INSERT INTO sv_notifications (notification_id, key, kind, user_id, unit_code, campaign_id, reference, title, body, "
    "created_on) SELECT n.*, CAST(:today AS date) FROM unnest(CAST(:ids AS text[]), CAST(:keys AS text[]), "
    "CAST(:kinds AS text[]), CAST(:user_ids AS text[]), CAST(:unit_codes AS text[]), CAST(:campaign_ids AS text[]), "
    "CAST(:references AS text[]), CAST(:titles AS text[]), CAST(:bodies AS text[])) AS n "
    "ON CONFLICT DO NOTHING RETURNING notification_id")


# Written once (zhengdun.db.insert_or_skip): a notice's statements run for every alert and reminder.
_NEW_NOTIFICATION = insert_or_skip(NotificationRow, "notification_id", "key", "kind", "user_id", "unit_code", "campaign_id",
                                   "reference", "title", "body", "created_on", returning="notification_id")
_NEW_DELIVERY = insert_or_skip(DeliveryRow, "notification_id", "channel", "target", "webhook_kind")


def _policy(campaign: CampaignRow) -> Policy:
    return Policy.model_validate(campaign.policy)


async def on_day(session: AsyncSession, campaign: CampaignRow, today: date) -> int:
    """Reminders and escalations due today in a campaign (after its alerts were evaluated)."""
    policy = _policy(campaign)
    window = today + timedelta(days=policy.reminder_days_before_deadline)
    rows = (await session.execute(select(MeasureRow).where(
        MeasureRow.campaign_id == campaign.campaign_id, MeasureRow.deadline >= today, MeasureRow.deadline <= window,
        ~exists().where(NotificationRow.key == func.concat(f"{notices.Kind.REMINDER}:", MeasureRow.measure_id))
    ))).scalars().all()
    records: dict[str, list[ProgressRow]] = {}
    if rows:
        for r in (await session.execute(select(ProgressRow).where(
                ProgressRow.measure_id.in_([m.measure_id for m in rows])))).scalars():
            records.setdefault(r.measure_id, []).append(r)
    measures = [notices.OpenMeasure(r.measure_id, r.campaign_id, r.village_code, r.title, r.responsible,
                                    r.responsible_user_id, r.deadline)
                for r in rows if completed_on(r, records.get(r.measure_id, []), upto=today) is None]
    open_alerts = [notices.OpenAlert(a.alert_id, a.campaign_id, _label(a.rule), a.subject_code, a.raised_on)
                   for a in (await session.execute(select(AlertRow).where(
                       AlertRow.campaign_id == campaign.campaign_id, AlertRow.status == "open",
                       AlertRow.raised_on <= today - timedelta(days=policy.escalation_days)))).scalars()]
    return await notify_many(session, [*notices.reminders(measures, policy.reminder_days_before_deadline, today),
                                       *notices.escalations(open_alerts, policy.escalation_days, today)], today)


def _label(rule: str) -> str:
    from supervision.domain.rules import RULE_LABELS, Rule
    try:
        return RULE_LABELS[Rule(rule)]
    except ValueError:
        return rule


def alert_notice_of(alert: AlertRow) -> Notice:
    """The notice of a raised alert, to the person and the unit answering for it."""
    return notices.alert_notice(alert.alert_id, alert.campaign_id, _label(alert.rule), alert.subject_code,
                                alert.subject_person, alert.subject_user_id, alert.due_on, alert.village_code)


# --- the inbox ---------------------------------------------------------------------------

def addressed_to(user_id: str, unit_code: str | None):
    """A person's inbox: notices naming them, and notices to their unit that name no one."""
    mine = NotificationRow.user_id == user_id
    if unit_code:
        mine = or_(mine, and_(NotificationRow.user_id.is_(None), NotificationRow.unit_code == unit_code))
    return mine


def is_read(user_id: str):
    return exists().where(NotificationRead.notification_id == NotificationRow.notification_id,
                          NotificationRead.user_id == user_id)


async def inbox(session: AsyncSession, user_id: str, unit_code: str | None, *, unread_only: bool, offset: int,
                limit: int) -> tuple[list[tuple[NotificationRow, bool]], int]:
    where = addressed_to(user_id, unit_code)
    if unread_only:
        where = and_(where, ~is_read(user_id))
    total = (await session.execute(select(func.count()).select_from(NotificationRow).where(where))).scalar_one()
    rows = (await session.execute(select(NotificationRow, is_read(user_id).label("read")).where(where)
                                  .order_by(NotificationRow.created_at.desc(), NotificationRow.notification_id)
                                  .offset(offset).limit(limit))).all()
    return [(row, read) for row, read in rows], total


async def unread_count(session: AsyncSession, user_id: str, unit_code: str | None) -> int:
    return (await session.execute(select(func.count()).select_from(NotificationRow).where(
        addressed_to(user_id, unit_code), ~is_read(user_id)))).scalar_one()


async def mark_read(session: AsyncSession, user_id: str, unit_code: str | None, notification_id: str) -> NotificationRow | None:
    row = (await session.execute(select(NotificationRow).where(
        NotificationRow.notification_id == notification_id, addressed_to(user_id, unit_code)))).scalar_one_or_none()
    if row is not None:
        await session.execute(insert(NotificationRead).values(notification_id=notification_id, user_id=user_id)
                              .on_conflict_do_nothing())
    return row


async def statistics(session: AsyncSession, unit: str) -> dict[str, int]:
    inside = within(NotificationRow.unit_code, unit)
    created = (await session.execute(select(func.count()).select_from(NotificationRow).where(inside))).scalar_one()
    by_status = dict((await session.execute(
        select(DeliveryRow.status, func.count()).join(NotificationRow, NotificationRow.notification_id ==
                                                      DeliveryRow.notification_id)
        .where(inside).group_by(DeliveryRow.status))).all())
    return {"notifications": created, "deliveries_sent": by_status.get("sent", 0),
            "deliveries_pending": by_status.get("pending", 0)}
