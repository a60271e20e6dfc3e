"""The acceptances as the routes answer them: a page of summaries, one acceptance with its records."""
from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from acceptance.domain import signing
from acceptance.domain.process import STAGE_LABELS, Acceptance, Stage, spot_check_levels
from acceptance.models import AcceptanceRecord, AcceptanceRow, Document
from acceptance.responses import AcceptanceSummary, SignContentOut
from acceptance.service.documents import county_report_content
from acceptance.service.rows import Surroundings, aggregate, division_name
from acceptance.service.spot_checks import spot_check_levels_of
from zhengdun.divisions import level_of
from zhengdun.pagination import Page, PageParams
from zhengdun.reading import paginate, within
from zhengdun.refusals import OutOfOrder
from zhengdun.registry import Division


def summary(row: AcceptanceRow, name: str | None) -> AcceptanceSummary:
    return AcceptanceSummary(acceptance_id=row.acceptance_id, case_id=row.case_id, campaign_id=row.campaign_id,
                             village_code=row.village_code, village_name=name, township_code=row.township_code,
                             county_code=row.county_code, round=row.round, stage=row.stage,
                             stage_label=STAGE_LABELS[Stage(row.stage)], ready_on=row.ready_on, updated_on=row.updated_on)


_DOCUMENTS = select(Document.document_id, Document.kind, Document.created_on) \
    .where(Document.acceptance_id == bindparam("acceptance_id")).order_by(Document.created_on, Document.kind)


async def acceptance_view(session: AsyncSession, row: AcceptanceRow, around: Surroundings | None = None) -> dict:
    """The acceptance with its state and documents, as a step answers it (``around``: the village's name and the
    campaign's area as the step's lock read them, else read here)."""
    await session.flush()   # the step's new documents are listed too
    docs = (await session.execute(_DOCUMENTS, {"acceptance_id": row.acceptance_id})).all()
    if around is None:
        name = await division_name(session, row.village_code)
        levels = (await spot_check_levels_of(session, [row.campaign_id]))[row.campaign_id]
    else:
        name = around.village_name or row.village_code
        levels = spot_check_levels(level_of(around.campaign_area) if around.campaign_area else None)
    return {**summary(row, name).model_dump(mode="json"), "state": row.state, "spot_check_levels": list(levels),
            "documents": [{"document_id": d.document_id, "kind": d.kind, "created_on": d.created_on.isoformat()}
                          for d in docs]}


def step_view(row: AcceptanceRow, acc: Acceptance, today: date, around: Surroundings,
              new_documents: list[Document]) -> dict:
    """The acceptance as a step left it (``acc``, updated ``today``), as ``acceptance_view`` reads it back: the
    documents the step's lock read (``around``) and the step's ``new_documents``, in the same order."""
    docs = sorted([*around.documents, *((d.document_id, d.kind, d.created_on) for d in new_documents)],
                  key=lambda d: (d[2], d[1]))
    levels = spot_check_levels(level_of(around.campaign_area) if around.campaign_area else None)
    return {"acceptance_id": row.acceptance_id, "case_id": row.case_id, "campaign_id": row.campaign_id,
            "village_code": row.village_code, "village_name": around.village_name or row.village_code,
            "township_code": row.township_code, "county_code": row.county_code, "round": row.round,
            "stage": acc.stage.value, "stage_label": STAGE_LABELS[acc.stage], "ready_on": row.ready_on.isoformat(),
            "updated_on": today.isoformat(), "state": acc.state, "spot_check_levels": list(levels),
            "documents": [{"document_id": document_id, "kind": kind, "created_on": created_on.isoformat()}
                          for document_id, kind, created_on in docs]}


async def list_acceptances(session: AsyncSession, reach: str, paging: PageParams, *, within_codes: list[str],
                           stage: Stage | None, campaign_id: str | None) -> Page:
    """The acceptances inside ``reach`` (the caller's division) and inside each of ``within_codes``."""
    query = select(AcceptanceRow, Division.name).outerjoin(Division, Division.code == AcceptanceRow.village_code) \
        .where(within(AcceptanceRow.village_code, reach))
    for code in within_codes:
        query = query.where(within(AcceptanceRow.village_code, code))
    if stage:
        query = query.where(AcceptanceRow.stage == stage.value)
    if campaign_id:
        query = query.where(AcceptanceRow.campaign_id == campaign_id)
    return await paginate(session, query, paging, order_by=[AcceptanceRow.village_code, AcceptanceRow.round],
                          scalars=False, out=lambda r: summary(*r))


async def acceptance_detail(session: AsyncSession, row: AcceptanceRow) -> dict:
    """The acceptance with every step's record, in order."""
    view = await acceptance_view(session, row)
    records = (await session.execute(select(AcceptanceRecord).where(AcceptanceRecord.acceptance_id == row.acceptance_id)
                                     .order_by(AcceptanceRecord.seq))).scalars().all()
    view["records"] = [{"step": r.step, "outcome": r.outcome, "body": r.body, "actor": r.actor,
                        "recorded_on": r.recorded_on.isoformat(), "policy_version": r.policy_version} for r in records]
    return view


async def county_sign_content(session: AsyncSession, row: AcceptanceRow) -> SignContentOut:
    """The county report exactly as the county secretary will sign and seal it."""
    if row.stage != Stage.COUNTY_APPROVED.value:
        raise OutOfOrder("not-awaiting-signature", "县级验收报告尚未到县委书记签字环节",
                         "the county report awaits no signature now", stage=row.stage)
    content = await county_report_content(session, row, aggregate(row))
    text = signing.canonical_text(content)
    return SignContentOut(content=content, canonical_text=text, content_sha256=signing.digest(text))
