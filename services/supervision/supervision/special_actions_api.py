"""HTTP routes of a township's special actions and its branches' organization life (seed 004): thin — parse,
authorize, call one use case (``special_actions.py``), answer."""
from __future__ import annotations

from datetime import date

from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Response, UploadFile

from supervision import responses as R
from supervision import service as files
from supervision import special_actions as service
from supervision.commands import (OrgLifeMeetingIn, OrgLifeScheduleIn, SpecialActionIn, SpecialActionProgressIn,
                                  SpecialActionSupervisionIn)
from supervision.domain.special_actions import MeetingKind, SupervisionMode
from zhengdun import attachments
from zhengdun.access import authorize_target, authorized
from zhengdun.attachments import AttachmentOut
from zhengdun.auth import Principal
from zhengdun.dependencies import Reader, UoW
from zhengdun.pagination import Page, PageParams, page_params
from zhengdun.params import DivisionCode, Identifier, Uuid

router = APIRouter()
TAGS = ["special actions 专项行动"]


# --- the task-decomposition table (附件1) -------------------------------------------------

@router.post("/special-actions", response_model=R.SpecialActionOut, tags=TAGS, status_code=201,
             summary="乡镇制定专项行动：任务分解表（项目、内容、要求、时间节点、责任人）和试点样板村")
async def open_action(uow: UoW, body: SpecialActionIn, principal: Principal = Depends(authorized(service.KEEP))):
    authorize_target(principal, service.KEEP, body.township_code)
    return await service.open_action(body, uow, principal)


@router.get("/special-actions", tags=TAGS, response_model=Page[R.SpecialActionOut],
            summary="专项行动及各项任务进度（本辖区，分页）")
async def list_actions(session: Reader, unit: DivisionCode | None = Query(None, description="只看此单位及其下级"),
                       principal: Principal = Depends(authorized("supervision.read", target="unit")),
                       paging: PageParams = Depends(page_params)):
    return await service.list_actions(session, principal, paging, unit=unit)


@router.get("/special-actions/{action_id}", tags=TAGS, response_model=R.SpecialActionOut, summary="专项行动详情")
async def get_action(session: Reader, action_id: Identifier,
                     principal: Principal = Depends(authorized("supervision.read"))):
    return await service.action(session, principal, action_id)


@router.post("/special-actions/{action_id}/items/{item_id}/progress", response_model=R.SpecialActionProgressOut,
             tags=TAGS, status_code=201, summary="记录任务进展（标记完成须附佐证材料）")
async def record_progress(uow: UoW, action_id: Identifier, item_id: Identifier, body: SpecialActionProgressIn,
                          principal: Principal = Depends(authorized(service.KEEP))):
    return await service.record_progress(body, uow, principal, action_id, item_id)


@router.get("/special-actions/{action_id}/progress", tags=TAGS, response_model=Page[R.SpecialActionProgressOut],
            summary="专项行动的进展记录（分页）")
async def list_progress(session: Reader, action_id: Identifier, item: Identifier | None = Query(None),
                        principal: Principal = Depends(authorized("supervision.read")),
                        paging: PageParams = Depends(page_params)):
    return await service.list_progress(session, principal, paging, action_id, item=item)


@router.post("/special-actions/attachments", response_model=AttachmentOut, tags=TAGS, status_code=201,
             responses=attachments.upload_responses(), summary=f"上传专项行动任务进展的佐证材料{attachments.UPLOAD_SUMMARY}")
async def upload_progress_attachment(uow: UoW, unit: Annotated[DivisionCode, Query(description="开展专项行动的乡镇")],
                                     file: UploadFile = File(...),
                                     principal: Principal = Depends(authorized(service.KEEP, target="unit"))):
    filename, content = await attachments.read_upload(file)
    return attachments.out(await files.store_attachment(uow, principal, files.SPECIAL_ACTION_FILES, unit, filename,
                                                        content))


@router.get("/special-actions/attachments/{file_id}", tags=TAGS, response_class=Response,
            responses=attachments.download_responses(), summary="下载专项行动任务进展的佐证材料（响应头带 SHA-256）")
async def download_progress_attachment(session: Reader, file_id: Uuid,
                                       principal: Principal = Depends(authorized("supervision.read"))):
    return attachments.download(await files.readable_attachment(session, principal, files.SPECIAL_ACTION_FILES,
                                                                 file_id))


# --- organization life (组织生活) ---------------------------------------------------------

@router.post("/org-life/schedules", response_model=R.OrgLifeScheduleOut, tags=TAGS, status_code=201,
             summary="乡镇制定组织生活计划：纳入的村党组织、督促的会议种类（三会一课、固定学习日等）")
async def create_schedule(uow: UoW, body: OrgLifeScheduleIn, principal: Principal = Depends(authorized(service.KEEP))):
    authorize_target(principal, service.KEEP, body.township_code)
    return await service.create_schedule(body, uow, principal)


@router.get("/org-life/schedules", tags=TAGS, response_model=Page[R.OrgLifeScheduleOut], summary="组织生活计划（本辖区，分页）")
async def list_schedules(session: Reader, unit: DivisionCode | None = Query(None),
                         principal: Principal = Depends(authorized("supervision.read", target="unit")),
                         paging: PageParams = Depends(page_params)):
    return await service.list_schedules(session, principal, paging, unit=unit)


@router.get("/org-life/schedules/{schedule_id}/compliance", tags=TAGS, response_model=R.ComplianceOut,
            summary="各村党组织组织生活落实情况（应开、已开、缺开的周期）")
async def compliance(session: Reader, schedule_id: Identifier,
                     principal: Principal = Depends(authorized("supervision.read"))):
    return await service.compliance(session, principal, schedule_id)


@router.post("/org-life/meetings", response_model=R.OrgLifeMeetingOut, tags=TAGS, status_code=201,
             summary="记录村党组织的一次组织生活（每会必记：日期、种类、参会人员、会议记录）")
async def record_meeting(uow: UoW, body: OrgLifeMeetingIn, principal: Principal = Depends(authorized(service.KEEP))):
    authorize_target(principal, service.KEEP, body.branch_code)
    return await service.record_meeting(body, uow, principal)


@router.get("/org-life/meetings", tags=TAGS, response_model=Page[R.OrgLifeMeetingOut], summary="组织生活记录（本辖区，分页）")
async def list_meetings(session: Reader, unit: DivisionCode | None = Query(None, description="只看此单位及其下级"),
                        kind: MeetingKind | None = Query(None),
                        held_from: date | None = Query(None), held_to: date | None = Query(None),
                        principal: Principal = Depends(authorized("supervision.read", target="unit")),
                        paging: PageParams = Depends(page_params)):
    return await service.list_meetings(session, principal, paging, unit=unit, kind=kind, held_from=held_from,
                                       held_to=held_to)


# --- the supervision plan (附件2 督导方案) -------------------------------------------------

@router.post("/special-action-supervisions", response_model=R.SpecialActionSupervisionOut, tags=TAGS, status_code=201,
             summary="记录专项行动督导（会议、定期（每月25日至月底）、不定期、跟踪、年终督导）及各村督导结果")
async def record_supervision(uow: UoW, body: SpecialActionSupervisionIn,
                             principal: Principal = Depends(authorized(service.KEEP))):
    authorize_target(principal, service.KEEP, body.township_code)
    return await service.record_supervision(body, uow, principal)


@router.get("/special-action-supervisions", tags=TAGS, response_model=Page[R.SpecialActionSupervisionOut],
            summary="专项行动督导记录与每月督导结果（本辖区，分页）")
async def list_supervisions(session: Reader, unit: DivisionCode | None = Query(None),
                            mode: SupervisionMode | None = Query(None),
                            month: date | None = Query(None, description="只看此日期所在月份"),
                            principal: Principal = Depends(authorized("supervision.read", target="unit")),
                            paging: PageParams = Depends(page_params)):
    return await service.list_supervisions(session, principal, paging, unit=unit, mode=mode, month=month)
