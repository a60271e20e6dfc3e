"""Writes the Kubernetes manifests of the five services and the console (one file each, identical in
shape), so that they cannot drift apart. The parts run by operators are hand-written files beside it.

    uv run python deploy/k8s/generate.py

Per service: ConfigMap, ServiceAccount, Deployment (non-root, read-only root with a writable /tmp,
every credential from a Secret reference), Service, the migration Job of this version (run before
the rollout, once, not in every replica), PodDisruptionBudget, HorizontalPodAutoscaler (CPU and the
consumer lag of its group) and NetworkPolicies (the service reaches only its database, Kafka,
Keycloak and the trace collector). The images are those deploy/images/build.sh builds.
"""
from __future__ import annotations

import tomllib
import json
from pathlib import Path

import yaml

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
SERVICES = {"screening": 8101, "casework": 8102, "supervision": 8103, "acceptance": 8104, "reporting": 8105}
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
IMAGE = "zhengdun/{part}:" + VERSION  # deploy/images/build.sh tags exactly these
RUN_AS = 10001  # the user of deploy/images/service.Containerfile
CONSOLE_RUN_AS = 101  # nginx-unprivileged's user (deploy/images/console.Containerfile)
NAMESPACE = "zhengdun"
# Credentials, each from a Secret the operator creates (README): name → (secret, key).
DB_SECRET = "zhengdun-db-{service}"  # kubernetes.io/basic-auth, also the CloudNativePG role's password
OIDC_SECRET = "zhengdun-keycloak-clients"  # key <service>: its Keycloak client secret (keycloak.yaml fills the realm from it)
EXTRA_SECRETS = {"acceptance": {"ZD_SEAL_PASSPHRASE": ("zhengdun-acceptance-seal", "passphrase")},
                 "supervision": {"ZD_SMTP_USERNAME": ("zhengdun-smtp", "username"),
                                 "ZD_SMTP_PASSWORD": ("zhengdun-smtp", "password")}}
# Supervision sends notifications: email through the organisation's mail relay (STARTTLS), and
# group-robot webhooks (WeCom/DingTalk, HTTPS outside the cluster).
EXTRA_CONFIG = {"supervision": {"ZD_SMTP_HOST": "smtp.zhengdun.example", "ZD_SMTP_PORT": "587",
                                "ZD_SMTP_STARTTLS": "true", "ZD_SMTP_SENDER": "zhengdun-noreply@zhengdun.example"}}
EXTRA_EGRESS = {"supervision": [{"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}],
                                 "ports": [{"protocol": "TCP", "port": 587}, {"protocol": "TCP", "port": 443}]}]}
# Consumer lag (events not yet committed by the service's group, zhengdun_consumer_lag) per replica
# above which the autoscaler adds replicas; partitions (12) bound the useful replicas.
LAG_PER_REPLICA = "500"


def labels(name: str, component: str) -> dict:
    return {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "zhengdun",
            "app.kubernetes.io/component": component}


def meta(name: str, component: str, **extra) -> dict:
    return {"name": name, "namespace": NAMESPACE, "labels": labels(name, component), **extra}


def secret_env(name: str, secret: str, key: str) -> dict:
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}


def service_env(service: str) -> list[dict]:
    """Credentials from Secret references; the database URL is composed from them by Kubernetes."""
    env = [
        {"name": "ZD_HOST", "value": "0.0.0.0"},
        secret_env("ZD_DB_USER", DB_SECRET.format(service=service), "username"),
        secret_env("ZD_DB_PASSWORD", DB_SECRET.format(service=service), "password"),
        {"name": "ZD_DATABASE_URL",
         "value": f"postgresql+asyncpg://$(ZD_DB_USER):$(ZD_DB_PASSWORD)@zhengdun-db-rw:5432/{service}"},
        secret_env("ZD_CLIENT_SECRET", OIDC_SECRET, service),
    ]
    env += [secret_env(var, secret, key) for var, (secret, key) in EXTRA_SECRETS.get(service, {}).items()]
    return env


def pod_security(user: int) -> dict:
    return {"runAsNonRoot": True, "runAsUser": user, "runAsGroup": user, "fsGroup": user,
            "seccompProfile": {"type": "RuntimeDefault"}}


CONTAINER_SECURITY = {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                      "capabilities": {"drop": ["ALL"]}}
DNS_EGRESS = {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                      "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
              "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}
DATABASE_EGRESS = {"to": [{"podSelector": {"matchLabels": {"cnpg.io/cluster": "zhengdun-db"}}}],
                   "ports": [{"protocol": "TCP", "port": 5432}]}


def service_documents(service: str, port: int) -> list[dict]:
    name = f"zhengdun-{service}"
    image = IMAGE.format(part=service)
    pod_labels = {**labels(name, "service"), "zhengdun.io/kafka-client": "true", "zhengdun.io/database": service}
    tmp = {"name": "tmp", "emptyDir": {"sizeLimit": "2Gi"}}  # uploads spool here
    container = {
        "name": service, "image": image, "args": ["serve"],
        "ports": [{"name": "http", "containerPort": port}],
        "envFrom": [{"configMapRef": {"name": "zhengdun-common"}}, {"configMapRef": {"name": name}}],
        "env": service_env(service),
        "livenessProbe": {"httpGet": {"path": "/health/live", "port": port}, "periodSeconds": 10, "failureThreshold": 3},
        "readinessProbe": {"httpGet": {"path": "/health/ready", "port": port}, "periodSeconds": 10, "failureThreshold": 3},
        "startupProbe": {"httpGet": {"path": "/health/live", "port": port}, "periodSeconds": 5, "failureThreshold": 24},
        "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"cpu": "1", "memory": "768Mi"}},
        "securityContext": CONTAINER_SECURITY,
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }
    migrate = {
        "name": "migrate", "image": image, "args": ["migrate"],
        "envFrom": [{"configMapRef": {"name": "zhengdun-common"}}, {"configMapRef": {"name": name}}],
        "env": service_env(service), "securityContext": CONTAINER_SECURITY,
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "512Mi"}},
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }
    job_name = f"{name}-migrate-{VERSION.replace('.', '-')}"
    selector = {"matchLabels": labels(name, "service")}
    return [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(name, "service"),
         "data": {"PORT": str(port), "ZD_CLIENT_ID": name, "OTEL_SERVICE_NAME": name, **EXTRA_CONFIG.get(service, {})}},
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta(name, "service"),
         "automountServiceAccountToken": False},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(name, "service"),
         "spec": {"replicas": 2, "selector": selector,
                  "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
                  "template": {"metadata": {"labels": pod_labels,
                                            "annotations": {"prometheus.io/scrape": "true", "prometheus.io/path": "/metrics",
                                                            "prometheus.io/port": str(port)}},
                               "spec": {"serviceAccountName": name, "automountServiceAccountToken": False,
                                        "securityContext": pod_security(RUN_AS), "containers": [container],
                                        "volumes": [tmp]}}}},
        {"apiVersion": "v1", "kind": "Service", "metadata": meta(name, "service"),
         "spec": {"selector": labels(name, "service"), "ports": [{"name": "http", "port": port, "targetPort": port}]}},
        # The migration of this version, once, before the rollout (`kubectl wait --for=condition=complete`).
        {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta(job_name, "migration"),
         "spec": {"backoffLimit": 3, "ttlSecondsAfterFinished": 86400,
                  "template": {"metadata": {"labels": {**labels(job_name, "migration"), "zhengdun.io/database": service}},
                               "spec": {"restartPolicy": "Never", "serviceAccountName": name,
                                        "automountServiceAccountToken": False, "securityContext": pod_security(RUN_AS),
                                        "containers": [migrate], "volumes": [tmp]}}}},
        {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": meta(name, "service"),
         "spec": {"minAvailable": 1, "selector": selector}},
        {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": meta(name, "service"),
         "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
                  "minReplicas": 2, "maxReplicas": 12,
                  "metrics": [
                      {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization",
                                                                               "averageUtilization": 70}}},
                      # Served by prometheus-adapter from zhengdun_consumer_lag (observability.yaml).
                      {"type": "External", "external": {
                          "metric": {"name": "zhengdun_consumer_lag", "selector": {"matchLabels": {"consumer": service}}},
                          "target": {"type": "AverageValue", "averageValue": LAG_PER_REPLICA}}}]}},
        {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta(name, "service"),
         "spec": {"podSelector": selector, "policyTypes": ["Ingress", "Egress"],
                  "ingress": [{"from": [{"podSelector": {"matchLabels": {"zhengdun.io/api-client": "true"}}},
                                        {"namespaceSelector": {"matchLabels": {"zhengdun.io/ingress": "true"}}},
                                        {"namespaceSelector": {"matchLabels": {"zhengdun.io/monitoring": "true"}}}],
                               "ports": [{"protocol": "TCP", "port": port}]}],
                  "egress": [
                      DATABASE_EGRESS,
                      {"to": [{"podSelector": {"matchLabels": {"strimzi.io/cluster": "zhengdun-kafka",
                                                               "strimzi.io/kind": "Kafka"}}}],
                       "ports": [{"protocol": "TCP", "port": 9092}]},
                      {"to": [{"podSelector": {"matchLabels": {"app": "keycloak"}}}],
                       "ports": [{"protocol": "TCP", "port": 8080}, {"protocol": "TCP", "port": 8443}]},
                      {"to": [{"podSelector": {"matchLabels": {"app.kubernetes.io/component": "opentelemetry-collector"}}}],
                       "ports": [{"protocol": "TCP", "port": 4318}]},
                      *EXTRA_EGRESS.get(service, []),
                      DNS_EGRESS]}},
        {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta(job_name, "migration"),
         "spec": {"podSelector": {"matchLabels": labels(job_name, "migration")}, "policyTypes": ["Ingress", "Egress"],
                  "ingress": [], "egress": [DATABASE_EGRESS, DNS_EGRESS]}},
    ]


def console_documents() -> list[dict]:
    name, port = "zhengdun-console", 8080
    selector = {"matchLabels": labels(name, "console")}
    container = {
        "name": "console", "image": IMAGE.format(part="console"), "ports": [{"name": "http", "containerPort": port}],
        "readinessProbe": {"httpGet": {"path": "/healthz", "port": port}, "periodSeconds": 10},
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": port}, "periodSeconds": 10},
        "resources": {"requests": {"cpu": "50m", "memory": "32Mi"}, "limits": {"cpu": "250m", "memory": "128Mi"}},
        "securityContext": CONTAINER_SECURITY,
        # nginx writes its pid and caches: the only writable places of a read-only image. /config.json says
        # where the identity provider is (deploy/images/console-nginx.conf serves it from the ConfigMap).
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}, {"name": "cache", "mountPath": "/var/cache/nginx"},
                         {"name": "config", "mountPath": "/etc/zhengdun", "readOnly": True}],
    }
    config = {"authority": "https://auth.zhengdun.example/realms/zhengdun", "clientId": "zhengdun-web", "tokenPath": "/auth/token"}
    return [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(name, "console"),
         "data": {"config.json": json.dumps(config) + "\n"}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(name, "console"),
         "spec": {"replicas": 2, "selector": selector,
                  "template": {"metadata": {"labels": labels(name, "console")},
                               "spec": {"automountServiceAccountToken": False,
                                        "securityContext": pod_security(CONSOLE_RUN_AS), "containers": [container],
                                        "volumes": [{"name": "tmp", "emptyDir": {}}, {"name": "cache", "emptyDir": {}},
                                                    {"name": "config", "configMap": {"name": name}}]}}}},
        {"apiVersion": "v1", "kind": "Service", "metadata": meta(name, "console"),
         "spec": {"selector": labels(name, "console"), "ports": [{"name": "http", "port": 80, "targetPort": port}]}},
        {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": meta(name, "console"),
         "spec": {"minAvailable": 1, "selector": selector}},
        {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta(name, "console"),
         "spec": {"podSelector": selector, "policyTypes": ["Ingress", "Egress"],
                  "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"zhengdun.io/ingress": "true"}}}],
                               "ports": [{"protocol": "TCP", "port": port}]}],
                  "egress": []}},
    ]


def write(path: Path, what: str, documents: list[dict]) -> None:
    path.write_text(f"# Generated by deploy/k8s/generate.py: {what}. Edit the generator, not this file.\n"
                    + yaml.safe_dump_all(documents, sort_keys=False, allow_unicode=True))
    print(f"wrote {path}")


def main() -> None:
    for service, port in SERVICES.items():
        write(HERE / f"service-{service}.yaml", f"the {service} service", service_documents(service, port))
    write(HERE / "console.yaml", "the console (static files)", console_documents())


if __name__ == "__main__":
    main()
