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
