"""The access matrix, generated from the policy table: every business endpoint of every service ×
every demo user (and so every role) × a target inside and outside the user's jurisdiction, with
real tokens against the running services. Each cell must answer as the table says."""
from __future__ import annotations

import importlib
import uuid

import httpx
import jwt

from tests.support.platform import SERVICES
from zhengdun.access import POLICY, Scope
from zhengdun_demo.client import password_token
from zhengdun.divisions import is_within, level_of
from zhengdun.roles import Level

SAMPLE_VILLAGES = ["990102101201", "990102102201", "990103101201"]


def business_routes(service: str) -> list[tuple[str, str, str, str | None]]:
    """(method, path, action, target parameter) of every route guarded by the policy."""
    app = importlib.import_module(f"{service}.app").app
    routes = []

    def walk(candidates, prefix: str) -> None:
        for route in candidates:
            if hasattr(route, "original_router"):  # an included router (FastAPI resolves them lazily)
                walk(route.original_router.routes, prefix + route.include_context.prefix)
                continue
            dependant = getattr(route, "dependant", None)
            if dependant is None:
                continue
            for guard in (d.call for d in dependant.dependencies if hasattr(d.call, "action")):
                for method in route.methods:
                    routes.append((method, prefix + route.path, guard.action, guard.target))

    walk(app.routes, "")
    assert len({(m, p) for m, p, _, _ in routes}) == len(routes), "a route with two guards"
    return routes


def demo_users() -> dict[str, dict]:
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "deploy/keycloak/build_realm.py"
    spec = importlib.util.spec_from_file_location("build_realm", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    users = {}
    for username in module.DEMO_USERS:
        claims = jwt.decode(password_token(username), options={"verify_signature": False})
        users[username] = {"roles": frozenset(claims["realm_access"]["roles"]), "unit": claims.get("division_code")}
    return users


def targets(unit: str, scope: Scope) -> dict[str, str | None]:
    """A target the scope lets the user reach, and one it does not (None when none exists)."""
    below = next((v for v in SAMPLE_VILLAGES if is_within(v, unit) and v != unit), None)
    inside = unit if scope is Scope.OWN_UNIT or (scope is Scope.SUBTREE and level_of(unit) is Level.VILLAGE) else below
    outside = next((v for v in SAMPLE_VILLAGES + ["990103000000"] if not is_within(v, unit)), None)
    return {"inside": inside, "outside": outside}


def request(base: str, method: str, path: str, target: str | None, code: str | None, token: str) -> httpx.Response:
    url = path
    params = {}
    if target and "{" + target + "}" in url:
        url = url.replace("{" + target + "}", code or "990102101201")
    elif target and code:
        params[target] = code
    url = url.replace("{code}", "990102101201").replace("{user_id}", str(uuid.uuid4()))
    return httpx.request(method, base + url, params=params, headers={"Authorization": f"Bearer {token}"},
                         json={} if method in ("POST", "PUT", "PATCH") else None, timeout=30)


def test_every_cell_of_the_access_matrix_matches_the_policy_table(platform, demo):
    users = demo_users()
    cells, mismatches = 0, []
    for service in SERVICES:
        base = platform.url(service)
        routes = business_routes(service)
        # Every business endpoint consults the policy: none is left unguarded.
        documented = {(m.upper(), p) for p, ops in httpx.get(f"{base}/openapi.json").json()["paths"].items()
                      for m in ops if not p.startswith("/health")}
        assert documented == {(m, p) for m, p, _, _ in routes}, service
        for method, path, action, target in routes:
            rule = POLICY[action]
            for username, user in users.items():
                token = password_token(username)
                allowed = rule.allows(user["roles"], level_of(user["unit"]) if user["unit"] else None)
                where = targets(user["unit"], rule.scope) if target else {"none": None}
                for place, code in where.items():
                    if target and code is None:
                        continue
                    expect_allowed = allowed and place != "outside"
                    response = request(base, method, path, target, code, token)
                    cells += 1
                    ok = response.status_code not in (401, 403) if expect_allowed else response.status_code == 403
                    if not ok:
                        mismatches.append((service, method, path, action, username, place, response.status_code,
                                           response.text[:120]))
    print(f"access matrix: {cells} cells")
    assert not mismatches, "\n".join(map(str, mismatches[:30]))
    assert cells > 100
