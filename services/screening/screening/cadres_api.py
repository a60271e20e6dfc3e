"""HTTP routes of the register of organizations and cadres (村党组织和“两委”干部名册): thin — parse, authorize,
call service.cadres, answer. Whether phones and members' names are shown is the policy's ``cadres.personal``."""
from __future__ import annotations

from fastapi import APIRouter, Depends, File, Query, UploadFile

from screening import responses as R
from screening.commands import CadreEntryIn
from screening.service import cadres
from zhengdun import attachments
from zhengdun.access import POLICY, authorized
from zhengdun.auth import Principal
from zhengdun.dependencies import Reader, UoW
from zhengdun.pagination import Page, PageParams, page_params
from zhengdun.params import DivisionCode

router = APIRouter(prefix="/cadres", tags=["cadres 村党组织和“两委”干部名册"])


def _personal(principal: Principal) -> bool:
    return POLICY["cadres.personal"].allows(principal.roles, principal.level)


@router.post("/import", response_model=R.CadreImportResult,
             summary="导入本乡镇的名册（CSV 或 XLSX，每人一行：区划代码、党组织名称、职务、姓名、联系电话、换届日期、星级；"
                     "整文件通过或整文件拒绝；有变化的村产生新修订）")
async def import_register(uow: UoW, file: UploadFile = File(...),
                          principal: Principal = Depends(authorized("cadres.keep"))):
    filename, content = await attachments.read_upload(file, cadres.MAX_IMPORT_BYTES)
    return await cadres.import_register_file(uow, filename, content, actor=principal.actor, unit=principal.division_code)


@router.get("", response_model=Page[R.CadreEntryOut], summary="名册：辖区内各村（社区）的当前条目")
async def list_register(session: Reader, under: DivisionCode | None = Query(None, description="只列出此区划之下的村"),
                        overdue: bool | None = Query(None, description="true 只列换届逾期的村，false 只列未逾期的"),
                        principal: Principal = Depends(authorized("cadres.read", target="under")),
                        paging: PageParams = Depends(page_params)):
    return await cadres.list_entries(session, under or principal.division_code, paging, personal=_personal(principal),
                                     overdue=overdue)


@router.get("/{code}", response_model=R.CadreEntryOut, summary="一个村（社区）的名册条目（当前修订）")
async def get_register_entry(code: DivisionCode, session: Reader,
                             principal: Principal = Depends(authorized("cadres.read", target="code"))):
    return await cadres.get_entry(session, code, personal=_personal(principal))


@router.put("/{code}", response_model=R.CadreEntrySavedOut,
            summary="修改一个村（社区）的名册条目（整条替换为新修订，历史保留；内容未变不产生修订）")
async def save_register_entry(code: DivisionCode, body: CadreEntryIn, uow: UoW,
                              principal: Principal = Depends(authorized("cadres.keep", target="code"))):
    return await cadres.save_entry(uow, code, body, actor=principal.actor, unit=principal.division_code)


@router.get("/{code}/revisions", response_model=Page[R.CadreEntryOut], summary="一个村（社区）名册条目的全部修订（新的在前）")
async def register_revisions(code: DivisionCode, session: Reader,
                             principal: Principal = Depends(authorized("cadres.read", target="code")),
                             paging: PageParams = Depends(page_params)):
    return await cadres.revisions(session, code, paging, personal=_personal(principal))
