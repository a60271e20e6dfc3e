"""Helpers for the supervision integration tests: publish real envelopes as the producers would."""
from __future__ import annotations

import uuid
from datetime import date

import httpx

from tests.integration import helpers
from tests.integration.helpers import publish
from zhengdun_demo.client import auth
from zhengdun.events.base import Envelope, type_of
from zhengdun.events.screening import CampaignOpened, CampaignPhase, Criterion, PhaseWindow, Policy


def set_clock(platform, today: str) -> None:
    helpers.set_clock(platform, today, seen_by="supervision")


def envelope(service: str, payload, division_code: str, campaign_id: str | None = None) -> Envelope:
    return Envelope(source=f"/zhengdun/{service}", type=type_of(payload), subject=division_code,
                    divisioncode=division_code, campaignid=campaign_id, actor=None,
                    data=payload.model_dump(mode="json"))


def alerts(platform, user: str = "city_org", **params) -> dict:
    params.setdefault("status", "all")
    params.setdefault("size", 500)
    response = httpx.get(f"{platform.url('supervision')}/alerts", params=params, headers=auth(user), timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def by_key(platform, campaign_id: str, user: str = "city_org", **params) -> dict[str, dict]:
    found = alerts(platform, user, campaign=campaign_id, **params)
    assert found["total"] <= len(found["items"]), "more alerts than one page"
    assert all(a["campaign_id"] == campaign_id for a in found["items"])
    return {a["key"]: a for a in found["items"]}


def open_campaign(platform, area: str = "990100000000", **policy) -> tuple[str, Envelope]:
    campaign_id = f"SV-{uuid.uuid4().hex[:8]}"
    payload = CampaignOpened(
        campaign_id=campaign_id, name="督导测试整顿", area_code=area,
        phases=(PhaseWindow(phase=CampaignPhase.SCREENING, starts_on=date(2020, 7, 1), ends_on=date(2020, 8, 31)),
                PhaseWindow(phase=CampaignPhase.CONCENTRATED, starts_on=date(2020, 9, 1), ends_on=date(2021, 5, 31)),
                PhaseWindow(phase=CampaignPhase.CONTINUED, starts_on=date(2021, 6, 1), ends_on=date(2021, 8, 31))),
        criteria=(Criterion(code="weak_leadership", label="班子软弱"),), lagging_rule="星级评定倒排",
        policy=Policy(**policy), opened_on=date(2020, 7, 1))
    env = envelope("screening", payload, area, campaign_id)
    publish(platform, ("screening", env))
    return campaign_id, env
