"""Appending to and reading the documentary record (纪实) in the database; the chain rules are
in ``supervision.domain.journal``."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import ARRAY, String, any_, bindparam, delete, event, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from supervision.domain.journal import GENESIS, StoredEntry, Verification, entry_hash, verify
from supervision.models import JournalEntry, PendingJournalEntry


PENDING = "journal_pending"


async def append(session: AsyncSession, chain_code: str, kind: str, reference: str, body: dict[str, Any]) -> None:
    """Queue an entry in this transaction; it takes its place in the chain when the transaction commits
    (``seal``). Nothing is locked now, so a transaction that appends to several chains in any order, as a
    consumer's batch does, never holds one chain while waiting for another (seen: deadlocks, answered 500)."""
    await session.execute(_QUEUE, entry(chain_code, kind, reference, body))
    queued(session)


def queued_with(statement):
    """``statement`` that also queues an entry (``append``'s bound ``:chain_code``, ``:kind``, ``:reference``, ``:body``,
    see ``entry``) in the same round trip; the caller marks it ``queued`` once executed."""
    return statement.add_cte(_QUEUE_ONE)


def entry(chain_code: str, kind: str, reference: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"chain_code": chain_code, "kind": kind, "reference": reference, "body": plain(body)}


def queued(session: AsyncSession) -> None:
    """Entries are queued in this transaction: ``seal`` chains them at its commit."""
    session.info[PENDING] = True


async def append_many(session: AsyncSession, entries: list[tuple[str, str, str, dict[str, Any]]]) -> None:
    """``append`` of many (chain code, kind, reference, body) entries, in their order, in one round trip."""
    if entries:
        await session.execute(_QUEUE, [entry(*queued_entry) for queued_entry in entries])
        queued(session)


# Statements built once (seal runs at every commit that appended): the queue, its entries taken out in their
# order, the chains' locks in one statement (in code order: no circle of waits), the chains' heads, the entries.
_QUEUE = insert(PendingJournalEntry)
_QUEUE_ONE = insert(PendingJournalEntry).values(
    chain_code=bindparam("chain_code"), kind=bindparam("kind"), reference=bindparam("reference"),
    body=bindparam("body", type_=PendingJournalEntry.__table__.c.body.type)).cte("journal_queued")
_TAKE_QUEUED = delete(PendingJournalEntry).returning(
    PendingJournalEntry.id, PendingJournalEntry.chain_code, PendingJournalEntry.kind, PendingJournalEntry.reference,
    PendingJournalEntry.body).execution_options(synchronize_session=False)
_LOCK_CHAINS = text("SELECT pg_advisory_xact_lock(hashtext('journal:' || chain)) "
                    "FROM unnest(CAST(:chains AS text[])) WITH ORDINALITY AS c (chain, n) ORDER BY n")
_HEADS = (select(JournalEntry.chain_code, JournalEntry.position, JournalEntry.hash)
          .where(JournalEntry.chain_code == any_(bindparam("chains", type_=ARRAY(String))))
          .order_by(JournalEntry.chain_code, JournalEntry.position.desc()).distinct(JournalEntry.chain_code))
_CHAIN = insert(JournalEntry)


@event.listens_for(Session, "before_commit")
def seal(session: Session) -> None:
    """Chain this transaction's queued entries: their chains locked in code order (one writer per chain,
    and no circle of waits), then each entry numbered and hashed after its chain's last. A savepoint rolled
    back took its queued rows with it, so only what commits is chained."""
    if session.in_nested_transaction() or not session.info.pop(PENDING, False):
        return   # a savepoint released (the consumer's batch): its entries are chained with the whole transaction
    # Only this transaction's queued rows are visible: another's are taken out in the transaction that queued them.
    pending = sorted(session.execute(_TAKE_QUEUED).all(), key=lambda entry: entry.id)
    if not pending:
        return
    chains = sorted({p.chain_code for p in pending})
    session.execute(_LOCK_CHAINS, {"chains": chains})
    heads = {chain: (position, hash_) for chain, position, hash_ in session.execute(_HEADS, {"chains": chains})}
    recorded_at = datetime.now(timezone.utc).isoformat()
    entries = []
    for entry in pending:
        last_position, prev_hash = heads.get(entry.chain_code, (0, GENESIS))
        position = last_position + 1
        digest = entry_hash(entry.chain_code, position, entry.kind, entry.reference, entry.body, recorded_at, prev_hash)
        entries.append({"chain_code": entry.chain_code, "position": position, "kind": entry.kind,
                        "reference": entry.reference, "body": entry.body, "recorded_at": recorded_at,
                        "prev_hash": prev_hash, "hash": digest})
        heads[entry.chain_code] = (position, digest)
    session.execute(_CHAIN, entries)


def plain(value: Any) -> Any:
    """JSON-native form (what JSONB gives back), so the hash computed now is the hash verified later (and a
    record's columns hold what its journal entry holds)."""
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
