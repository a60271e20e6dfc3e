"""HTTP routes of the supervision service: thin — parse, authorize, call the service layer, answer."""
from fastapi import APIRouter

from zhengdun.clock import clock_router
from zhengdun.registry_api import division_router

router = APIRouter()
router.include_router(division_router())
router.include_router(clock_router())
