"""The division registry, owned by screening: a whole file of divisions imported at once."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import ARRAY, String, any_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from screening.domain.registry import DivisionChange, Existing, ImportRow, parse_rows, plan_import, referenced_codes
from screening.registry_files import uploaded_table
from zhengdun.events.base import Actor
from zhengdun.events.registry import DivisionUpserted
from zhengdun.messaging.outbox import UnitOfWork
from zhengdun.problems import unprocessable
from zhengdun.registry import Division, upsert_divisions

MAX_IMPORT_BYTES = 50 * 1024 * 1024  # well above a whole province's registry as CSV


async def import_division_file(uow: UnitOfWork, filename: str, content: bytes, *, actor: Actor,
                               importer_unit: str) -> dict:
    """A CSV or XLSX file of divisions: the whole file passes, or none of it."""
    rows = parse_rows(*uploaded_table(filename, content, MAX_IMPORT_BYTES))
    if not rows:
        raise unprocessable("empty-import", "文件中没有区划数据行 (no data rows)")
    return await import_divisions(uow, rows, actor=actor, importer_unit=importer_unit)


async def import_divisions(uow: UnitOfWork, rows: list[ImportRow], *, actor: Actor, importer_unit: str) -> dict:
    """Validate the whole file, then apply every change and its event in one transaction."""
    existing = await stored_divisions(uow.session, referenced_codes(rows))
    changes = plan_import(rows, existing, importer_unit=importer_unit)  # raises on any bad row
    await apply_changes(uow, changes, actor=actor)
    await uow.commit()
    created = sum(1 for c in changes if c.revision == 1)
    return {"rows": len(rows), "created": created, "updated": len(changes) - created, "unchanged": len(rows) - len(changes)}


async def stored_divisions(session: AsyncSession, codes: Iterable[str]) -> dict[str, Existing]:
    """The registry's entry of each of ``codes`` that it holds."""
    # One array parameter: an IN list of a province's 51,000 codes cost more to render and bind than to run.
    stored = await session.execute(
        select(Division.code, Division.name, Division.parent_code, Division.kind, Division.revision)
        .where(Division.code == any_(bindparam("codes", type_=ARRAY(String)))), {"codes": list(codes)})
    return {c: Existing(n, p, k, r) for c, n, p, k, r in stored}


# Changes stored and published per pair of statements: a province's file (51,056 rows) built as rows, envelopes and
# JSON bodies all at once took screening from 150 to 490 MB; a slice at a time keeps it within its 300 MB.
APPLY_SLICE = 5000


async def apply_changes(uow: UnitOfWork, changes: list[DivisionChange], *, actor: Actor) -> None:
    """Store the registry's changes and write their events to the outbox, a slice at a time, in the file's order
    (the caller commits: the whole file is still one transaction). Each slice's events are built here: a change is a
    tuple of a tenth of an event's size until then."""
    for start in range(0, len(changes), APPLY_SLICE):
        part = [DivisionUpserted(**change._asdict()) for change in changes[start:start + APPLY_SLICE]]
        await upsert_divisions(uow.session, [c.model_dump(mode="json") for c in part])  # a file holds each code once
        await uow.publish_many([(c, c.code) for c in part], actor=actor)
