"""No half-done user changes across Keycloak and the database: screening is killed between the two
(and inside Keycloak's part) while creating, moving and disabling users; after its restart the
reconciler carries every change to its end — complete in Keycloak, its event published once — or,
for a creation Keycloak never saw, gives it up without a trace."""
from __future__ import annotations

import asyncio

import httpx
import jwt
import pytest

from tests.integration.helpers import topic_events, wait_for
from tests.integration.test_identity import keycloak_admin
from zhengdun_demo.client import auth

PASSWORD = "initial-Passw0rd"


def token_claims(username: str) -> dict | None:
    response = httpx.post("http://127.0.0.1:8180/realms/zhengdun/protocol/openid-connect/token",
                          data={"grant_type": "password", "client_id": "zhengdun-dev", "username": username,
                                "password": PASSWORD})
    return jwt.decode(response.json()["access_token"], options={"verify_signature": False}) if response.status_code == 200 else None


def crash_during(platform, fault: str, request, then: str | None = None) -> None:
    """Make the request screening dies in (it runs armed with ``fault``); restart it, armed with the
    next fault ``then`` when given (one restart serves two steps: the suite stays short)."""
    screening = platform.services["screening"]
    with pytest.raises(httpx.TransportError):
        request()
    assert screening.wait_exit(60) == 137, f"screening did not reach {fault}"
    screening.start({"ZD_FAULT": then} if then else None)


def arm(platform, fault: str) -> None:
    screening = platform.services["screening"]
    screening.kill()
    screening.start({"ZD_FAULT": fault})


def events_about(platform, username: str) -> list[str]:
    return [e["type"].split(".")[3]
            for e in topic_events(platform, "screening") if e.get("data", {}).get("username") == username]


def operations(platform, username: str) -> list[tuple[str, str, str | None]]:
    rows = asyncio.run(platform.fetch("screening", "select kind, status, finished_by from user_operations "
                                                   "where username = $1 order by created_at", username))
    return [(r["kind"], r["status"], r["finished_by"]) for r in rows]


def user_body(username: str, unit: str = "990102101202") -> dict:
    return {"username": username, "family_name": "断", "given_name": "点测", "unit": unit,
            "roles": ["work_team_member"], "initial_password": PASSWORD}


@pytest.fixture
def crash_accounts(platform):
    """The three accounts' names; removed afterwards (Keycloak is shared by every run: left over, they would fill
    the village's first page of users in the console's tests)."""
    names = [f"crash.{platform.run_id}.{x}" for x in "abc"]
    yield names
    admin = keycloak_admin()
    for user in admin.get_users({"search": f"crash.{platform.run_id}.", "max": 100, "briefRepresentation": True}):
        if user["username"] in names:
            admin.delete_user(user["id"])


def test_killed_between_keycloak_and_the_database_every_change_completes_or_leaves_nothing(platform, demo, crash_accounts):
    users = f"{platform.url('screening')}/users"
    a, b, c = crash_accounts
    arm(platform, "users.identity_done@1")

    # Created in Keycloak, killed before its event: the reconciler publishes it, once.
    crash_during(platform, "users.identity_done@1",
                 lambda: httpx.post(users, json=user_body(a), headers=auth("county_org"), timeout=60),
                 then="users.identity_done@1")
    wait_for(lambda: operations(platform, a) == [("create", "done", "reconciler")], what="the creation completed")
    claims = token_claims(a)
    assert claims["division_code"] == "990102101202"
    assert {"work_team_member", "level_village"} <= set(claims["realm_access"]["roles"])
    user_id = claims["sub"]

    # Moved in Keycloak, killed before its event.
    crash_during(platform, "users.identity_done@1",
                 lambda: httpx.put(f"{users}/{user_id}/unit", json={"unit": "990102102201"}, headers=auth("county_org"),
                                   timeout=60), then="users.identity_done@1")
    wait_for(lambda: operations(platform, a)[-1] == ("move", "done", "reconciler"), what="the move completed")
    assert token_claims(a)["division_code"] == "990102102201"

    # Disabled in Keycloak, killed before its event.
    crash_during(platform, "users.identity_done@1",
                 lambda: httpx.post(f"{users}/{user_id}/disable", headers=auth("county_org"), timeout=60),
                 then="users.account_created@1")
    wait_for(lambda: operations(platform, a)[-1] == ("disable", "done", "reconciler"), what="the disable completed")
    assert token_claims(a) is None

    # Killed inside Keycloak's part: the account exists, without its unit and roles. Completed.
    crash_during(platform, "users.account_created@1",
                 lambda: httpx.post(users, json=user_body(b, "990102101201"), headers=auth("county_org"), timeout=60),
                 then="users.journalled@1")
    wait_for(lambda: operations(platform, b) == [("create", "done", "reconciler")], what="the creation completed")
    claims = token_claims(b)
    assert claims["division_code"] == "990102101201" and "work_team_member" in claims["realm_access"]["roles"]

    # Killed before Keycloak saw it: given up, nothing remains, and the same request then succeeds.
    crash_during(platform, "users.journalled@1",
                 lambda: httpx.post(users, json=user_body(c), headers=auth("county_org"), timeout=60))
    wait_for(lambda: operations(platform, c) == [("create", "abandoned", None)], what="the creation given up")
    found = httpx.get(users, params={"username": c}, headers=auth("county_org")).json()
    assert found["total"] == 0 and token_claims(c) is None
    assert events_about(platform, c) == []
    assert httpx.post(users, json=user_body(c), headers=auth("county_org")).status_code == 201

    # Every change published exactly once, in order, and the API shows what Keycloak holds.
    wait_for(lambda: [events_about(platform, u) for u in (a, b, c)] == [["created", "moved", "disabled"], ["created"], ["created"]],
             what="one event per change")
    shown = httpx.get(f"{users}/{user_id}", headers=auth("county_org")).json()
    assert shown["unit"] == "990102102201" and shown["enabled"] is False

    # The users list (screening's copy of the accounts, screening.user_directory) holds what the reconciler finished.
    def listed(username: str, unit: str) -> dict | None:
        page = httpx.get(users, params={"under": unit, "size": 500}, headers=auth("county_org")).json()["items"]
        return next((u for u in page if u["username"] == username), None)
    assert listed(a, "990102102201") == shown
    assert listed(b, "990102101201")["roles"] == ["default-roles-zhengdun", "level_village", "work_team_member"]
    assert listed(c, "990102101202")["enabled"] is True


def test_a_users_roles_are_set_through_the_api(platform, demo):
    users = f"{platform.url('screening')}/users"
    username = f"roles.{platform.run_id}"
    user_id = httpx.post(users, json=user_body(username), headers=auth("county_org")).json()["id"]
    refused = httpx.put(f"{users}/{user_id}/roles", json={"roles": ["county_secretary"]}, headers=auth("county_org"))
    assert refused.status_code == 422 and refused.json()["type"].endswith("role-not-at-this-level")
    changed = httpx.put(f"{users}/{user_id}/roles", json={"roles": ["work_team_leader"]}, headers=auth("county_org"))
    assert changed.status_code == 200, changed.text
    assert {"work_team_leader", "level_village"} <= set(changed.json()["roles"])
    assert "work_team_member" not in changed.json()["roles"]
    assert {"work_team_leader", "level_village"} <= set(token_claims(username)["realm_access"]["roles"])
    assert "work_team_member" not in token_claims(username)["realm_access"]["roles"]
    wait_for(lambda: events_about(platform, username) == ["created", "roles"], what="the roles event")


def test_the_scenarios_people_are_put_back_as_the_scenario_needs_them(platform, demo):
    """The demo and the end-to-end test reuse their people by username: whatever a clerk changed since
    (moved them, changed their roles, disabled them), provisioning puts each back in their unit, with
    their roles, enabled — not merely finding that the username exists."""
    from tests.support.platform import KAFKA_BOOTSTRAP, SERVICES
    from zhengdun_demo.api import Platform as Api
    from zhengdun_demo.people import Person, provision

    api = Api(urls={s: platform.url(s) for s in SERVICES}, topic_prefix=platform.topic_prefix, kafka_bootstrap=KAFKA_BOOTSTRAP)
    person = Person(f"p-{platform.run_id}-leader", "队", "长测", "990102101201", ("work_team_leader",))
    provision(api, [person])
    users = f"{platform.url('screening')}/users"
    user_id = httpx.get(users, params={"username": person.username}, headers=auth("county_org")).json()["items"][0]["id"]
    # A county clerk changes them, as any may.
    assert httpx.put(f"{users}/{user_id}/unit", json={"unit": "990102101202"}, headers=auth("county_org")).status_code == 200
    assert httpx.put(f"{users}/{user_id}/roles", json={"roles": ["work_team_member"]}, headers=auth("county_org")).status_code == 200
    assert httpx.post(f"{users}/{user_id}/disable", headers=auth("county_org")).status_code == 200

    provision(api, [person])
    shown = httpx.get(f"{users}/{user_id}", headers=auth("county_org")).json()
    assert shown["unit"] == "990102101201" and shown["enabled"] is True
    assert "work_team_leader" in shown["roles"] and "work_team_member" not in shown["roles"]
    claims = jwt.decode(api.token(person.username), options={"verify_signature": False})
    assert claims["division_code"] == "990102101201" and "work_team_leader" in claims["realm_access"]["roles"]
