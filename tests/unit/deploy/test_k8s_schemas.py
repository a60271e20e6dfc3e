"""The manifests validate against the schemas Kubernetes and the operators publish, not only as YAML:
core kinds against Kubernetes' own (kubernetes-validate, strict: an unknown field is an error),
operators' kinds (CloudNativePG, Strimzi, Keycloak, Prometheus, OpenTelemetry) against their CRD
schemas vendored in deploy/k8s/schemas/. The staging and production overlays are rendered the way
kustomize does (resources, namespace, images, strategic-merge patches) and validated too."""
from __future__ import annotations

import copy
import functools
import json
import re
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ROOT / "deploy" / "overlays"
SCHEMAS = K8S / "schemas"
KUBERNETES_VERSION = "1.34.0"
CORE_GROUPS = {"apps", "batch", "policy", "autoscaling", "networking.k8s.io", "rbac.authorization.k8s.io"}


def load(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


@functools.cache
def crd_validator(api_version: str, kind: str) -> jsonschema.Draft7Validator:
    group, version = api_version.split("/")
    path = SCHEMAS / group / f"{kind.lower()}_{version}.json"
    assert path.exists(), f"no vendored schema for {kind} ({api_version}): add {path.relative_to(ROOT)}"
    return jsonschema.Draft7Validator(json.loads(path.read_text()))


def problems(doc: dict) -> list[str]:
    api_version = doc["apiVersion"]
    if "/" not in api_version or api_version.split("/")[0] in CORE_GROUPS:
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            return [f"{'.'.join(map(str, exc.path))}: {exc.message}"]
        return []
    return [f"{'.'.join(map(str, e.path))}: {e.message}" for e in crd_validator(api_version, doc["kind"]).iter_errors(doc)]


def base_documents() -> list[tuple[str, dict]]:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    docs = [(name, d) for name in kustomization["resources"] for d in load(K8S / name)]
    for generator in kustomization.get("configMapGenerator", []):
        data = {Path(f).name: (K8S / f).read_text() for f in generator["files"]}
        docs.append(("configMapGenerator", {"apiVersion": "v1", "kind": "ConfigMap",
                                            "metadata": {"name": generator["name"], "namespace": kustomization["namespace"],
                                                         "labels": generator["options"]["labels"]}, "data": data}))
    return docs


def merge(target, patch):
    """Strategic merge as kustomize applies these patches: maps merge, lists of named items merge by name."""
    if isinstance(target, dict) and isinstance(patch, dict):
        for key, value in patch.items():
            target[key] = merge(target[key], value) if key in target else value
        return target
    if isinstance(target, list) and isinstance(patch, list) and all(isinstance(i, dict) and "name" in i for i in patch):
        by_name = {item.get("name"): item for item in target if isinstance(item, dict)}
        for item in patch:
            if item["name"] in by_name:
                merge(by_name[item["name"]], item)
            else:
                target.append(item)
        return target
    return patch


def render(overlay: Path) -> list[dict]:
    kustomization = yaml.safe_load((overlay / "kustomization.yaml").read_text())
    assert kustomization["resources"] == ["../../k8s"]
    docs = [copy.deepcopy(d) for _, d in base_documents()]
    for patch_ref in kustomization.get("patches", []):
        for patch in load(overlay / patch_ref["path"]):
            targets = [d for d in docs if d["kind"] == patch["kind"] and d["metadata"]["name"] == patch["metadata"]["name"]]
            assert len(targets) == 1, f"{overlay.name}: patch of {patch['kind']}/{patch['metadata']['name']} matches {len(targets)}"
            merge(targets[0], copy.deepcopy(patch))
    images = {i["name"]: i for i in kustomization.get("images", [])}
    used = set()
    for doc in docs:
        for container in containers(doc):
            name, _, _ = container["image"].partition(":")
            if name in images:
                used.add(name)
                container["image"] = f"{images[name].get('newName', name)}:{images[name]['newTag']}"
    assert used == set(images), f"{overlay.name}: images named by no manifest: {set(images) - used}"
    return docs


def containers(doc: dict) -> list[dict]:
    spec = doc.get("spec", {}).get("template", {}).get("spec", {})
    return spec.get("containers", []) + spec.get("initContainers", [])


@pytest.mark.parametrize("filename, doc", base_documents(), ids=lambda v: v if isinstance(v, str) else
                         f"{v['kind']}/{v['metadata']['name']}")
def test_every_manifest_validates_against_its_schema(filename, doc):
    assert problems(doc) == [], filename


@pytest.mark.parametrize("overlay", ["staging", "production"])
def test_the_overlays_render_and_validate(overlay):
    docs = render(OVERLAYS / overlay)
    errors = [(d["kind"], d["metadata"]["name"], p) for d in docs for p in problems(d)]
    assert errors == []
    registry = {"staging": "registry.staging.zhengdun.example/", "production": "registry.zhengdun.example/"}[overlay]
    assert all(c["image"].startswith(registry) for d in docs for c in containers(d) if "zhengdun/" in c["image"])
    replicas = {d["metadata"]["name"]: d["spec"]["replicas"] for d in docs if d["kind"] == "Deployment"}
    assert replicas["zhengdun-casework"] == {"staging": 1, "production": 3}[overlay]


def test_the_validation_catches_mistakes():
    """A check that could not fail proves nothing: wrong types and unknown fields are reported."""
    deployment = copy.deepcopy(next(d for _, d in base_documents() if d["kind"] == "Deployment"))
    deployment["spec"]["replicas"] = "two"
    assert problems(deployment)
    deployment = copy.deepcopy(next(d for _, d in base_documents() if d["kind"] == "Deployment"))
    deployment["spec"]["template"]["spec"]["containers"][0]["imagePullPolcy"] = "Always"
    assert problems(deployment)
    topic = copy.deepcopy(next(d for _, d in base_documents() if d["kind"] == "KafkaTopic"))
    topic["spec"]["partitons"] = 3
    assert problems(topic)
    kafka = copy.deepcopy(next(d for _, d in base_documents() if d["kind"] == "Kafka"))
    kafka["spec"]["kafka"]["listeners"][1]["type"] = "openshift-route"
    assert problems(kafka)


def known_metrics() -> set[str]:
    from prometheus_client import REGISTRY

    import zhengdun.metrics  # noqa: F401 (registers them)

    names = set()
    for family in REGISTRY.collect():
        names |= {sample.name for sample in family.samples} | {family.name, family.name + "_total",
                                                                family.name + "_bucket"}
    return names


def test_dashboards_and_alerts_use_only_metrics_the_services_export():
    metrics = known_metrics()
    expressions = [t["expr"] for path in sorted((K8S / "dashboards").glob("*.json"))
                   for p in json.loads(path.read_text())["panels"] for t in p["targets"]]
    rules = next(d for _, d in base_documents() if d["kind"] == "PrometheusRule")
    expressions += [r["expr"] for g in rules["spec"]["groups"] for r in g["rules"]]
    used = {m for e in expressions for m in re.findall(r"\bzhengdun_[a-z_]+\b", e)}
    assert used and used <= metrics, used - metrics
    for wanted in ("zhengdun_consumer_lag", "zhengdun_outbox_unsent", "zhengdun_outbox_oldest_unsent_seconds",
                   "zhengdun_dead_letters_waiting", "zhengdun_db_pool_connections", "zhengdun_http_requests_total",
                   "zhengdun_http_request_seconds_bucket", "zhengdun_events_duplicate_total"):
        assert wanted in used, wanted
    titles = {json.loads(p.read_text())["title"] for p in (K8S / "dashboards").glob("*.json")}
    assert len(titles) == 2
