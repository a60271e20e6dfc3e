"""Appending to and reading the documentary record (纪实) in the database; the chain rules are
in ``supervision.domain.journal``."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from supervision.domain.journal import GENESIS, StoredEntry, Verification, entry_hash, verify
from supervision.models import JournalEntry


async def lock_chains(session: AsyncSession, chain_codes) -> None:
    """One writer per chain at a time (consumer and API may both append): transaction-scoped locks, taken in
    code order so that two transactions appending to several chains cannot wait on each other in a circle."""
    for chain_code in sorted(set(chain_codes)):
        await session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:chain))"), {"chain": f"journal:{chain_code}"})


async def append(session: AsyncSession, chain_code: str, kind: str, reference: str, body: dict[str, Any]) -> JournalEntry:
    await lock_chains(session, [chain_code])   # re-entrant: a chain locked before by lock_chains is already held
    last = (await session.execute(select(JournalEntry).where(JournalEntry.chain_code == chain_code)
                                  .order_by(JournalEntry.position.desc()).limit(1))).scalar_one_or_none()
    position = (last.position + 1) if last else 1
    prev_hash = last.hash if last else GENESIS
    recorded_at = datetime.now(timezone.utc).isoformat()
    body = _plain(body)
    entry = JournalEntry(chain_code=chain_code, position=position, kind=kind, reference=reference, body=body,
                         recorded_at=recorded_at, prev_hash=prev_hash,
                         hash=entry_hash(chain_code, position, kind, reference, body, recorded_at, prev_hash))
    session.add(entry)
    await session.flush()
    return entry


def _plain(value: Any) -> Any:
    """JSON-native form (what JSONB gives back), so the hash computed now is the hash verified later."""
    import json
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


async def read_chain(session: AsyncSession, chain_code: str, offset: int | None = None,
                     limit: int | None = None) -> tuple[list[JournalEntry], int]:
    total = (await session.execute(select(func.count()).where(JournalEntry.chain_code == chain_code))).scalar_one()
    query = select(JournalEntry).where(JournalEntry.chain_code == chain_code).order_by(JournalEntry.position)
    if offset is not None:
        query = query.offset(offset).limit(limit)
    return list((await session.execute(query)).scalars()), total


async def verify_chain(session: AsyncSession, chain_code: str) -> Verification:
    entries, _ = await read_chain(session, chain_code)
    return verify([StoredEntry(e.chain_code, e.position, e.kind, e.reference, e.body, e.recorded_at, e.prev_hash, e.hash)
                   for e in entries])
