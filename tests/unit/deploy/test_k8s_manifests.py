"""The production manifests parse, and say what the services need: probes, ports, configuration."""
from pathlib import Path

import pytest
import yaml

K8S = Path(__file__).resolve().parents[3] / "deploy" / "k8s"
SERVICES = {"screening": 8101, "casework": 8102, "supervision": 8103, "acceptance": 8104, "reporting": 8105}


def documents():
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        docs += [(path.name, d) for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def find(kind, name):
    matches = [d for _, d in documents() if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}: {len(matches)} found"
    return matches[0]


def test_every_document_is_a_named_resource():
    docs = documents()
    assert len(docs) > 20
    for filename, doc in docs:
        assert doc.get("apiVersion") and doc.get("kind") and doc["metadata"].get("name"), filename


@pytest.mark.parametrize("service, port", SERVICES.items())
def test_each_service_has_a_deployment_with_probes_and_a_service(service, port):
    deployment = find("Deployment", f"zhengdun-{service}")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["livenessProbe"]["httpGet"] == {"path": "/health/live", "port": port}
    assert container["readinessProbe"]["httpGet"] == {"path": "/health/ready", "port": port}
    assert container["ports"][0]["containerPort"] == port
    sources = {next(iter(s.values()))["name"] for s in container["envFrom"]}
    assert sources == {"zhengdun-common", f"zhengdun-{service}"}
    config = find("ConfigMap", f"zhengdun-{service}")["data"]
    secret = find("Secret", f"zhengdun-{service}")["stringData"]
    assert config["PORT"] == str(port) and "ZD_DATABASE_URL" in secret and "ZD_CLIENT_SECRET" in secret
    migrate = deployment["spec"]["template"]["spec"]["initContainers"][0]
    assert migrate["args"] == [f"zhengdun-{service}", "migrate"]
    svc = find("Service", f"zhengdun-{service}")
    assert svc["spec"]["ports"][0]["port"] == port
    assert svc["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    find("Database", f"zhengdun-db-{service}")


def test_the_operators_resources_and_topics():
    common = find("ConfigMap", "zhengdun-common")["data"]
    assert {"ZD_KAFKA_BOOTSTRAP", "ZD_KEYCLOAK_URL", "ZD_KEYCLOAK_REALM"} <= set(common)
    find("Kafka", "zhengdun-kafka")
    find("Keycloak", "zhengdun-keycloak")
    find("Cluster", "zhengdun-db")
    topics = {d["spec"]["topicName"] for _, d in documents() if d["kind"] == "KafkaTopic"}
    assert topics == {f"zhengdun.{s}" for s in SERVICES} | {"zhengdun.public.v1", "zhengdun.deadletter"}
    acls = find("KafkaUser", "zhengdun-ext-demo")["spec"]["authorization"]["acls"]
    assert {a["resource"]["name"] for a in acls if a["resource"]["type"] == "topic"} == {"zhengdun.public.v1"}


def test_strimzi_oauth_listener_and_the_demo_platforms_acls():
    kafka = find("Kafka", "zhengdun-kafka")["spec"]["kafka"]
    listeners = {listener["name"]: listener for listener in kafka["listeners"]}
    assert "authentication" not in listeners["plain"]
    auth = listeners["external"]["authentication"]
    assert auth["type"] == "oauth" and listeners["external"]["tls"]
    assert auth["jwksEndpointUri"] == auth["validIssuerUri"] + "/protocol/openid-connect/certs"
    assert auth["checkAudience"] and auth["clientId"] == "kafka" and auth["userNameClaim"] == "azp"
    assert kafka["authorization"] == {"type": "simple", "superUsers": ["User:ANONYMOUS"]}
    user = find("KafkaUser", "zhengdun-ext-demo")["spec"]
    assert "authentication" not in user  # authenticated by OAuth, not by a Strimzi-managed secret
    acls = {(a["resource"]["type"], a["resource"]["name"], a["resource"]["patternType"]): set(a["operations"])
            for a in user["authorization"]["acls"]}
    assert acls == {("topic", "zhengdun.public.v1", "literal"): {"Read", "Describe"},
                    ("group", "zhengdun-ext-demo", "prefix"): {"Read"}}


def test_kustomization_lists_every_manifest():
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    present = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == present


def test_generated_service_manifests_are_up_to_date():
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate", K8S / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    for service, port in SERVICES.items():
        on_disk = [d for d in yaml.safe_load_all((K8S / f"service-{service}.yaml").read_text()) if d]
        assert on_disk == generate.service_documents(service, port), f"run deploy/k8s/generate.py ({service})"


def test_the_console_and_one_origin_for_the_apis():
    """The same path layout as the local gateway: / the console, /api/<service>/ each service."""
    deployment = find("Deployment", "zhengdun-console")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["readinessProbe"]["httpGet"]["port"] == container["ports"][0]["containerPort"]
    assert find("Service", "zhengdun-console")["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    config = find("ConfigMap", "zhengdun-console")["data"]
    assert '"clientId": "zhengdun-web"' in config["config.json"] and "location = /auth/token" in config["default.conf"]
    api = find("Ingress", "zhengdun-api")
    routes = {p["path"]: p["backend"]["service"] for p in api["spec"]["rules"][0]["http"]["paths"]}
    assert routes == {f"/api/{s}(/|$)(.*)": {"name": f"zhengdun-{s}", "port": {"number": port}} for s, port in SERVICES.items()}
    assert api["metadata"]["annotations"]["nginx.ingress.kubernetes.io/rewrite-target"] == "/$2"
    console = find("Ingress", "zhengdun-console")["spec"]["rules"][0]["http"]["paths"]
    assert [(p["path"], p["backend"]["service"]["name"]) for p in console] == [("/", "zhengdun-console")]
