"""Pairing as seed 002 does it (结对帮带, issue 22), against the real platform: the county pairs an excellent village
secretary (the register's, named by their village, or named in the request) with villages of its decided list —
at most 3, fewer than 2 accepted but flagged and listed for the county —, only inside its own county; each pairing is
written into the village's book and published on casework's topic; a village that leaves the list (销账) leaves the
secretary's list; the levels above and the township read, only the county's organization department keeps."""
from __future__ import annotations

from datetime import date

import httpx
import pytest

from tests.integration.helpers import send, topic_events, wait_for
from tests.support.campaign import COUNTY, OTHER_TOWNSHIP, TOWNSHIP, platform_with_cases_open
from zhengdun.events.acceptance import VillageAccepted, VillageDelisted
from zhengdun.events.base import Actor, Envelope, type_of
from zhengdun_demo.client import auth


@pytest.fixture(scope="module")
def listed():
    with platform_with_cases_open() as opened:
        yield opened


def _post(platform, body: dict, user: str = "county_org") -> httpx.Response:
    return httpx.post(f"{platform.url('casework')}/pairings", json=body, headers=auth(user), timeout=30)


def _list(platform, user: str = "county_org", **params) -> httpx.Response:
    return httpx.get(f"{platform.url('casework')}/pairings", params=params, headers=auth(user), timeout=30)


def _refused(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"] == f"/problems/{code}", body
    return body


def _by_secretary(platform, user: str = "county_org", **params) -> dict[str, dict]:
    response = _list(platform, user, **params)
    assert response.status_code == 200, response.text
    return {s["secretary"]["name"]: s for s in response.json()["items"]}


def test_pairing_limits_targets_county_access_and_the_dynamic_list(listed):
    platform, api = listed["platform"], listed["api"]
    mine, other = listed["villages"][TOWNSHIP], listed["villages"][OTHER_TOWNSHIP]
    cases = listed["cases"]                      # mine[0..2] and other[0..2] are on the list
    excellent = mine[5]                          # a village not listed: its secretary is the excellent one

    # The register (screening) names the excellent village's secretary; casework learns it from screening's topic.
    imported = httpx.post(f"{platform.url('screening')}/cadres/import", headers=auth("township_org"), timeout=60,
                          files={"file": ("名册.csv", "区划代码,职务,姓名,联系电话,换届日期\n"
                                              f"{excellent},书记,钱书记,13811112222,2018-01-10\n".encode(), "text/csv")})
    assert imported.status_code == 200, imported.text
    pair_one = {"secretary_village_code": excellent, "village_codes": [mine[0]], "paired_on": "2020-08-22"}
    first = wait_for(lambda: (r := _post(platform, pair_one)).status_code != 422 and r, what="the register's secretary")
    assert first.status_code == 201, first.text

    # 1 village: accepted, below the target of 2, and the county's view lists the secretary as below target.
    qian = first.json()
    assert qian["secretary"]["name"] == "钱书记" and qian["secretary"]["post"] == "村党组织书记"
    assert qian["active_villages"] == 1 and qian["below_target"] is True
    assert (qian["target_min_villages"], qian["max_villages"]) == (2, 3)
    assert [v["village_code"] for v in qian["villages"]] == [mine[0]] and qian["villages"][0]["case_id"] == cases[mine[0]]
    assert list(_by_secretary(platform, below_target="true")) == ["钱书记"]

    # 0 villages, a 4th village, a village outside the county, one not on the list: refused, nothing stored.
    named = {"secretary_village_code": other[5], "secretary_name": "孙书记", "paired_on": "2020-08-22"}
    _refused(_post(platform, {**named, "village_codes": []}), 422, "pairing-no-village")
    limit = _refused(_post(platform, {**named, "village_codes": [mine[1], mine[2], other[0], other[1]]}), 422, "pairing-limit")
    assert "最多结对 3 个村" in limit["detail"]
    outside = _refused(_post(platform, {**named, "village_codes": [mine[1], "990103101201"]}), 422, "pairing-outside-county")
    assert outside["field"] == "body.village_codes.1"
    _refused(_post(platform, {**named, "village_codes": [mine[4]]}), 422, "pairing-village-not-listed")
    _refused(_post(platform, {**named, "secretary_village_code": "990103101208", "village_codes": [mine[1]]}), 422,
             "pairing-outside-county")
    _refused(_post(platform, {"secretary_village_code": other[6], "village_codes": [mine[1]], "paired_on": "2020-08-22"}),
             422, "secretary-unknown")
    _refused(_post(platform, {**named, "village_codes": [mine[1]], "paired_on": "2020-08-23"}), 422, "date-in-future")
    assert list(_by_secretary(platform)) == ["钱书记"]

    # 3 villages for a named secretary meet the target; a 4th later is refused; the same village again is a conflict.
    sun = _post(platform, {**named, "village_codes": [mine[1], other[0], other[1]]})
    assert sun.status_code == 201, sun.text
    assert sun.json()["active_villages"] == 3 and sun.json()["below_target"] is False
    _refused(_post(platform, {**named, "village_codes": [mine[2]]}), 422, "pairing-limit")
    _refused(_post(platform, {**pair_one}), 409, "already-paired")
    # A second village brings the register's secretary to the target (2).
    qian = _post(platform, {**pair_one, "village_codes": [mine[2]]})
    assert qian.status_code == 201 and qian.json()["active_villages"] == 2 and qian.json()["below_target"] is False
    assert _by_secretary(platform, below_target="true") == {}

    # Each pairing is in the village's book and on casework's topic (internal: it names the secretary).
    book = api.get("county_org", "casework", f"/cases/{cases[mine[2]]}")
    assert [(p["secretary"]["name"], p["secretary_village_code"]) for p in book["pairings"]] == [("钱书记", excellent)]
    recorded = [e["data"] for e in topic_events(platform, "casework") if e["type"] == "zhengdun.casework.pairing.recorded.v1"]
    assert sorted((d["secretary"]["name"], d["village_code"]) for d in recorded) == sorted(
        [("钱书记", mine[0]), ("钱书记", mine[2]), ("孙书记", mine[1]), ("孙书记", other[0]), ("孙书记", other[1])])
    assert all(not d["below_target"] for d in recorded if d["village_code"] != mine[0])

    # Who reads: the levels above and the townships (those with a village or the secretary in their township).
    assert set(_by_secretary(platform, "city_org")) == {"钱书记", "孙书记"}
    assert set(_by_secretary(platform, "township_org")) == {"钱书记", "孙书记"}
    assert set(_by_secretary(platform, "township2_org")) == {"孙书记"}
    assert set(_by_secretary(platform, "county_org", under=OTHER_TOWNSHIP)) == {"孙书记"}
    for user in ("team_member", "village_secretary"):
        _refused(_list(platform, user), 403, "forbidden")
    _refused(_list(platform, "county2_org", under=COUNTY), 403, "forbidden")
    # Who keeps: the county's organization department only.
    for user in ("township_org", "city_org", "county_committee", "team_leader"):
        _refused(_post(platform, {**named, "village_codes": [mine[2]]}, user), 403, "forbidden")

    # 销账: acceptance delists mine[1]; it leaves 孙书记's list, who keeps two (the target) and the ended one in history.
    case_id = cases[mine[1]]
    ref = dict(acceptance_id="acc-pairing", case_id=case_id, campaign_id=listed["campaign_id"], village_code=mine[1],
               township_code=TOWNSHIP, county_code=COUNTY)
    envelopes = [Envelope(source="/zhengdun/acceptance", type=type_of(p), subject=mine[1], divisioncode=mine[1],
                          campaignid=listed["campaign_id"], actor=Actor.system("acceptance"), data=p.model_dump(mode="json"))
                 for p in (VillageAccepted(**ref, accepted_on=date(2020, 8, 22)),
                           VillageDelisted(**ref, delisted_on=date(2020, 8, 22), post_evaluation_due=date(2020, 11, 22)))]
    send(platform, "acceptance", *envelopes)
    after = wait_for(lambda: (s := _by_secretary(platform)["孙书记"])["active_villages"] == 2 and s, what="pairing ended")
    assert [v["village_code"] for v in after["villages"]] == [other[0], other[1]] and after["below_target"] is False
    assert [(e["village_code"], e["reason"], e["reason_label"]) for e in after["ended"]] == [
        (mine[1], "delisted", "验收销号（销账）")]
    # The township no longer sees 孙书记 through the delisted village (his villages are in the other township now).
    assert set(_by_secretary(platform, "township_org")) == {"钱书记"}
    ended = wait_for(lambda: [e["data"] for e in topic_events(platform, "casework")
                              if e["type"] == "zhengdun.casework.pairing.ended.v1"], what="PairingEnded")
    assert [(d["village_code"], d["secretary"]["name"], d["reason"]) for d in ended] == [(mine[1], "孙书记", "delisted")]
    # A delisted village cannot be paired again; a freed place can take a village still on the list.
    _refused(_post(platform, {**named, "village_codes": [mine[1]]}), 422, "pairing-village-not-listed")
    again = _post(platform, {**named, "village_codes": [mine[2]]})
    assert again.status_code == 201 and again.json()["active_villages"] == 3, again.text
