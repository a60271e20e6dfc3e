"""HTTP routes of the screening service: thin — parse, authorize, call the service layer, answer."""
from fastapi import APIRouter, Depends, File, UploadFile
from pydantic import BaseModel

from screening import service
from screening.domain.tasks import LABELS as TASK_LABELS
from zhengdun.access import authorized
from zhengdun.auth import Principal
from zhengdun.clock import clock_router
from zhengdun.dependencies import UoW
from zhengdun.problems import Problem
from zhengdun.registry_api import division_router
from zhengdun.tasks import tasks_router

router = APIRouter()
MAX_IMPORT_BYTES = 50 * 1024 * 1024


class ImportResult(BaseModel):
    rows: int
    created: int
    updated: int
    unchanged: int


@router.post("/divisions/import", response_model=ImportResult, tags=["divisions 行政区划"],
             summary="导入行政区划（CSV 或 XLSX；整文件通过或整文件拒绝）")
async def import_divisions(uow: UoW, file: UploadFile = File(...),
                           principal: Principal = Depends(authorized("division.import"))):
    content = await file.read(MAX_IMPORT_BYTES + 1)
    if len(content) > MAX_IMPORT_BYTES:
        raise Problem(413, "file-too-large", "文件过大 File too large", f"文件不能超过 {MAX_IMPORT_BYTES // 1024 // 1024} MB")
    return await service.divisions.import_division_file(uow, file.filename or "", content, actor=principal.actor,
                                                        importer_unit=principal.division_code)


router.include_router(division_router())
router.include_router(clock_router(settable=True))
router.include_router(tasks_router("screening", TASK_LABELS, service.pending_tasks))
