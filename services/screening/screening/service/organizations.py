"""The registry of 非公企业 and 社会组织 (seed 003 篇三), owned by screening beside the division registry (rules:
domain/organizations.py). A whole file is imported at once; each organization gets a code under its township once
and keeps it, and is then a village-level entry of the division registry, published as every division is
(``DivisionUpserted`` through the outbox), so every service's copy agrees."""
from __future__ import annotations

from sqlalchemy import and_, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from screening.domain.organizations import (FIRST_NUMBER, AttachPoint, parse_organization_rows,
                                            plan_organization_import)
from screening.models import OrganizationCode
from screening.registry_files import uploaded_table
from screening.service.divisions import apply_changes, stored_divisions
from zhengdun.divisions import CODE_PATTERN, parent_code
from zhengdun.events.base import Actor
from zhengdun.messaging.outbox import UnitOfWork
from zhengdun.problems import unprocessable
from zhengdun.reading import within
from zhengdun.registry import Division
from zhengdun.roles import Level

MAX_IMPORT_BYTES = 5 * 1024 * 1024  # a city's organizations as CSV are well under 1 MB


async def import_organization_file(uow: UnitOfWork, filename: str, content: bytes, *, actor: Actor,
                                   importer_unit: str) -> dict:
    """A CSV or XLSX file of organizations: the whole file passes, or none of it."""
    rows = parse_organization_rows(*uploaded_table(filename, content, MAX_IMPORT_BYTES))
    if not rows:
        raise unprocessable("empty-import", "文件中没有组织数据行 (no data rows)")
    session = uow.session
    # One import at a time gives codes, so two cannot pick the same free code.
    await session.execute(text("LOCK TABLE organization_codes IN SHARE ROW EXCLUSIVE MODE"))
    codes = dict((await session.execute(select(OrganizationCode.uscc, OrganizationCode.code).where(
        OrganizationCode.uscc.in_({r.uscc for r in rows})))).all())
    named = {r.attached_to for r in rows if CODE_PATTERN.match(r.attached_to)}
    attach_points = {c: AttachPoint(Level(level), kind) for c, level, kind in await session.execute(
        select(Division.code, Division.level, Division.kind).where(Division.code.in_(named)))}
    plan = plan_organization_import(
        rows, codes=codes, stored=await stored_divisions(session, codes.values()), attach_points=attach_points,
        taken=await _taken_codes(session, _townships(attach_points)), importer_unit=importer_unit)
    if plan.assigned:
        await session.execute(insert(OrganizationCode), [{"uscc": u, "code": c} for u, c in plan.assigned.items()])
    await apply_changes(uow, plan.changes, actor=actor)
    await uow.commit()
    created = sum(1 for c in plan.changes if c.revision == 1)
    return {"rows": len(rows), "created": created, "updated": len(plan.changes) - created,
            "unchanged": len(rows) - len(plan.changes)}


def _townships(attach_points: dict[str, AttachPoint]) -> set[str]:
    """The townships the rows may lead to: those named, and those of the villages or communities named."""
    return {code if point.level is Level.TOWNSHIP else parent_code(code)
            for code, point in attach_points.items() if point.level in (Level.TOWNSHIP, Level.VILLAGE)}


async def _taken_codes(session: AsyncSession, townships: set[str]) -> dict[str, set[str]]:
    """The village-level codes of the reserved range already used under each township (registry or assigned)."""
    taken: dict[str, set[str]] = {t: set() for t in townships}
    for township in townships:
        reserved = and_(within(Division.code, township), Division.code >= township[:9] + f"{FIRST_NUMBER:03d}")
        taken[township].update((await session.execute(select(Division.code).where(
            reserved, Division.level == Level.VILLAGE.value))).scalars())
        taken[township].update((await session.execute(select(OrganizationCode.code).where(
            within(OrganizationCode.code, township)))).scalars())
    return taken

