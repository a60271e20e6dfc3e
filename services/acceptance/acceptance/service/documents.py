"""Signed documents of an acceptance: their content, the signatures and unit seals on them, the units'
seal keys, checking a document and printing it."""
from __future__ import annotations

import functools
import json
import uuid
from datetime import date, timedelta, timezone

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from acceptance import printable
from acceptance.domain import signing
from acceptance.domain.process import Acceptance, Person
from acceptance.models import AcceptanceRow, Document, Seal, SealKey, Signature
from acceptance.responses import KeyOut
from acceptance.service.rows import division_name
from zhengdun import printing
from zhengdun.divisions import city_of
from zhengdun.messaging.outbox import UnitOfWork
from zhengdun.pagination import Page, PageParams
from zhengdun.reading import paginate, within
from zhengdun.settings import settings_for


def new_document(acceptance_id: str, kind: str, content: dict, today: date) -> Document:
    """A new document with its canonical content: the step writes it (rows.write_step)."""
    return Document(document_id=str(uuid.uuid4()), acceptance_id=acceptance_id, kind=kind,
                    content=signing.canonical_text(content), created_on=today)


async def county_report_content(session: AsyncSession, row: AcceptanceRow, acc: Acceptance,
                                village_name: str | None = None) -> dict:
    """The county acceptance report exactly as the county secretary signs it (and may read it before signing):
    built from the state once the standing committee has approved, which signing does not change. ``village_name``:
    as the caller read it already (the step's lock), else read here."""
    county = acc.state["county"]
    return {"kind": "county_acceptance_report", "title": "县级验收报告", "acceptance_id": row.acceptance_id,
            "case_id": row.case_id, "campaign_id": row.campaign_id, "village_code": row.village_code, "round": row.round,
            "village_name": village_name or await division_name(session, row.village_code),
            "county_code": row.county_code, "group": county["group"],
            "opinions": {d: {"agrees": o["agrees"], "opinion": o.get("opinion"), "document_id": o.get("document_id")}
                         for d, o in county["opinions"].items()},
            "report": county["report"], "passed": county["report_passed"],
            "approval": county["approval"] | {"approved": county["approved"]}, "filed_with": city_of(row.county_code),
            "preliminary_report": acc.state.get("documents", {}).get("preliminary_report")}


def signature(doc: Document, person: Person, today: date) -> Signature:
    """The person's signature over the document's content as it is: the step writes it (rows.write_step)."""
    return Signature(document_id=doc.document_id, user_id=person.user_id, name=person.name, role=person.role,
                     unit_code=person.unit_code, content_sha256=signing.digest(doc.content), signed_on=today)


@functools.cache
def seal_passphrase() -> bytes:
    """Encrypts the units' private keys at rest; production sets ZD_SEAL_PASSPHRASE (a secret). Read once per process:
    the service's settings read its environment anew at each call (a twentieth of a seal's step)."""
    return settings_for("acceptance").seal_passphrase.encode()


async def _lock_keys_of(session: AsyncSession, unit_code: str) -> None:
    """One transaction at a time decides a unit's current key: with no key yet, SELECT … FOR UPDATE locks
    nothing, and two first seals at once would each make a key (every later seal of the unit then fails)."""
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"seal-key:{unit_code}"})


def _unit_key(unit_code: str):
    return select(SealKey).where(SealKey.unit_code == unit_code, SealKey.retired_at.is_(None))


async def current_key(session: AsyncSession, unit_code: str) -> SealKey:
    """The unit's current seal key, made the first time. A key in place is only shared (FOR SHARE): seals of one unit
    at once go side by side, and a rotation (FOR UPDATE) waits for them, so none seals with a key retired before it
    commits. The first seals of a unit at once: one inserts the key, the unique index of the current keys makes the
    others' inserts wait for its commit and then do nothing, and they share the key it made. (Made under the unit's
    lock, each of them had waited for the one before it to commit: the campaign's slowest calls, the first seals of
    a township or a county.)"""
    key = (await session.execute(_unit_key(unit_code).with_for_update(read=True))).scalar_one_or_none()
    if key is not None:
        return key
    private, public = signing.new_key_pair(seal_passphrase())
    made = (await session.execute(_NEW_KEY, {"key_id": str(uuid.uuid4()), "unit_code": unit_code,
                                             "private_pem": private, "public_pem": public})).scalar_one_or_none()
    # Made here, or by a transaction that committed it meanwhile (this statement's snapshot did not see it).
    key = (await session.execute(_unit_key(unit_code).with_for_update(read=True)
                                 .execution_options(populate_existing=True))).scalar_one_or_none()
    if key is None:
        raise RuntimeError(f"no current seal key of {unit_code} after making one ({made})")
    return key


_NEW_KEY = text("INSERT INTO seal_keys (key_id, unit_code, private_pem, public_pem) "
                "VALUES (:key_id, :unit_code, :private_pem, :public_pem) "
                "ON CONFLICT (unit_code) WHERE retired_at IS NULL DO NOTHING RETURNING key_id")


async def _rotate(session: AsyncSession, unit_code: str) -> SealKey:
    await _lock_keys_of(session, unit_code)
    old = (await session.execute(_unit_key(unit_code).with_for_update())).scalar_one_or_none()
    if old is not None:
        old.retired_at = func.now()
        await session.flush()
    return await current_key(session, unit_code)


async def seal(session: AsyncSession, doc: Document, unit_code: str, today: date) -> Seal:
    """The unit's seal over the document's content, with its current key (shared until the transaction ends: no
    rotation retires it meanwhile): the step writes it (rows.write_step)."""
    key = await current_key(session, unit_code)
    return Seal(document_id=doc.document_id, unit_code=unit_code, key_id=key.key_id,
                signature=signing.seal(key.private_pem, doc.content, seal_passphrase()), sealed_on=today)


async def verify(session: AsyncSession, doc: Document) -> dict:
    now = signing.digest(doc.content)
    signatures = (await session.execute(select(Signature).where(Signature.document_id == doc.document_id)
                                        .order_by(Signature.seq))).scalars().all()
    seals = (await session.execute(select(Seal).where(Seal.document_id == doc.document_id)
                                   .order_by(Seal.seq))).scalars().all()
    keys = {k.key_id: k for k in (await session.execute(
        select(SealKey).where(SealKey.key_id.in_([s.key_id for s in seals])))).scalars()}
    sig_views = [{"user_id": s.user_id, "name": s.name, "role": s.role, "unit_code": s.unit_code,
                  "signed_at": s.signed_at.isoformat(), "signed_on": s.signed_on.isoformat(),
                  "content_sha256": s.content_sha256, "valid": signing.signature_verifies(s.content_sha256, doc.content)}
                 for s in signatures]
    seal_views = [{"unit_code": s.unit_code, "key_id": s.key_id, "algorithm": signing.SEAL_ALGORITHM,
                   "sealed_at": s.sealed_at.isoformat(), "sealed_on": s.sealed_on.isoformat(),
                   "key_retired": keys[s.key_id].retired_at is not None if s.key_id in keys else None,
                   "valid": s.key_id in keys and signing.seal_verifies(keys[s.key_id].public_pem, doc.content, s.signature)}
                  for s in seals]
    return {"document_id": doc.document_id, "acceptance_id": doc.acceptance_id, "kind": doc.kind,
            "content_sha256": now, "signatures": sig_views, "seals": seal_views,
            "valid": bool(sig_views or seal_views) and all(v["valid"] for v in sig_views + seal_views)}


CHINA = timezone(timedelta(hours=8))   # the people who read the paper read Beijing time (no daylight saving)


async def document_pdf(session: AsyncSession, doc: Document, verify_path: str) -> tuple[bytes, str]:
    """The document as printable PDF with its signatures, seals and verification code; and its file name."""
    signatures = (await session.execute(select(Signature).where(Signature.document_id == doc.document_id)
                                        .order_by(Signature.seq))).scalars().all()
    seals = (await session.execute(select(Seal).where(Seal.document_id == doc.document_id)
                                   .order_by(Seal.seq))).scalars().all()
    units = {code: await division_name(session, code) for code in {s.unit_code for s in [*signatures, *seals]}}
    page = printable.printable(
        document_id=doc.document_id, kind=doc.kind, content=json.loads(doc.content),
        content_sha256=signing.digest(doc.content), created_on=doc.created_on, verify_path=verify_path,
        signatures=[printable.SignatureLine(s.name, s.role, units.get(s.unit_code) or s.unit_code,
                                            s.signed_at.astimezone(CHINA)) for s in signatures],
        seals=[printable.SealLine(units.get(s.unit_code) or s.unit_code, s.key_id, s.sealed_at.astimezone(CHINA)) for s in seals])
    return printing.to_pdf(page, author="整顿工作平台 评估验收"), f"{page.filename}.pdf"


# ------------------------------------------------------------------ use cases


async def list_documents(session: AsyncSession, acceptance_id: str, paging: PageParams) -> Page:
    query = select(Document).where(Document.acceptance_id == acceptance_id)
    return await paginate(session, query, paging, order_by=[Document.created_on, Document.kind],
                          out=lambda d: {"document_id": d.document_id, "kind": d.kind,
                                         "created_on": d.created_on.isoformat(), "content": json.loads(d.content)})


def key_out(key: SealKey) -> KeyOut:
    return KeyOut(key_id=key.key_id, unit_code=key.unit_code, public_pem=key.public_pem,
                  created_at=key.created_at.isoformat(), retired_at=key.retired_at.isoformat() if key.retired_at else None)


async def list_keys(session: AsyncSession, reach: str, unit: str | None, paging: PageParams) -> Page:
    """The seal keys of the units within ``reach`` (the caller's division), or of one ``unit``."""
    query = select(SealKey).where(within(SealKey.unit_code, reach))
    if unit:
        query = query.where(SealKey.unit_code == unit)
    return await paginate(session, query, paging, order_by=[SealKey.unit_code, SealKey.created_at], out=key_out)


async def rotate_key(uow: UnitOfWork, unit_code: str) -> KeyOut:
    """A new seal key for the unit; the retired one still verifies the seals it made."""
    key = await _rotate(uow.session, unit_code)
    await uow.commit()
    await uow.session.refresh(key)
    return key_out(key)
