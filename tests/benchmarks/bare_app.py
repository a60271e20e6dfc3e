"""The bare anchor: a FastAPI endpoint returning 20 small objects, served by uvicorn as the
services are (zhengdun.runtime: one process, uvicorn.run, no access log), with no database,
authentication or telemetry. Run: PORT=8999 python -m tests.benchmarks.bare_app"""
from __future__ import annotations

import os
from datetime import date

import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel


class Item(BaseModel):
    item_id: str
    village_code: str
    name: str
    phase: str
    opened_on: date


ITEMS = [Item(item_id=f"item-{n}", village_code=f"990102101{201 + n}", name=f"村{n}", phase="concentrated",
              opened_on=date(2020, 9, 1)) for n in range(20)]
app = FastAPI()


@app.get("/items", response_model=list[Item])
async def items():
    return ITEMS


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ["PORT"]), log_level="info", access_log=False, log_config=None)
