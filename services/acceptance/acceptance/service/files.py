"""Evidence files of an acceptance (zhengdun.attachments): uploaded first, then named by the steps."""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from acceptance.models import AcceptanceAttachment, AcceptanceRow
from zhengdun import attachments, clock
from zhengdun.attachments import AttachmentOut
from zhengdun.events.base import Actor
from zhengdun.messaging.outbox import UnitOfWork
from zhengdun.problems import not_found

ATTACHMENTS = "acceptance"


def owner(row: AcceptanceRow) -> dict:
    return {"kind": ATTACHMENTS, "record_key": row.acceptance_id, "unit_code": row.village_code}


async def upload(uow: UnitOfWork, row: AcceptanceRow, filename: str, content: bytes, actor: Actor) -> AttachmentOut:
    stored = attachments.stored(AcceptanceAttachment, filename, content, today=await clock.today(uow.session),
                                actor=actor.model_dump(mode="json"), **owner(row))
    uow.session.add(stored)
    await uow.commit()
    return attachments.out(stored)


async def find(session: AsyncSession, row: AcceptanceRow, file_id: str) -> AcceptanceAttachment:
    stored = await attachments.find(session, AcceptanceAttachment, file_id, **owner(row))
    if stored is None:
        raise not_found(f"佐证材料 {file_id}")
    return stored
