"""HTTP routes of the screening service: thin — parse, authorize, call the service layer, answer."""
from fastapi import APIRouter, Depends, File, UploadFile

from screening import responses as R
from screening import service
from zhengdun import attachments
from zhengdun.access import authorized
from zhengdun.auth import Principal
from zhengdun.dependencies import UoW

router = APIRouter()


@router.post("/divisions/import", response_model=R.ImportResult, tags=["divisions 行政区划"],
             summary="导入行政区划（CSV 或 XLSX；整文件通过或整文件拒绝）")
async def import_divisions(uow: UoW, file: UploadFile = File(...),
                           principal: Principal = Depends(authorized("division.import"))):
    filename, content = await attachments.read_upload(file, service.divisions.MAX_IMPORT_BYTES)
    return await service.divisions.import_division_file(uow, filename, content, actor=principal.actor,
                                                        importer_unit=principal.division_code)

