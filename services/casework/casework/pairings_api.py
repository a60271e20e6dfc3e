"""HTTP routes of pairing (结对帮带, seed 002): thin — parse, authorize, call ``pairings``, answer. The county's
organization department pairs; the levels above and the township read the lists."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from casework import pairings
from casework import responses as R
from casework.commands import SecretaryPairingIn
from zhengdun.access import authorized
from zhengdun.auth import Principal
from zhengdun.dependencies import Reader, UoW
from zhengdun.pagination import Page, PageParams, page_params
from zhengdun.params import DivisionCode

router = APIRouter(prefix="/pairings", tags=["pairings 结对帮带"])


@router.post("", response_model=R.SecretaryPairingsOut, status_code=201,
             summary="优秀村党组织书记结对帮带软弱涣散村（每人 2–3 个村：至多 3 个，少于 2 个标为未达目标；村须在整顿名单上、在本县内）")
async def pair_villages(body: SecretaryPairingIn, uow: UoW, principal: Principal = Depends(authorized("pairing.keep"))):
    return await pairings.pair_villages(body, uow, principal)


@router.get("", response_model=Page[R.SecretaryPairingsOut],
            summary="结对帮带名单：辖区内的优秀书记及其结对村（已销账的村移出名单）；below_target=true 只列未达 2 个村的书记")
async def list_pairings(session: Reader, under: DivisionCode | None = Query(None, description="只列出此区划之内的结对"),
                        below_target: bool | None = Query(None, description="true 只列结对村少于 2 个的书记，false 只列已达目标的"),
                        principal: Principal = Depends(authorized("pairing.read", target="under")),
                        paging: PageParams = Depends(page_params)):
    return await pairings.list_pairings(session, under or principal.division_code, paging, below_target_only=below_target)
