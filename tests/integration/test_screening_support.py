"""Helpers of the screening integration tests: calls as demo users, township users, assessments, the topic."""
from __future__ import annotations

import httpx

from tests.integration import helpers
from zhengdun_demo.client import auth, password_token

COUNTY, CITY = "990102000000", "990100000000"
TOWNSHIPS = [f"990102{n}000" for n in range(101, 111)]
PASSWORD = "Township-Passw0rd"


class Caller:
    """HTTP calls to the screening service as one user (a demo user, or one created with a password)."""

    def __init__(self, platform, username: str, password: str | None = None):
        self.base, self.username, self.password = platform.url("screening"), username, password

    def headers(self) -> dict:
        if self.password is None:
            return auth(self.username)
        return {"Authorization": f"Bearer {password_token(self.username, self.password)}"}

    def post(self, path: str, body: dict) -> httpx.Response:
        return httpx.post(self.base + path, json=body, headers=self.headers(), timeout=120)

    def put(self, path: str, body: dict) -> httpx.Response:
        return httpx.put(self.base + path, json=body, headers=self.headers(), timeout=60)

    def get(self, path: str, **params) -> httpx.Response:
        return httpx.get(self.base + path, params=params, headers=self.headers(), timeout=60)


def set_clock(platform, today: str) -> None:
    response = Caller(platform, "ops").put("/platform/clock", {"today": today})
    assert response.status_code == 200, response.text


_users: dict[str, dict[str, Caller]] = {}


def township_users(platform) -> dict[str, Caller]:
    """A township_committee user for every township of the demo county (101 and 102 are demo users);
    created once per test run."""
    if platform.run_id in _users:
        return _users[platform.run_id]
    users = {TOWNSHIPS[0]: Caller(platform, "township_org"), TOWNSHIPS[1]: Caller(platform, "township2_org")}
    county_org = Caller(platform, "county_org")
    for township in TOWNSHIPS[2:]:
        username = f"tw{township[6:9]}.{platform.run_id}"
        created = county_org.post("/users", {"username": username, "family_name": "乡", "given_name": f"委员{township[6:9]}",
                                             "unit": township, "roles": ["township_committee"],
                                             "initial_password": PASSWORD})
        assert created.status_code == 201, created.text
        users[township] = Caller(platform, username, PASSWORD)
    _users[platform.run_id] = users
    return users


def findings(criteria: list[str], met: tuple[str, ...] = ()) -> list[dict]:
    return [{"criterion_code": c, "met": c in met, "evidence": "入户走访核实" if c in met else ""} for c in criteria]


def assessments_for(township: str, criteria: list[str], villages: int = 25) -> list[dict]:
    """Villages 201 and 202 weak and lax, 203 lagging, the rest neither (3 of 25: above the 10% minimum)."""
    entries = []
    for n in range(1, villages + 1):
        code = f"{township[:9]}{200 + n}"
        if n <= 2:
            entries.append({"village_code": code, "result": "weak_and_lax", "findings": findings(criteria, (criteria[n],))})
        elif n == 3:
            entries.append({"village_code": code, "result": "lagging", "findings": findings(criteria),
                            "ranking": {"rank": 25, "out_of": 25, "basis": "星级支部评定 一星"}})
        else:
            entries.append({"village_code": code, "result": "neither", "findings": findings(criteria)})
    return entries


def prepare_and_submit(user: Caller, round_path: str, submitted_on: str = "2020-08-10",
                       carry_over_reasons: dict | None = None) -> httpx.Response:
    meeting = user.put(f"{round_path}/meeting", {"held_on": "2020-08-02", "attendees": ["书记", "乡长", "委员"],
                                                 "minutes": "集体研究确定两类名单"})
    assert meeting.status_code == 200, meeting.text
    notice = user.put(f"{round_path}/notice", {"starts_on": "2020-08-03", "ends_on": "2020-08-09"})
    assert notice.status_code == 200, notice.text
    return user.post(f"{round_path}/submit", {"submitted_on": submitted_on,
                                               "carry_over_reasons": carry_over_reasons or {}})


def screen_township(user: Caller, campaign_id: str, round_id: str, township: str, entries: list[dict],
                    submitted_on: str = "2020-08-10", carry_over_reasons: dict | None = None) -> httpx.Response:
    """Assess every village in one request, record meeting and notice, submit; answers the submission."""
    path = f"/campaigns/{campaign_id}/rounds/{round_id}/townships/{township}"
    batch = user.post(f"{path}/assessments", {"assessed_on": "2020-08-01", "assessments": entries})
    assert batch.status_code == 201, batch.text
    return prepare_and_submit(user, path, submitted_on, carry_over_reasons)


def topic_events(platform, service: str = "screening") -> list[dict]:
    return helpers.topic_events(platform, service)


def of_type(events: list[dict], kind: str, campaign_id: str) -> list[dict]:
    # The topic may hold a stray non-event (other tests write one to prove it is dead-lettered).
    return [e for e in events if e.get("type") == kind and e["data"].get("campaign_id") == campaign_id]


def is_problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    return response.json()
