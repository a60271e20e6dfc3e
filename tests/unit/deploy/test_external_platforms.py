"""Outside platforms reach Kafka only through the OAuth listener and only the public topic: the realm
and the local broker's configuration agree (the Strimzi side is in test_k8s_manifests.py)."""
import importlib.util
import json
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DEMO = "zhengdun-ext-demo"


def realm():
    return json.loads((ROOT / "deploy/keycloak/zhengdun-realm.json").read_text(encoding="utf-8"))


def local_broker_properties(tmp_path) -> dict[str, str]:
    """The server.properties deploy/local/kafka.sh writes, here into a scratch directory."""
    env = {**os.environ, "ZD_LOCAL_DIR": str(tmp_path)}
    for name in ("ZD_KAFKA_PORT", "ZD_KAFKA_CONTROLLER_PORT", "ZD_KAFKA_EXTERNAL_PORT"):
        env.pop(name, None)
    written = subprocess.run(["bash", str(ROOT / "deploy/local/kafka.sh"), "config"], env=env, check=True,
                             capture_output=True, text=True)
    lines = written.stdout.splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_the_demo_platforms_token_is_for_kafka_only():
    clients = {c["clientId"]: c for c in realm()["clients"]}
    demo = clients[DEMO]
    assert demo["serviceAccountsEnabled"] and not demo["publicClient"]
    assert not demo["standardFlowEnabled"] and not demo["directAccessGrantsEnabled"]
    assert demo["defaultClientScopes"] == ["basic", "roles", "kafka"]  # no service audiences (zhengdun-claims)
    kafka = next(s for s in realm()["clientScopes"] if s["name"] == "kafka")
    assert kafka["attributes"]["include.in.token.scope"] == "true"  # Kafka refuses an empty scope claim
    [mapper] = kafka["protocolMappers"]
    assert mapper["protocolMapper"] == "oidc-audience-mapper" and mapper["config"]["included.custom.audience"] == "kafka"
    account = next(u for u in realm()["users"] if u.get("serviceAccountClientId") == DEMO)
    assert account["realmRoles"] == ["external_subscriber"]


def test_the_external_platform_script_creates_clients_of_the_same_shape():
    spec = importlib.util.spec_from_file_location("build_realm", ROOT / "deploy/keycloak/build_realm.py")
    build_realm = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_realm)
    created = build_realm.external_platform_client("zhengdun-ext-other", "其他平台")
    demo = next(c for c in realm()["clients"] if c["clientId"] == DEMO)
    assert "secret" not in created  # Keycloak generates it
    assert {k: v for k, v in created.items() if k not in ("clientId", "name")} == \
        {k: v for k, v in demo.items() if k not in ("clientId", "name", "secret")}
    script = (ROOT / "deploy/local/external-platform.sh").read_text()
    assert "build_realm.external_platform_client" in script and "kafka.sh\" grant" in script


def test_local_broker_keeps_the_internal_listener_and_adds_an_oauth_one(tmp_path):
    props = local_broker_properties(tmp_path)
    assert props["listeners"] == ("PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093,EXTERNAL://127.0.0.1:9094")
    assert props["listener.security.protocol.map"] == "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,EXTERNAL:SASL_PLAINTEXT"
    assert props["inter.broker.listener.name"] == "PLAINTEXT"
    assert props["authorizer.class.name"] == "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
    assert props["super.users"] == "User:ANONYMOUS" and props["allow.everyone.if.no.acl.found"] == "false"
    oauth = {k.removeprefix("listener.name.external."): v for k, v in props.items() if k.startswith("listener.name.external.")}
    assert oauth["sasl.enabled.mechanisms"] == "OAUTHBEARER"
    assert oauth["oauthbearer.sasl.server.callback.handler.class"].endswith(".OAuthBearerValidatorCallbackHandler")
    # named explicitly: Kafka 4.1.1's default validator does not check the signature
    assert oauth["sasl.oauthbearer.jwt.validator.class"] == "org.apache.kafka.common.security.oauthbearer.BrokerJwtValidator"
    assert oauth["sasl.oauthbearer.jwks.endpoint.url"] == "http://127.0.0.1:8180/realms/zhengdun/protocol/openid-connect/certs"
    assert oauth["sasl.oauthbearer.expected.issuer"] == "http://127.0.0.1:8180/realms/zhengdun"
    assert oauth["sasl.oauthbearer.expected.audience"] == "kafka"
    assert oauth["sasl.oauthbearer.sub.claim.name"] == "azp"
