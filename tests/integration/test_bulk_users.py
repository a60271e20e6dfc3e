"""A county setting up its townships' accounts in one request (POST /users/bulk) against the real Keycloak:
a list with bad rows creates nothing and names each row; a good list creates every account (a token each,
with its unit and roles, one UserCreated each), their passwords stored by a cheap hash that Keycloak
replaces with the realm's full-strength one at the first login; the same list again is no error and
creates or changes nothing; a username taken by another account is refused."""
from __future__ import annotations

import asyncio
import io
import json

import httpx
import jwt

from tests.integration.helpers import topic_events, wait_for
from tests.integration.test_identity import keycloak_admin
from zhengdun_demo.client import auth

PASSWORD = "initial-Passw0rd"
TOWNSHIPS = ("990102101000", "990102102000", "990102103000")


def row(username: str, unit: str, **changes) -> dict:
    return {"username": username, "family_name": "乡", "given_name": "委员", "unit": unit,
            "roles": ["township_committee"], "initial_password": PASSWORD} | changes


def token_for(username: str, password: str) -> httpx.Response:
    """A password grant; Keycloak hashes the password to check it, which takes seconds on a busy machine."""
    return httpx.post("http://127.0.0.1:8180/realms/zhengdun/protocol/openid-connect/token", timeout=120,
                      data={"grant_type": "password", "client_id": "zhengdun-dev", "username": username,
                            "password": password})


def stored_password(admin, user_id: str) -> tuple[str, dict]:
    """The id of the account's password credential and how it is hashed (algorithm, iterations)."""
    [credential] = [c for c in admin.get_credentials(user_id) if c["type"] == "password"]
    data = json.loads(credential["credentialData"])
    return credential["id"], {"algorithm": data["algorithm"], "hashIterations": data["hashIterations"]}


def created_events(platform, usernames: set[str]) -> list[str]:
    return [e["data"]["username"] for e in topic_events(platform, "screening")
            if e["type"].split(".")[3] == "created" and e["data"].get("username") in usernames]


def test_a_county_creates_its_townships_users_in_one_request(platform, demo):
    url = f"{platform.url('screening')}/users/bulk"
    names = [f"bulk{n}.{platform.run_id}" for n in range(6)]
    good = [row(name, TOWNSHIPS[n % 3]) for n, name in enumerate(names)]
    try:
        # Rows of the wrong shape: every one named (by its field), nothing looked at further.
        shapes = httpx.post(url, json={"users": [*good[:2], row("x", TOWNSHIPS[0]), row(f"pw.{platform.run_id}", TOWNSHIPS[0],
                                                                                    initial_password="short")]},
                            headers=auth("county_org"), timeout=120)
        assert shapes.status_code == 422, shapes.text
        assert {e["field"] for e in shapes.json()["errors"]} == {"body.users.2.username", "body.users.3.initial_password"}

        # Rows that break a rule: every one named with its row, in row order, nothing made.
        bad = [*good[:2],
               row(f"blank.{platform.run_id}", TOWNSHIPS[2], family_name=" "),   # 3: no family name
               row(f"nowhere.{platform.run_id}", "990102150000"),                 # 4: no such township in the registry
               good[0],                                                           # 5: the first row again
               row(f"lvl.{platform.run_id}", TOWNSHIPS[1], roles=["county_secretary"])]   # 6: a county role
        refused = httpx.post(url, json={"users": bad}, headers=auth("county_org"), timeout=120)
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        errors = refused.json()["errors"]
        assert [(e["row"], e["type"]) for e in errors] == [
            (3, "invalid-name"), (4, "unknown-unit"), (5, "duplicate-username-in-list"), (6, "role-not-at-this-level")]
        assert errors[0]["field"] == "body.users.2.family_name" and all(e["message"] for e in errors)
        admin = keycloak_admin()
        assert not [u for u in admin.get_users({"search": f"*.{platform.run_id}"}) if u["username"] in names]  # nothing made

        # What the manager may not do is forbidden, as for POST /users: another county's township, or any
        # township for a township's clerk; the answer names the rows and nothing is made.
        outside = httpx.post(url, json={"users": [*good, row(f"far.{platform.run_id}", "990103101000")]},
                             headers=auth("county_org"), timeout=120)
        assert outside.status_code == 403, outside.text
        assert [(e["row"], e["type"]) for e in outside.json()["errors"]] == [(7, "unit-outside-subtree")]
        assert httpx.post(url, json={"users": good}, headers=auth("township_org"), timeout=120).status_code == 403
        assert not [u for u in admin.get_users({"search": f"*.{platform.run_id}"}) if u["username"] in names]

        made = httpx.post(url, json={"users": good}, headers=auth("county_org"), timeout=120)
        assert made.status_code == 200, made.text
        body = made.json()
        assert (body["created"], body["existing"]) == (6, 0)
        assert [(i["row"], i["username"], i["unit"], i["outcome"]) for i in body["items"]] == [
            (n + 1, name, TOWNSHIPS[n % 3], "created") for n, name in enumerate(names)]
        assert body["items"][0]["roles"] == ["township_committee", "level_township"]
        # Each account as POST /users makes it (the realm's default roles too), its password hashed cheaply
        # until its first login.
        ids = [i["id"] for i in body["items"]]
        assert {"default-roles-zhengdun", "township_committee", "level_township"} <= {
            r["name"] for r in admin.get_realm_roles_of_user(ids[0])}
        assert [stored_password(admin, i)[1] for i in ids] == [{"algorithm": "pbkdf2-sha512", "hashIterations": 1000}] * 6
        # The realm's full strength: how Keycloak hashed a password it was given in clear (the demo's clerk's).
        _, full_strength = stored_password(admin, admin.get_user_id("county_org"))
        assert full_strength != {"algorithm": "pbkdf2-sha512", "hashIterations": 1000}
        for n, name in enumerate(names):
            claims = jwt.decode(token_for(name, PASSWORD).json()["access_token"], options={"verify_signature": False})
            assert claims["division_code"] == TOWNSHIPS[n % 3]
            assert {"township_committee", "level_township"} <= set(claims["realm_access"]["roles"])
        # The first login re-hashed each password at the realm's strength; the password still works.
        upgraded = [stored_password(admin, i) for i in ids]
        assert [hashed for _, hashed in upgraded] == [full_strength] * 6
        assert token_for(names[0], PASSWORD).status_code == 200
        assert token_for(names[0], "wrong-Passw0rd").status_code in (400, 401)
        wait_for(lambda: sorted(created_events(platform, set(names))) == sorted(names), timeout=60,
                 what="one UserCreated per account")
        rows = asyncio.run(platform.fetch("screening", "select username, status from user_operations "
                                                       "where username = any($1::text[])", names))
        assert sorted((r["username"], r["status"]) for r in rows) == sorted((name, "done") for name in names)

        # Sent again (a retry after a lost answer): nothing new, no error, no second event.
        again = httpx.post(url, json={"users": good}, headers=auth("county_org"), timeout=120)
        assert again.status_code == 200, again.text
        assert (again.json()["created"], again.json()["existing"]) == (0, 6)
        assert [i["id"] for i in again.json()["items"]] == [i["id"] for i in body["items"]]
        assert [stored_password(admin, i) for i in ids] == upgraded   # no account touched: passwords as they were
        assert len(asyncio.run(platform.fetch("screening", "select id from user_operations where username = any($1::text[])",
                                              names))) == len(names)   # nothing journalled
        extra = f"bulk6.{platform.run_id}"
        grown = httpx.post(url, json={"users": [*good, row(extra, TOWNSHIPS[0])]}, headers=auth("county_org"), timeout=120)
        assert (grown.json()["created"], grown.json()["existing"]) == (1, 6), grown.text
        names.append(extra)

        # The same username for another unit: taken by another account, refused, nothing made.
        other = f"bulk7.{platform.run_id}"
        conflict = httpx.post(url, json={"users": [row(other, TOWNSHIPS[0]), row(names[0], TOWNSHIPS[2])]},
                              headers=auth("county_org"), timeout=120)
        assert conflict.status_code == 422, conflict.text
        assert [(e["row"], e["type"]) for e in conflict.json()["errors"]] == [(2, "duplicate-username")]
        assert token_for(other, PASSWORD).status_code in (400, 401)
        assert sorted(created_events(platform, set(names) | {other})) == sorted(names)
    finally:   # Keycloak is shared by every run
        admin = keycloak_admin()
        for user in admin.get_users({"search": f"*.{platform.run_id}", "max": 1000}):
            if user["username"].startswith(("bulk", "far.", "nowhere.", "lvl.", "blank.", "pw.")):
                admin.delete_user(user["id"])


def xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for cells in rows:
        workbook.active.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_county_opens_accounts_from_a_spreadsheet_with_its_rows_named(platform, demo):
    """POST /users/import: the same creation from a file people fill in (CSV or XLSX, columns and roles in
    Chinese); errors name the file's row and column, nothing is made; the same file again makes nothing."""
    url = f"{platform.url('screening')}/users/import"
    header = ["登录名", "姓", "名", "所属单位", "角色", "初始密码", "电子邮箱"]
    first, second = f"sheet1.{platform.run_id}", f"sheet2.{platform.run_id}"
    good = [header, [first, "王", "乡委", TOWNSHIPS[0], "乡镇党委、组织部门工作人员", PASSWORD, None],
            [None] * 7,                                                           # a blank line, skipped
            [second, "赵", "队长", "990102101201", "整顿工作队队长", PASSWORD, f"{second}@example.org"]]

    def upload(content: bytes, name: str = "accounts.xlsx") -> httpx.Response:
        return httpx.post(url, files={"file": (name, content)}, headers=auth("county_org"), timeout=120)
    try:
        # Cells a person got wrong: each named by its row in the file and its column, nothing made.
        wrong = upload(xlsx([header, [first, "王", "乡委", TOWNSHIPS[0], "村长", PASSWORD, None],
                             [second, "赵", "队长", 990102101201, "整顿工作队队长", "short", None]]))
        assert wrong.status_code == 422, wrong.text
        assert wrong.headers["content-type"].startswith("application/problem+json")
        assert [(e["row"], e["column"]) for e in wrong.json()["errors"]] == [(2, "角色"), (3, "初始密码")]
        # A row the bulk creation refuses (a county role for a township) is named by its row in the file too.
        refused = upload(xlsx([header, [first, "王", "乡委", TOWNSHIPS[0], "县委书记", PASSWORD, None]]))
        assert refused.status_code == 422, refused.text
        assert [(e["row"], e["column"], e["type"]) for e in refused.json()["errors"]] == [(2, "角色", "role-not-at-this-level")]
        admin = keycloak_admin()
        assert not [u for u in admin.get_users({"search": f"sheet*.{platform.run_id}"})]

        made = upload(xlsx(good))
        assert made.status_code == 200, made.text
        assert (made.json()["created"], made.json()["existing"]) == (2, 0)
        assert [(i["row"], i["username"], i["unit"], i["roles"]) for i in made.json()["items"]] == [
            (2, first, TOWNSHIPS[0], ["org_staff", "township_committee", "level_township"]),
            (4, second, "990102101201", ["work_team_leader", "level_village"])]
        claims = jwt.decode(token_for(second, PASSWORD).json()["access_token"], options={"verify_signature": False})
        assert claims["division_code"] == "990102101201" and "work_team_leader" in claims["realm_access"]["roles"]

        # The same list saved as CSV by Excel (GBK) again: both exist, nothing new.
        csv_text = "\n".join(",".join("" if c is None else str(c) for c in cells) for cells in good)
        again = upload(csv_text.encode("gb18030"), "accounts.csv")
        assert again.status_code == 200, again.text
        assert (again.json()["created"], again.json()["existing"]) == (0, 2)
        assert upload(b"", "accounts.csv").status_code == 422
        assert httpx.post(url, files={"file": ("a.xlsx", xlsx(good))}, headers=auth("township_org"), timeout=120).status_code == 403
    finally:   # Keycloak is shared by every run
        admin = keycloak_admin()
        for user in admin.get_users({"search": f"sheet*.{platform.run_id}", "max": 100}):
            admin.delete_user(user["id"])
