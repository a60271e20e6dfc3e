"""The production manifests parse, and say what the services need: probes, ports, configuration."""
import functools
from pathlib import Path

import pytest
import yaml

K8S = Path(__file__).resolve().parents[3] / "deploy" / "k8s"
SERVICES = {"screening": 8101, "casework": 8102, "supervision": 8103, "acceptance": 8104, "reporting": 8105}


@functools.cache
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
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["livenessProbe"]["httpGet"] == {"path": "/health/live", "port": port}
    assert container["readinessProbe"]["httpGet"] == {"path": "/health/ready", "port": port}
    assert container["ports"][0]["containerPort"] == port
    sources = {next(iter(s.values()))["name"] for s in container["envFrom"]}
    assert sources == {"zhengdun-common", f"zhengdun-{service}"}
    config = find("ConfigMap", f"zhengdun-{service}")["data"]
    assert config["PORT"] == str(port)
    env = {e["name"]: e for e in container["env"]}
    assert "$(ZD_DB_PASSWORD)" in env["ZD_DATABASE_URL"]["value"]
    assert env["ZD_CLIENT_SECRET"]["valueFrom"]["secretKeyRef"]["name"] == "zhengdun-keycloak-clients"
    svc = find("Service", f"zhengdun-{service}")
    assert svc["spec"]["ports"][0]["port"] == port
    assert svc["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    find("Database", f"zhengdun-db-{service}")
    # Non-root, read-only root, a writable /tmp where uploads spool.
    assert pod["securityContext"]["runAsNonRoot"] and pod["securityContext"]["runAsUser"] != 0
    assert container["securityContext"]["readOnlyRootFilesystem"]
    tmp = next(v for v in pod["volumes"] if v["name"] == "tmp")
    assert "emptyDir" in tmp and {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_run_once_as_a_job_not_in_every_replica(service):
    deployment = find("Deployment", f"zhengdun-{service}")
    assert "initContainers" not in deployment["spec"]["template"]["spec"]
    jobs = [d for _, d in documents() if d["kind"] == "Job" and d["metadata"]["name"].startswith(f"zhengdun-{service}-migrate")]
    assert len(jobs) == 1
    job = jobs[0]["spec"]["template"]["spec"]
    assert job["containers"][0]["args"] == ["migrate"] and job["restartPolicy"] == "Never"
    assert job["containers"][0]["image"] == deployment["spec"]["template"]["spec"]["containers"][0]["image"]
    # The Job's pods are not the service's: its Service never routes to them.
    assert not (set(find("Service", f"zhengdun-{service}")["spec"]["selector"].items())
                <= set(jobs[0]["spec"]["template"]["metadata"]["labels"].items()))


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_has_a_budget_an_autoscaler_on_cpu_and_lag_and_a_network_policy(service):
    name = f"zhengdun-{service}"
    selector = find("Deployment", name)["spec"]["selector"]
    assert find("PodDisruptionBudget", name)["spec"]["selector"] == selector
    hpa = find("HorizontalPodAutoscaler", name)["spec"]
    kinds = {m["type"]: m for m in hpa["metrics"]}
    assert kinds["Resource"]["resource"]["name"] == "cpu"
    assert kinds["External"]["external"]["metric"] == {"name": "zhengdun_consumer_lag",
                                                       "selector": {"matchLabels": {"consumer": service}}}
    policy = find("NetworkPolicy", name)["spec"]
    assert policy["podSelector"] == selector and set(policy["policyTypes"]) == {"Ingress", "Egress"}
    reached = {(json_key(peer), port["port"]) for rule in policy["egress"] for peer in rule["to"] for port in rule["ports"]}
    assert reached == {
        ("cnpg.io/cluster=zhengdun-db", 5432),
        ("strimzi.io/cluster=zhengdun-kafka,strimzi.io/kind=Kafka", 9092),
        ("app=keycloak", 8080), ("app=keycloak", 8443),
        ("app.kubernetes.io/component=opentelemetry-collector", 4318),
        ("k8s-app=kube-dns", 53),
    } | ({("", 587), ("", 443)} if service == "supervision" else set())   # notifications: mail relay, group robots


def json_key(peer: dict) -> str:
    labels = peer.get("podSelector", {}).get("matchLabels", {})
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def test_every_credential_comes_from_a_secret_reference():
    """No Secret with a value is in the manifests, and every credential a pod reads is a secretKeyRef."""
    assert not [d for _, d in documents() if d["kind"] == "Secret"]
    credential = ("SECRET", "PASSWORD", "PASSPHRASE", "TOKEN")
    for _, doc in documents():
        if doc["kind"] not in ("Deployment", "Job"):
            continue
        for container in doc["spec"]["template"]["spec"]["containers"]:
            for env in container.get("env", []):
                if any(word in env["name"] for word in credential):
                    assert "secretKeyRef" in env.get("valueFrom", {}), (doc["metadata"]["name"], env["name"])
    acceptance = find("Deployment", "zhengdun-acceptance")["spec"]["template"]["spec"]["containers"][0]
    assert "ZD_SEAL_PASSPHRASE" in {e["name"] for e in acceptance["env"]}
    common = find("ConfigMap", "zhengdun-common")["data"]
    assert common["ZD_ENVIRONMENT"] == "production"  # so a default secret stops the service


def test_topics_are_declared_with_three_replicas_and_never_auto_created():
    topics = [d for _, d in documents() if d["kind"] == "KafkaTopic"]
    assert topics and all(t["spec"]["replicas"] == 3 for t in topics)
    assert find("Kafka", "zhengdun-kafka")["spec"]["kafka"]["config"]["auto.create.topics.enable"] is False
    assert find("ConfigMap", "zhengdun-common")["data"]["ZD_CREATE_TOPICS"] == "false"


def test_database_roles_keycloak_database_and_scheduled_backups():
    cluster = find("Cluster", "zhengdun-db")["spec"]
    roles = {r["name"]: r for r in cluster["managed"]["roles"]}
    assert set(roles) == set(SERVICES) | {"keycloak"}
    assert all(r["passwordSecret"]["name"] == f"zhengdun-db-{n}" for n, r in roles.items())
    find("Database", "zhengdun-db-keycloak")
    assert cluster["backup"]["barmanObjectStore"]["destinationPath"].startswith("s3://")
    backup = find("ScheduledBackup", "zhengdun-db-nightly")["spec"]
    assert backup["cluster"]["name"] == "zhengdun-db" and len(backup["schedule"].split()) == 6


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


def test_generated_manifests_are_up_to_date():
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate", K8S / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    for service, port in SERVICES.items():
        on_disk = [d for d in yaml.safe_load_all((K8S / f"service-{service}.yaml").read_text()) if d]
        assert on_disk == generate.service_documents(service, port), f"run deploy/k8s/generate.py ({service})"
    on_disk = [d for d in yaml.safe_load_all((K8S / "console.yaml").read_text()) if d]
    assert on_disk == generate.console_documents(), "run deploy/k8s/generate.py (console)"


def test_the_console_and_one_origin_for_the_apis():
    """The same path layout as the local gateway: / the console, /api/<service>/ each service, /auth/token Keycloak."""
    deployment = find("Deployment", "zhengdun-console")
    volumes = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}
    assert volumes["config"]["configMap"]["name"] == "zhengdun-console"
    config = find("ConfigMap", "zhengdun-console")["data"]["config.json"]
    assert '"clientId": "zhengdun-web"' in config and '"tokenPath": "/auth/token"' in config
    conf = (K8S.parent / "images" / "console-nginx.conf").read_text()
    assert "location = /config.json" in conf and "/etc/zhengdun/config.json" in conf
    api = find("Ingress", "zhengdun-api")
    routes = {p["path"]: p["backend"]["service"] for p in api["spec"]["rules"][0]["http"]["paths"]}
    assert routes == {f"/api/{s}(/|$)(.*)": {"name": f"zhengdun-{s}", "port": {"number": port}} for s, port in SERVICES.items()}
    assert api["metadata"]["annotations"]["nginx.ingress.kubernetes.io/rewrite-target"] == "/$2"
    auth = find("Ingress", "zhengdun-auth")
    assert auth["metadata"]["annotations"]["nginx.ingress.kubernetes.io/rewrite-target"].endswith("/openid-connect/token")
    console = find("Ingress", "zhengdun-console")["spec"]["rules"][0]["http"]["paths"]
    service = find("Service", "zhengdun-console")["spec"]["ports"][0]["port"]
    assert [(p["path"], p["backend"]["service"]["name"], p["backend"]["service"]["port"]["number"]) for p in console] == \
        [("/", "zhengdun-console", service)]
