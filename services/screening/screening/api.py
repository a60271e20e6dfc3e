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



@router.post("/organizations/import", response_model=R.ImportResult, tags=["divisions 行政区划"],
             summary="导入非公企业和社会组织党组织（CSV 或 XLSX，每行：统一社会信用代码、名称、类型（非公企业/社会组织）、"
                     "所属乡镇（街道）代码；整文件通过或整文件拒绝；每个组织在所属乡镇下获得一个固定的12位组织代码）")
async def import_organizations(uow: UoW, file: UploadFile = File(...),
                               principal: Principal = Depends(authorized("division.import"))):
    filename, content = await attachments.read_upload(file, service.organizations.MAX_IMPORT_BYTES)
    return await service.organizations.import_organization_file(uow, filename, content, actor=principal.actor,
                                                                importer_unit=principal.division_code)
