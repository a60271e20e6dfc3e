"""Evidence files (zhengdun.attachments): a township's round keeps the files of its assessments,
committee meeting and public notice; a county's review keeps those of its site visits."""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from screening.models import ScreeningAttachment
from screening.service.state import load_campaign
from zhengdun import attachments, clock
from zhengdun.events.base import Actor
from zhengdun.messaging.outbox import UnitOfWork
from zhengdun.problems import not_found

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


async def upload(uow: UnitOfWork, actor: Actor, kind: str, campaign_id: str, round_id: str, unit: str,
                 filename: str, content: bytes) -> dict:
    """The upload use case of a township's round or a county's review (the caller checked the unit's level)."""
    await load_campaign(uow.session, campaign_id)
    row = await store_attachment(uow.session, kind, campaign_id, round_id, unit, filename, content, actor)
    await uow.commit()
    return attachments.out(row)


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


async def download(session: AsyncSession, kind: str, campaign_id: str, round_id: str, unit: str, file_id: str):
    """The file as a download (its SHA-256 in the headers); 404 when it is not a file of this round's unit."""
    row = await find_attachment(session, kind, campaign_id, round_id, unit, file_id)
    if row is None:
        raise not_found(f"佐证材料 {file_id}")
    return attachments.download(row)
