"""GET /users from screening's copy of the accounts (screening.user_directory), against the real Keycloak and
PostgreSQL: a page costs no request to Keycloak's admin API however many units and users lie below the caller's
unit (it walked the group tree before: one or two requests per group and one per listed user); the list shows the
accounts made through the API at once, and those made or changed in Keycloak by hand after the sync; a clerk sees
only their unit and below; pages and their total agree.

Keycloak is shared by every platform on the machine: this module's hand-made accounts carry the run's id and its
hand-made groups codes no registry has (townships 990102900000–990102909000); both are removed at the end."""
from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.benchmarks.figures import cpu_seconds
from tests.integration.helpers import wait_for
from tests.integration.test_identity import keycloak_admin
from zhengdun_demo.client import auth

COUNTY = "990102000000"
COUNTY_PATH = "/990000000000/990100000000/990102000000"
OTHER_COUNTY_PATH = "/990000000000/990100000000/990103000000"
HAND_TOWNSHIPS = [f"9901029{n:02d}000" for n in range(10)]
VILLAGES_PER_TOWNSHIP = 20
PASSWORD = "initial-Passw0rd"


def metric(platform, name: str, **labels) -> float:
    """The sum of a Prometheus metric of screening's /metrics over the series with these labels."""
    text = httpx.get(f"{platform.url('screening')}/metrics", timeout=30).text
    wanted = [f'{k}="{v}"' for k, v in labels.items()]
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith((name + "{", name + " ")) and all(w in line for w in wanted))


def admin_requests(platform) -> float:
    return metric(platform, "zhengdun_identity_requests_total")


def synced(platform) -> float:
    """Screening restarted: its directory's sync runs at start; back when that pass is done (the next is minutes
    away, so nothing else asks Keycloak while the test measures). Returns the Keycloak admin requests of the pass."""
    screening = platform.services["screening"]
    screening.stop()
    screening.start()
    wait_for(lambda: metric(platform, "zhengdun_user_directory_syncs_total", outcome="done") >= 1, timeout=300,
             what="the directory's first sync")
    # The pass's requests are counted as the sync's, not as an API request's (none was made since the restart).
    assert metric(platform, "zhengdun_identity_requests_total", by="directory-sync") >= 1
    assert metric(platform, "zhengdun_identity_requests_total", by="request") == 0
    return admin_requests(platform)


def users(platform, who: str = "county_org", **params) -> dict:
    response = httpx.get(f"{platform.url('screening')}/users", headers=auth(who), params=params, timeout=120)
    assert response.status_code == 200, response.text
    return response.json()


def every_page(platform, who: str = "county_org", size: int = 500, **params) -> tuple[list[dict], set[int]]:
    """Every account of the list, page by page; and the totals the pages gave."""
    items, totals, page = [], set(), 1
    while True:
        part = users(platform, who, size=size, page=page, **params)
        items += part["items"]
        totals.add(part["total"])
        if len(part["items"]) < size:
            return items, totals
        page += 1


def group_id(admin, path: str) -> str:
    """The group at ``path``, made (with the unit's attributes) if missing."""
    try:
        return admin.get_group_by_path(path)["id"]
    except Exception:
        parent, _, name = path.rpartition("/")
        admin.create_group({"name": name, "attributes": {"division_code": [name], "division_name": [f"手建{name}"]}},
                           parent=group_id(admin, parent), skip_exists=True)
        return admin.get_group_by_path(path)["id"]


def hand_made(admin, username: str, path: str, **names) -> str:
    """An account made in Keycloak directly, as an administrator would: in the group at ``path``, no password."""
    return admin.create_user({"username": username, "enabled": True, "firstName": names.get("given", "工"),
                              "lastName": names.get("family", "手"), "email": f"{username}@hand.zhengdun.local",
                              "groups": [path]}, exist_ok=False)


@pytest.fixture(scope="module")
def admin(platform):
    admin = keycloak_admin()
    wait_for(lambda: admin.get_group_by_path(COUNTY_PATH).get("id"), timeout=120, what="the county's group")
    yield admin
    for user in admin.get_users({"search": f".{platform.run_id}", "max": 100000, "briefRepresentation": True}):
        if user["username"].endswith(f".{platform.run_id}"):
            admin.delete_user(user["id"])
    for township in HAND_TOWNSHIPS:
        try:
            admin.delete_group(admin.get_group_by_path(f"{COUNTY_PATH}/{township}")["id"])
        except Exception:
            pass


def page_cost(platform, size: int = 20, calls: int = 10) -> tuple[float, float, float]:
    """A county clerk's first page: (Keycloak admin requests, seconds, screening's CPU seconds) per call."""
    pid = platform.services["screening"].process.pid
    before, cpu, started = admin_requests(platform), cpu_seconds(pid), time.perf_counter()
    for _ in range(calls):
        users(platform, size=size)
    took, cpu = time.perf_counter() - started, cpu_seconds(pid) - cpu
    return (admin_requests(platform) - before) / calls, took / calls, cpu / calls


def test_a_page_costs_no_keycloak_request_however_many_units_lie_below(platform, demo, admin):
    synced(platform)
    few = users(platform, size=20)["total"]
    requests, took, cpu = page_cost(platform)
    print(f"\nusers list of county {COUNTY} ({few} accounts): {requests:.1f} Keycloak admin requests, "
          f"{took * 1000:.0f} ms, {cpu * 1000:.1f} ms of screening's CPU per page of 20 "
          f"(load average {os.getloadavg()[0]:.1f})")
    assert requests == 0

    # Ten more townships with twenty villages each, a hand-made account in every village's group.
    for township in HAND_TOWNSHIPS:
        group_id(admin, f"{COUNTY_PATH}/{township}")
    villages = [f"{township[:9]}{v:03d}" for township in HAND_TOWNSHIPS for v in range(1, VILLAGES_PER_TOWNSHIP + 1)]
    for village in villages:
        group_id(admin, f"{COUNTY_PATH}/{village[:9]}000/{village}")
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda v: hand_made(admin, f"v{v}.{platform.run_id}", f"{COUNTY_PATH}/{v[:9]}000/{v}"), villages))
    started = time.perf_counter()
    sync_requests = synced(platform)
    print(f"the directory's sync from the whole realm ({metric(platform, 'zhengdun_user_directory_accounts'):.0f} "
          f"accounts): {sync_requests:.0f} Keycloak admin requests; restart and sync {time.perf_counter() - started:.1f} s")
    many = users(platform, size=20)["total"]
    requests, took, cpu = page_cost(platform)
    print(f"users list of county {COUNTY} ({many} accounts, {len(HAND_TOWNSHIPS)} townships and {len(villages)} "
          f"village groups more): {requests:.1f} Keycloak admin requests, {took * 1000:.0f} ms, {cpu * 1000:.1f} ms "
          f"of screening's CPU per page of 20 (load average {os.getloadavg()[0]:.1f})")
    assert requests == 0
    assert many >= few + len(villages)
    for township in HAND_TOWNSHIPS[:3]:   # each hand-made township's accounts, and nothing else, under it
        listed = users(platform, under=township, size=500)
        assert listed["total"] == VILLAGES_PER_TOWNSHIP
        assert {u["unit"] for u in listed["items"]} == {f"{township[:9]}{v:03d}" for v in range(1, 21)}
        assert all(u["username"].endswith(f".{platform.run_id}") for u in listed["items"])


def test_the_list_shows_api_and_keycloak_accounts_within_the_callers_units(platform, demo, admin):
    url = f"{platform.url('screening')}/users"
    run = platform.run_id
    made = httpx.post(url, headers=auth("county_org"), json={
        "username": f"api.{run}", "family_name": "接", "given_name": "口", "unit": "990102101202",
        "roles": ["work_team_member"], "initial_password": PASSWORD}, timeout=120)
    assert made.status_code == 201, made.text
    api_id = made.json()["id"]

    def listed(who: str = "county_org", **params) -> dict[str, dict]:
        return {u["username"]: u for u in every_page(platform, who, **params)[0]}

    # Made through the API: listed at once, as Keycloak holds it (its realm's default role too).
    shown = listed()[f"api.{run}"]
    assert shown == {"id": api_id, "username": f"api.{run}", "family_name": "接", "given_name": "口", "enabled": True,
                     "unit": "990102101202", "roles": sorted(["default-roles-zhengdun", "level_village", "work_team_member"])}
    assert shown == httpx.get(f"{url}/{api_id}", headers=auth("county_org")).json()

    # Made in Keycloak by hand: listed once the sync has run, within their county only.
    here = hand_made(admin, f"hand.{run}", f"{COUNTY_PATH}/990102102000", family="手", given="建")
    admin.assign_realm_roles(here, [admin.get_realm_role("township_committee")])
    hand_made(admin, f"away.{run}", f"{OTHER_COUNTY_PATH}")
    synced(platform)
    county = listed()
    assert county[f"hand.{run}"]["unit"] == "990102102000"
    assert {"township_committee", "default-roles-zhengdun"} <= set(county[f"hand.{run}"]["roles"])
    assert f"api.{run}" in county and f"away.{run}" not in county
    assert listed("county2_org")[f"away.{run}"]["unit"] == "990103000000"
    township = listed("township2_org")   # a township clerk: their township's accounts only
    assert f"hand.{run}" in township and f"api.{run}" not in township
    assert all(u["unit"].startswith("990102102") for u in township.values())
    refused = httpx.get(url, headers=auth("township2_org"), params={"under": "990102101000"})
    assert refused.status_code == 403, refused.text
    assert set(listed(under="990102101202")) >= {f"api.{run}"} and f"hand.{run}" not in listed(under="990102101202")

    # Pages in list order, and their total, agree with the whole list.
    small, totals = every_page(platform, size=7, under="990102102000")
    large, _ = every_page(platform, size=500, under="990102102000")
    assert totals == {len(small)} and [u["id"] for u in small] == [u["id"] for u in large]
    assert [(u["unit"], u["username"]) for u in small] == sorted((u["unit"], u["username"]) for u in small)

    # Changed through the API: the list follows at once.
    assert httpx.put(f"{url}/{api_id}/unit", json={"unit": "990102102201"}, headers=auth("county_org")).status_code == 200
    assert httpx.put(f"{url}/{api_id}/roles", json={"roles": ["work_team_leader"]},
                     headers=auth("county_org")).status_code == 200
    assert httpx.post(f"{url}/{api_id}/disable", headers=auth("county_org")).status_code == 200
    shown = listed()[f"api.{run}"]
    assert shown["unit"] == "990102102201" and shown["enabled"] is False
    assert "work_team_leader" in shown["roles"] and "work_team_member" not in shown["roles"]
    assert f"api.{run}" in listed("township2_org")

    # Looked up by username (Keycloak asked directly): found before any sync, and listed from then on.
    later = hand_made(admin, f"later.{run}", f"{COUNTY_PATH}/990102101000")
    found = users(platform, username=f"later.{run}")
    assert found["total"] == 1 and found["items"][0]["id"] == later
    assert f"later.{run}" in listed()

    # Changed and removed in Keycloak by hand: the next sync follows.
    admin.update_user(here, {"firstName": "改", "lastName": "名"})
    admin.delete_user(later)
    synced(platform)
    county = listed()
    assert (county[f"hand.{run}"]["family_name"], county[f"hand.{run}"]["given_name"]) == ("名", "改")
    assert f"later.{run}" not in county
