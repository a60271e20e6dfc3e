"""Load-and-authorize dependencies: "this case", loaded once per request (locked when the request writes)
and checked against the caller's reach for the route's action, so that no route repeats the load and the
check."""
from __future__ import annotations

from functools import cache

from fastapi import Depends

from casework import service
from casework.models import Case
from zhengdun.access import authorize_target, authorized, guard
from zhengdun.auth import Principal
from zhengdun.dependencies import Reader, UoW
from zhengdun.params import Uuid
from zhengdun.problems import not_found

# One dependency per action, so a route and its case loader share the caller (FastAPI resolves it once).
allowed = cache(authorized)


async def _case_in_reach(session, case_id: str, principal: Principal, action: str, *, lock: bool = False) -> Case:
    case = await (service.lock_case(session, case_id) if lock else service.find_case(session, case_id))
    if case is None:
        raise not_found(f"案件 {case_id}")
    authorize_target(principal, action, case.village_code)
    return case


@cache
def case_to_write(action: str):
    """This case, locked in the request's unit of work, in the reach the caller has for ``action``."""
    async def load(case_id: Uuid, uow: UoW, principal: Principal = Depends(allowed(action))) -> Case:
        return await _case_in_reach(uow.session, case_id, principal, action, lock=True)
    return Depends(load)


async def _case_to_read(case_id: Uuid, session: Reader, principal: Principal = Depends(allowed("case.read"))) -> Case:
    return await _case_in_reach(session, case_id, principal, "case.read")


case_to_read = Depends(guard(_case_to_read, "case.read"))  # the read routes' guard: they need no other
