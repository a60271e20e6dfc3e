"""Tokens checked for real (expiry, audience, issuer, key rotation), users managed through the
platform, and the group tree kept in step with the registry."""
from __future__ import annotations

import time

import httpx
import jwt
from keycloak import KeycloakAdmin, KeycloakOpenIDConnection

from tests.integration.helpers import wait_for
from zhengdun_demo.client import DEMO_PASSWORD, auth, client_token, password_token

REALM_URL = "http://127.0.0.1:8180/realms/zhengdun"


def keycloak_admin() -> KeycloakAdmin:
    return KeycloakAdmin(connection=KeycloakOpenIDConnection(
        server_url="http://127.0.0.1:8180", username="admin", password="admin", realm_name="zhengdun",
        user_realm_name="master", client_id="admin-cli"))


def token_for(username: str, password: str, client_id: str = "zhengdun-dev", host: str = "127.0.0.1") -> httpx.Response:
    return httpx.post(f"http://{host}:8180/realms/zhengdun/protocol/openid-connect/token",
                      data={"grant_type": "password", "client_id": client_id, "username": username, "password": password})


def divisions(platform, token: str) -> httpx.Response:
    return httpx.get(f"{platform.url('casework')}/divisions", headers={"Authorization": f"Bearer {token}"})


def test_expired_tokens_are_refused(platform, demo):
    token = token_for("county_org", DEMO_PASSWORD, client_id="zhengdun-dev-shortlived").json()["access_token"]
    assert divisions(platform, token).status_code == 200
    time.sleep(11)  # lifespan 5 s, plus the verifier's 5 s leeway for clock skew
    response = divisions(platform, token)
    assert response.status_code == 401 and "expired" in response.json()["detail"]


def test_tokens_for_another_audience_or_issuer_are_refused(platform, demo):
    # A service account of another client: signed by the realm, but not issued for casework.
    other = client_token("zhengdun-reporting", "zhengdun-reporting-secret")
    assert "zhengdun-casework" not in (jwt.decode(other, options={"verify_signature": False}).get("aud") or [])
    response = divisions(platform, other)
    assert response.status_code == 401 and "audience" in response.json()["detail"]
    # The same realm and key, but reached under another host name: Keycloak issues it as another issuer.
    foreign = token_for("county_org", DEMO_PASSWORD, host="localhost").json()["access_token"]
    assert jwt.decode(foreign, options={"verify_signature": False})["iss"] != REALM_URL
    response = divisions(platform, foreign)
    assert response.status_code == 401 and "issuer" in response.json()["detail"]


def test_a_realm_key_rotation_is_picked_up_without_a_restart(platform, demo):
    before = jwt.get_unverified_header(password_token("county_org", fresh=True))["kid"]
    admin = keycloak_admin()
    realm_id = admin.get_realm("zhengdun")["id"]
    name = f"rotated-{platform.run_id}"
    admin.create_component({"name": name, "providerId": "rsa-generated", "providerType": "org.keycloak.keys.KeyProvider",
                            "parentId": realm_id, "config": {"priority": [str(int(time.time()))], "keySize": ["2048"],
                                                             "active": ["true"], "enabled": ["true"]}})
    token = wait_for(lambda: (t := password_token("county_org", fresh=True)) and
                     jwt.get_unverified_header(t)["kid"] != before and t, what="a token signed with the new key")
    response = divisions(platform, token)
    assert response.status_code == 200, response.text  # same processes: the verifier refetched the keys


def test_users_are_managed_inside_the_subtree_and_tokens_follow(platform, demo):
    username = f"member.{platform.run_id}"
    body = {"username": username, "family_name": "测", "given_name": "试员", "unit": "990102101202",
            "roles": ["work_team_member"], "initial_password": "initial-Passw0rd"}
    users_url = f"{platform.url('screening')}/users"
    listed_before = httpx.get(users_url, headers=auth("county_org"), params={"size": 500}).json()["total"]

    refused = {
        "outside": ({**body, "unit": "990103101201"}, 403),            # another county's village
        "unknown unit": ({**body, "unit": "990102150201"}, 422),       # no such township
        "not grantable": ({**body, "roles": ["operations"]}, 403),
        "wrong level": ({**body, "roles": ["county_secretary"]}, 422),
        "short password": ({**body, "initial_password": "x"}, 422),
    }
    for case, (payload, status) in refused.items():
        response = httpx.post(users_url, json=payload, headers=auth("county_org"))
        assert response.status_code == status, (case, response.text)
        assert response.headers["content-type"].startswith("application/problem+json"), case
    assert httpx.post(users_url, json=body, headers=auth("township2_org")).status_code == 403  # not their village

    created = httpx.post(users_url, json=body, headers=auth("county_org"))
    assert created.status_code == 201, created.text
    user_id = created.json()["id"]
    assert httpx.post(users_url, json=body, headers=auth("county_org")).status_code == 409  # duplicate username
    listed = httpx.get(users_url, headers=auth("county_org"), params={"size": 500}).json()
    assert listed["total"] == listed_before + 1  # the refused requests created nothing

    claims = jwt.decode(token_for(username, body["initial_password"]).json()["access_token"],
                        options={"verify_signature": False})
    assert claims["division_code"] == "990102101202"
    assert {"work_team_member", "level_village"} <= set(claims["realm_access"]["roles"])

    # Moved to another village: the next token names the new unit, and only its subtree is visible.
    moved = httpx.put(f"{users_url}/{user_id}/unit", json={"unit": "990102102201"}, headers=auth("county_org"))
    assert moved.status_code == 200, moved.text
    token = token_for(username, body["initial_password"]).json()["access_token"]
    assert jwt.decode(token, options={"verify_signature": False})["division_code"] == "990102102201"
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{platform.url('casework')}/divisions/990102102201", headers=headers).status_code == 200
    assert httpx.get(f"{platform.url('casework')}/divisions/990102101202", headers=headers).status_code == 403

    # Disabled: no new token.
    assert httpx.post(f"{users_url}/{user_id}/disable", headers=auth("county_org")).status_code == 200
    refused_token = token_for(username, body["initial_password"])
    assert refused_token.status_code in (400, 401) and "access_token" not in refused_token.json()


def test_the_group_tree_follows_the_registry(platform, demo):
    admin = keycloak_admin()

    township = next(r for r in demo if r.code == "990104110000")

    def township_group():
        try:
            group = admin.get_group_by_path("/990000000000/990100000000/990104000000/990104110000")
        except Exception:
            return None
        # Keycloak is shared by every platform on the machine: the group may already be there under the name
        # another platform's registry gave it (make bench's synthetic province), until this registry renames it.
        return group if group.get("attributes", {}).get("division_name") == [township.name] else None

    group = wait_for(township_group, timeout=90, what="the township's group in Keycloak, named as in this registry")
    assert group["attributes"]["division_code"] == ["990104110000"]
