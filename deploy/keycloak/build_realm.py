"""Writes the realm Keycloak imports, from the platform's own role list (shared/zhengdun/roles.py),
so the realm and the code cannot disagree:

    uv run python deploy/keycloak/build_realm.py

- ``zhengdun-realm.json``: development (local runs, tests, the demo). Its conveniences are the
  ones marked DEVELOPMENT below: plain http, no brute-force lockout, no password policy, fixed
  client secrets, the password-grant clients ``zhengdun-dev*`` and the demo units and users.
- ``zhengdun-realm.production.json``: the same realm without any of them and hardened
  (``PRODUCTION``): TLS for every non-local client, brute-force detection, a password policy,
  and every new user must set a password of their own at first login. Client secrets are
  placeholders the Keycloak operator fills from Secrets (deploy/k8s/keycloak.yaml).
"""
from __future__ import annotations

import json
from pathlib import Path

from zhengdun.roles import LEVEL_LABELS, LEVELS_TOP_DOWN, ROLE_LABELS, ReviewDepartment, Role

SERVICES = ["screening", "casework", "supervision", "acceptance", "reporting"]
DEMO_PASSWORD = "demo"

# The demo units (codes of zhengdun_demo.synthetic's city 示范市) as a tree: code → (name, children).
DEMO_TREE = {
    "990000000000": ("示范省", {
        "990100000000": ("示范市", {
            "990102000000": ("第一示范县", {
                "990102101000": ("第一示范镇", {"990102101201": ("第一示范村", {}), "990102101202": ("第二示范村", {})}),
                "990102102000": ("第二示范镇", {"990102102201": ("第三示范村", {})}),
            }),
            "990103000000": ("第二示范县", {
                "990103101000": ("第三示范镇", {"990103101201": ("第四示范村", {})}),
            }),
        }),
    }),
}

# username: (family name, given name, unit, roles)
DEMO_USERS = {
    "province_org": ("赵", "省组", "990000000000", [Role.ORG_STAFF, "level_province"]),
    "city_org": ("钱", "市组", "990100000000", [Role.ORG_STAFF, "level_city"]),
    "supervisor": ("孙", "督导", "990100000000", [Role.SUPERVISION_GROUP, "level_city"]),
    "county_org": ("李", "县组", "990102000000", [Role.ORG_STAFF, "level_county"]),
    "county2_org": ("周", "县组", "990103000000", [Role.ORG_STAFF, "level_county"]),
    "county_committee": ("吴", "常委", "990102000000", [Role.STANDING_COMMITTEE, "level_county"]),
    "county_secretary": ("郑", "书记", "990102000000", [Role.COUNTY_SECRETARY, "level_county"]),
    "contact_leader": ("王", "联系", "990102000000", [Role.CONTACT_LEADER, "level_county"]),
    "township_org": ("冯", "镇组", "990102101000", [Role.ORG_STAFF, Role.TOWNSHIP_COMMITTEE, "level_township"]),
    "township2_org": ("陈", "镇组", "990102102000", [Role.ORG_STAFF, Role.TOWNSHIP_COMMITTEE, "level_township"]),
    "township_principal": ("褚", "镇书记", "990102101000", [Role.TOWNSHIP_PRINCIPAL, Role.TOWNSHIP_COMMITTEE, "level_township"]),
    "team_leader": ("卫", "队长", "990102101201", [Role.WORK_TEAM_LEADER, "level_village"]),
    "team_member": ("蒋", "队员", "990102101201", [Role.WORK_TEAM_MEMBER, "level_village"]),
    "village_secretary": ("沈", "村书记", "990102101201", [Role.VILLAGE_SECRETARY, "level_village"]),
    "ops": ("韩", "运维", "990000000000", [Role.OPERATIONS]),
}
for department in ReviewDepartment:
    DEMO_USERS[f"review_{department.value}"] = ("杨", department.label, "990102000000", [department.role, "level_county"])


def realm_roles() -> list[dict]:
    roles = []
    for index, level in enumerate(LEVELS_TOP_DOWN):
        role = {"name": level.role, "description": f"{LEVEL_LABELS[level]}级 (level {level.value})"}
        if index + 1 < len(LEVELS_TOP_DOWN):  # a level contains what the levels below may see
            role["composite"] = True
            role["composites"] = {"realm": [LEVELS_TOP_DOWN[index + 1].role]}
        roles.append(role)
    for role in Role:
        roles.append({"name": role.value, "description": ROLE_LABELS[role]})
    for department in ReviewDepartment:
        roles.append({"name": department.role, "description": f"联合审查部门：{department.label}", "composite": True,
                      "composites": {"realm": [Role.REVIEW_DEPARTMENT.value]}})
    return roles


def groups(tree: dict) -> list[dict]:
    return [{"name": code, "attributes": {"division_code": [code], "division_name": [name]},
             "subGroups": groups(children)} for code, (name, children) in tree.items()]


def group_paths(tree: dict, prefix: str = "") -> dict[str, str]:
    paths = {}
    for code, (_, children) in tree.items():
        paths[code] = f"{prefix}/{code}"
        paths.update(group_paths(children, paths[code]))
    return paths


def users() -> list[dict]:
    paths = group_paths(DEMO_TREE)
    result = []
    for username, (family, given, unit, roles) in DEMO_USERS.items():
        result.append({
            "username": username, "enabled": True, "emailVerified": True,
            "firstName": given, "lastName": family, "email": f"{username}@demo.zhengdun.local",
            "credentials": [{"type": "password", "value": DEMO_PASSWORD, "temporary": False}],
            "realmRoles": [str(r) for r in roles], "groups": [paths[unit]],
        })
    return result


def claims_scope() -> dict:
    mappers = [{
        "name": "division_code", "protocol": "openid-connect", "protocolMapper": "oidc-usermodel-attribute-mapper",
        "config": {"user.attribute": "division_code", "claim.name": "division_code", "jsonType.label": "String",
                   "access.token.claim": "true", "id.token.claim": "true", "userinfo.token.claim": "true",
                   "introspection.token.claim": "true", "aggregate.attrs": "false", "multivalued": "false"},
    }]
    for service in SERVICES:
        mappers.append({
            "name": f"audience zhengdun-{service}", "protocol": "openid-connect", "protocolMapper": "oidc-audience-mapper",
            "config": {"included.client.audience": f"zhengdun-{service}", "access.token.claim": "true",
                       "id.token.claim": "false", "introspection.token.claim": "true"},
        })
    return {"name": "zhengdun-claims", "description": "整顿平台：单位区划代码与各服务受众 (division_code claim, service audiences)",
            "protocol": "openid-connect",
            "attributes": {"include.in.token.scope": "false", "display.on.consent.screen": "false"},
            "protocolMappers": mappers}


def _mapper(name: str, mapper: str, config: dict) -> dict:
    return {"name": name, "protocol": "openid-connect", "protocolMapper": mapper, "config": config}


def _attribute(attribute: str, claim: str) -> dict:
    return _mapper(claim, "oidc-usermodel-attribute-mapper", {
        "user.attribute": attribute, "claim.name": claim, "jsonType.label": "String", "access.token.claim": "true",
        "id.token.claim": "true", "userinfo.token.claim": "true", "introspection.token.claim": "true"})


def standard_scopes() -> list[dict]:
    """Keycloak's usual scopes. A realm file that lists client scopes replaces the built-in
    ones, so the ones tokens need (sub, realm roles, names) are spelled out here."""
    def scope(name: str, mappers: list[dict], description: str) -> dict:
        return {"name": name, "description": description, "protocol": "openid-connect",
                "attributes": {"include.in.token.scope": "false" if name in ("basic", "roles", "web-origins", "acr") else "true",
                               "display.on.consent.screen": "false"},
                "protocolMappers": mappers}

    claim = {"access.token.claim": "true", "introspection.token.claim": "true"}
    return [
        scope("basic", [
            _mapper("sub", "oidc-sub-mapper", claim),
            _mapper("auth_time", "oidc-usersessionmodel-note-mapper", {
                "user.session.note": "AUTH_TIME", "claim.name": "auth_time", "jsonType.label": "long",
                "id.token.claim": "true", **claim}),
        ], "OpenID Connect scope for add all basic claims to the token"),
        scope("roles", [
            _mapper("realm roles", "oidc-usermodel-realm-role-mapper", {
                "claim.name": "realm_access.roles", "jsonType.label": "String", "multivalued": "true", **claim}),
        ], "OpenID Connect scope for add user roles to the access token"),
        scope("profile", [
            _mapper("full name", "oidc-full-name-mapper", {"id.token.claim": "true", "userinfo.token.claim": "true", **claim}),
            _attribute("username", "preferred_username"),
            _attribute("firstName", "given_name"),
            _attribute("lastName", "family_name"),
        ], "OpenID Connect built-in scope: profile"),
        scope("email", [_attribute("email", "email")], "OpenID Connect built-in scope: email"),
        scope("web-origins", [_mapper("allowed web origins", "oidc-allowed-origins-mapper", claim)],
              "OpenID Connect scope for add allowed web origins to the access token"),
        scope("acr", [_mapper("acr loa level", "oidc-acr-mapper", {"id.token.claim": "true", **claim})],
              "OpenID Connect scope for add acr (authentication context class reference) to the token"),
    ]


DEFAULT_SCOPES = ["basic", "profile", "email", "roles", "web-origins", "acr", "zhengdun-claims"]


def clients() -> list[dict]:
    result = []
    for service in SERVICES:
        result.append({
            "clientId": f"zhengdun-{service}", "name": f"Zhengdun {service} service", "enabled": True,
            "publicClient": False, "secret": f"zhengdun-{service}-secret", "serviceAccountsEnabled": True,
            "standardFlowEnabled": False, "directAccessGrantsEnabled": False, "protocol": "openid-connect",
            "defaultClientScopes": ["basic", "roles"],
        })
    result.append({
        "clientId": "zhengdun-web", "name": "整顿工作平台 (people, in a browser)", "enabled": True, "publicClient": True,
        "standardFlowEnabled": True, "directAccessGrantsEnabled": False, "protocol": "openid-connect",
        "redirectUris": ["http://localhost:*", "http://127.0.0.1:*"], "webOrigins": ["+"],
        # "+": after logout Keycloak may send the browser back to any of the redirect URIs above (the console).
        "attributes": {"pkce.code.challenge.method": "S256", "post.logout.redirect.uris": "+"},
        "defaultClientScopes": DEFAULT_SCOPES,
    })
    result.append({
        "clientId": "zhengdun-dev", "name": "Development and tests only: password grant for demo users",
        "description": "仅供开发与测试：演示用户的密码模式令牌。生产环境必须删除。", "enabled": True,
        "publicClient": True, "standardFlowEnabled": False, "directAccessGrantsEnabled": True,
        "protocol": "openid-connect", "defaultClientScopes": DEFAULT_SCOPES,
    })
    result.append({
        "clientId": "zhengdun-dev-shortlived", "name": "Tests only: tokens that expire after 5 seconds",
        "description": "仅供测试：5秒过期的令牌，用于验证过期令牌被拒绝。生产环境必须删除。", "enabled": True,
        "publicClient": True, "standardFlowEnabled": False, "directAccessGrantsEnabled": True,
        "protocol": "openid-connect", "defaultClientScopes": DEFAULT_SCOPES,
        "attributes": {"access.token.lifespan": "5"},
    })
    result.append(external_platform_client("zhengdun-ext-demo", "示范外部平台 (an outside government platform, events only)",
                                           secret="zhengdun-ext-demo-secret"))
    return result


KAFKA_AUDIENCE = "kafka"  # Kafka's OAUTHBEARER listener accepts only tokens for this audience (deploy/local/kafka.sh)


def kafka_scope() -> dict:
    """Client scope "kafka" of outside platforms: their tokens name Kafka as audience and carry the scope
    "kafka" (Kafka's token validator refuses a token whose scope claim is empty)."""
    return {"name": "kafka", "description": "外部平台订阅公开事件 (Kafka audience for outside platforms)",
            "protocol": "openid-connect",
            "attributes": {"include.in.token.scope": "true", "display.on.consent.screen": "false"},
            "protocolMappers": [_mapper(f"audience {KAFKA_AUDIENCE}", "oidc-audience-mapper", {
                "included.custom.audience": KAFKA_AUDIENCE, "access.token.claim": "true", "id.token.claim": "false",
                "introspection.token.claim": "true"})]}


def external_platform_client(client_id: str, name: str, secret: str | None = None) -> dict:
    """An outside government platform: a machine client whose client-credentials token (principal = its
    client id, claim azp) lets it read the public Kafka topic. Its token carries the audience "kafka" and
    none of the services', so it opens no API. deploy/local/external-platform.sh creates more like it."""
    client = {
        "clientId": client_id, "name": name, "enabled": True, "publicClient": False, "serviceAccountsEnabled": True,
        "standardFlowEnabled": False, "directAccessGrantsEnabled": False, "protocol": "openid-connect",
        "defaultClientScopes": ["basic", "roles", "kafka"], "optionalClientScopes": [],
    }
    if secret:
        client["secret"] = secret
    return client


def service_account_users() -> list[dict]:
    accounts = [{
        "username": "service-account-zhengdun-screening", "enabled": True, "serviceAccountClientId": "zhengdun-screening",
        # keeps the group tree in step with the registry and manages the users of each subtree
        "clientRoles": {"realm-management": ["manage-users", "view-users", "query-groups", "query-users", "view-realm"]},
    }, {
        "username": "service-account-zhengdun-ext-demo", "enabled": True, "serviceAccountClientId": "zhengdun-ext-demo",
        "realmRoles": [Role.EXTERNAL_SUBSCRIBER.value],
    }]
    return accounts


# DEVELOPMENT conveniences, for local runs, tests and the demo only — never in production:
DEVELOPMENT = {
    "sslRequired": "none",          # plain http on 127.0.0.1
    "bruteForceProtected": False,   # tests and the demo log in hundreds of times a minute from one address
}
DEVELOPMENT_CLIENTS = ("zhengdun-dev", "zhengdun-dev-shortlived", "zhengdun-ext-demo")   # password grant, a demo platform

# PRODUCTION: what the production realm adds.
PASSWORD_POLICY = ("length(12) and maxLength(128) and upperCase(1) and lowerCase(1) and digits(1) and specialChars(1)"
                   " and notUsername(undefined) and notEmail(undefined) and passwordHistory(5)")
PRODUCTION = {
    "sslRequired": "external",      # TLS for every client but the cluster's own addresses
    # Brute-force detection: after 5 failures a login waits, 1 min more each time up to 15 min
    # (temporary: a locked-out cadre is not stuck until an administrator acts).
    "bruteForceProtected": True, "permanentLockout": False, "failureFactor": 5,
    "waitIncrementSeconds": 60, "maxFailureWaitSeconds": 900, "maxDeltaTimeSeconds": 43200,
    "quickLoginCheckMilliSeconds": 1000, "minimumQuickLoginWaitSeconds": 60,
    "passwordPolicy": PASSWORD_POLICY,
    # Listing required actions replaces Keycloak's defaults, so the usual ones are listed; UPDATE_PASSWORD
    # is a default action: every user created in production (screening's POST /users) sets their own
    # password at first login, the initial one being known to whoever created the account.
    "requiredActions": [
        {"alias": alias, "name": name, "providerId": alias, "enabled": True, "defaultAction": alias == "UPDATE_PASSWORD",
         "priority": priority, "config": {}}
        for priority, (alias, name) in enumerate([
            ("UPDATE_PASSWORD", "Update Password"), ("CONFIGURE_TOTP", "Configure OTP"),
            ("UPDATE_PROFILE", "Update Profile"), ("VERIFY_EMAIL", "Verify Email"),
            ("update_user_locale", "Update User Locale")], start=1)],
}


def realm() -> dict:
    """The development realm (zhengdun-realm.json)."""
    return {
        "realm": "zhengdun", "displayName": "整顿工作平台", "enabled": True, "sslRequired": DEVELOPMENT["sslRequired"],
        "accessTokenLifespan": 900, "registrationAllowed": False, "loginWithEmailAllowed": False,
        "duplicateEmailsAllowed": False, "internationalizationEnabled": True, "supportedLocales": ["zh-CN", "en"],
        "defaultLocale": "zh-CN", "bruteForceProtected": DEVELOPMENT["bruteForceProtected"],
        "roles": {"realm": realm_roles()},
        "groups": groups(DEMO_TREE),
        "clientScopes": standard_scopes() + [claims_scope(), kafka_scope()],
        "defaultDefaultClientScopes": ["basic", "roles", "web-origins", "acr", "profile", "email"],
        "clients": clients(),
        "users": users() + service_account_users(),
    }


def production_realm() -> dict:
    """The production realm: no development conveniences, hardened. Units (groups) and people come
    from the platform (the registry and screening's user API), not from this file."""
    result = realm()
    result.update(PRODUCTION)
    result["groups"] = []
    result["clients"] = []
    for client in clients():
        if client["clientId"] in DEVELOPMENT_CLIENTS:
            continue
        if "secret" in client:   # filled by the operator from a Secret (KeycloakRealmImport placeholders)
            client["secret"] = "${" + secret_placeholder(client["clientId"]) + "}"
        if client["clientId"] == "zhengdun-web":
            client["redirectUris"], client["webOrigins"] = ["${ZD_WEB_URL}/*"], ["${ZD_WEB_URL}"]
        result["clients"].append(client)
    result["users"] = [u for u in service_account_users() if u["serviceAccountClientId"] not in DEVELOPMENT_CLIENTS]
    return result


def secret_placeholder(client_id: str) -> str:
    return "ZD_SECRET_" + client_id.removeprefix("zhengdun-").upper().replace("-", "_")


if __name__ == "__main__":
    for name, build in (("zhengdun-realm.json", realm), ("zhengdun-realm.production.json", production_realm)):
        target = Path(__file__).with_name(name)
        target.write_text(json.dumps(build(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {target}")
