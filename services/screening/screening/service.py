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
