"""Load-and-authorize dependencies: "this acceptance" and "this document", loaded once per request
and checked against the caller's reach, so that no route repeats the load and the check.

Each is also the route's guard: it carries the policy ``action`` (as ``zhengdun.access.authorized``
does), which the access matrix reads."""
from __future__ import annotations

from dataclasses import dataclass

from fastapi import Depends

from acceptance.models import AcceptanceRow, Document
from acceptance.service.rows import load_for_update
from zhengdun.access import authorize_target, authorized, guard
from zhengdun.auth import Principal
from zhengdun.dependencies import Reader, UoW
from zhengdun.params import Uuid
from zhengdun.problems import not_found


@dataclass
class Acting:
    """The caller and the acceptance they act on."""
    principal: Principal
    row: AcceptanceRow


def _reached(row: AcceptanceRow | None, acceptance_id: str, principal: Principal, action: str) -> AcceptanceRow:
    if row is None:
        raise not_found(f"验收 {acceptance_id}")
    authorize_target(principal, action, row.village_code)
    return row


def acceptance_to_read(action: str = "acceptance.read"):
    """The acceptance ``{acceptance_id}`` in the route's read session, if the caller may take ``action`` on it."""
    async def dependency(acceptance_id: Uuid, session: Reader,
                         principal: Principal = Depends(authorized(action))) -> Acting:
        return Acting(principal, _reached(await session.get(AcceptanceRow, acceptance_id), acceptance_id, principal, action))

    return guard(dependency, action)


def acceptance_to_change(action: str, *, lock: bool = True):
    """The acceptance ``{acceptance_id}`` in the route's unit of work — locked, so that steps on one
    acceptance run one after the other — if the caller may take ``action`` on it."""
    async def dependency(acceptance_id: Uuid, uow: UoW, principal: Principal = Depends(authorized(action))) -> Acting:
        row = await (load_for_update(uow.session, acceptance_id) if lock else uow.session.get(AcceptanceRow, acceptance_id))
        return Acting(principal, _reached(row, acceptance_id, principal, action))

    return guard(dependency, action)


def document_to_read(action: str = "acceptance.read"):
    """The document ``{document_id}``, if the caller may read its acceptance."""
    async def dependency(document_id: Uuid, session: Reader, principal: Principal = Depends(authorized(action))) -> Document:
        doc = await session.get(Document, document_id)
        if doc is None:
            raise not_found(f"文书 {document_id}")
        _reached(await session.get(AcceptanceRow, doc.acceptance_id), doc.acceptance_id, principal, action)
        return doc

    return guard(dependency, action)
