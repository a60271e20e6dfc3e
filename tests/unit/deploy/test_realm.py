"""The realm file Keycloak imports is the one build_realm.py writes from the platform's roles."""
import importlib.util
import json
from pathlib import Path

from zhengdun.divisions import validate_code
from zhengdun.roles import LEVELS_TOP_DOWN, ReviewDepartment, Role

KEYCLOAK = Path(__file__).resolve().parents[3] / "deploy" / "keycloak"


def load_builder():
    spec = importlib.util.spec_from_file_location("build_realm", KEYCLOAK / "build_realm.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def realm():
    return json.loads((KEYCLOAK / "zhengdun-realm.json").read_text(encoding="utf-8"))


def test_the_realm_file_is_up_to_date():
    assert realm() == json.loads(json.dumps(load_builder().realm(), ensure_ascii=False)), "run deploy/keycloak/build_realm.py"


def test_roles_levels_and_review_departments():
    roles = {r["name"]: r for r in realm()["roles"]["realm"]}
    assert {r.value for r in Role} <= set(roles)
    for upper, lower in zip(LEVELS_TOP_DOWN, LEVELS_TOP_DOWN[1:]):
        assert roles[upper.role]["composites"]["realm"] == [lower.role]
    for department in ReviewDepartment:
        assert roles[department.role]["composites"]["realm"] == [Role.REVIEW_DEPARTMENT.value]


def test_every_demo_user_is_in_exactly_one_unit_group():
    def paths(groups, prefix=""):
        for group in groups:
            path = f"{prefix}/{group['name']}"
            validate_code(group["attributes"]["division_code"][0])
            assert group["name"] == group["attributes"]["division_code"][0]
            yield path
            yield from paths(group["subGroups"], path)

    known = set(paths(realm()["groups"]))
    people = [u for u in realm()["users"] if not u.get("serviceAccountClientId")]
    assert len(people) >= 20
    for user in people:
        assert len(user["groups"]) == 1 and user["groups"][0] in known, user["username"]
        assert user["firstName"] and user["lastName"] and user["email"], user["username"]


def test_clients_and_claims():
    clients = {c["clientId"]: c for c in realm()["clients"]}
    assert {f"zhengdun-{s}" for s in ("screening", "casework", "supervision", "acceptance", "reporting")} <= set(clients)
    assert clients["zhengdun-web"]["publicClient"] and clients["zhengdun-web"]["attributes"]["pkce.code.challenge.method"] == "S256"
    assert clients["zhengdun-dev"]["directAccessGrantsEnabled"]
    scope = next(s for s in realm()["clientScopes"] if s["name"] == "zhengdun-claims")
    mappers = {m["protocolMapper"] for m in scope["protocolMappers"]}
    assert mappers == {"oidc-usermodel-attribute-mapper", "oidc-audience-mapper"}


def production():
    return json.loads((KEYCLOAK / "zhengdun-realm.production.json").read_text(encoding="utf-8"))


def test_the_production_realm_file_is_up_to_date():
    assert production() == json.loads(json.dumps(load_builder().production_realm(), ensure_ascii=False)), \
        "run deploy/keycloak/build_realm.py"


def test_the_production_realm_is_hardened():
    prod = production()
    assert prod["sslRequired"] == "external"
    assert prod["bruteForceProtected"] is True and prod["failureFactor"] <= 10 and prod["maxFailureWaitSeconds"] >= 300
    policy = dict(part.strip().rstrip(")").split("(") for part in prod["passwordPolicy"].split(" and "))
    assert int(policy["length"]) >= 12 and {"upperCase", "lowerCase", "digits", "notUsername", "passwordHistory"} <= set(policy)
    actions = {a["alias"]: a for a in prod["requiredActions"]}
    assert actions["UPDATE_PASSWORD"]["enabled"] and actions["UPDATE_PASSWORD"]["defaultAction"]   # new users
    assert [a for a in prod["requiredActions"] if a["defaultAction"]] == [actions["UPDATE_PASSWORD"]]


def test_the_production_realm_has_no_development_conveniences():
    prod = production()
    clients = {c["clientId"]: c for c in prod["clients"]}
    assert not [c for c in clients if c.startswith("zhengdun-dev")]
    assert not any(c.get("directAccessGrantsEnabled") for c in clients.values())   # no password grant
    assert prod["groups"] == [] and all(u.get("serviceAccountClientId") for u in prod["users"])   # no demo people
    for client in clients.values():
        assert "secret" not in client or client["secret"].startswith("${ZD_SECRET_"), client["clientId"]
    assert "localhost" not in json.dumps(clients["zhengdun-web"])
    # The development realm keeps its conveniences, so the demo and the tests' password grant go on working.
    dev = realm()
    assert dev["sslRequired"] == "none" and dev["bruteForceProtected"] is False
    assert {c["clientId"] for c in dev["clients"]} >= {"zhengdun-dev", "zhengdun-dev-shortlived"}
