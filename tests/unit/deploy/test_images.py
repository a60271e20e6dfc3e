"""The images the manifests name are exactly those deploy/images builds, and the Containerfiles agree
with the manifests on the user, the commands and the ports."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
IMAGES = ROOT / "deploy" / "images"
K8S = ROOT / "deploy" / "k8s"
SERVICES = ("screening", "casework", "supervision", "acceptance", "reporting")


def generator():
    spec = importlib.util.spec_from_file_location("generate", K8S / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def manifest_pods() -> list[dict]:
    docs = [d for path in sorted(K8S.glob("*.yaml")) if path.name != "kustomization.yaml"
            for d in yaml.safe_load_all(path.read_text()) if d]
    return [d for d in docs if d["kind"] in ("Deployment", "Job", "StatefulSet", "DaemonSet")]


def built_images() -> set[str]:
    """The tags build.sh gives: one service image per name in its loop, and the console's."""
    script = (IMAGES / "build.sh").read_text()
    services = re.search(r"for service in ([a-z ]+); do", script).group(1).split()
    assert '-t "${REGISTRY}zhengdun/$service:$VERSION"' in script
    assert '-t "${REGISTRY}zhengdun/console:$VERSION"' in script
    version = generator().VERSION
    return {f"zhengdun/{s}:{version}" for s in services} | {f"zhengdun/console:{version}"}


def stages(containerfile: str) -> list[str]:
    return re.split(r"^FROM ", containerfile, flags=re.M)[1:]


def test_the_manifests_name_exactly_the_images_that_are_built():
    named = {c["image"] for pod in manifest_pods() for c in pod["spec"]["template"]["spec"]["containers"]}
    assert named == built_images()
    assert {f"zhengdun/{s}:{generator().VERSION}" for s in SERVICES} | {f"zhengdun/console:{generator().VERSION}"} == named


def test_the_service_image_runs_what_the_manifests_ask_as_the_user_they_expect():
    containerfile = (IMAGES / "service.Containerfile").read_text()
    build, final = stages(containerfile)[0], stages(containerfile)[-1]
    assert len(stages(containerfile)) >= 2
    assert "uv sync --frozen --no-dev" in build and "COPY pyproject.toml uv.lock" in build  # the locked workspace
    assert not re.search(r"gcc|build-essential|apt-get install|uv sync|pip install", final)  # nothing built there
    user = re.search(r"^USER (\d+):(\d+)$", final, re.M)
    assert user and int(user.group(1)) == generator().RUN_AS != 0
    assert 'exec zhengdun-$SERVICE' in final
    commands = {"serve", "migrate"}  # zhengdun.cli's choices
    for pod in manifest_pods():
        spec = pod["spec"]["template"]["spec"]
        for container in spec["containers"]:
            if "/console:" in container["image"]:
                continue
            assert spec["securityContext"]["runAsUser"] == generator().RUN_AS
            assert len(container["args"]) == 1 and container["args"][0] in commands
            expected = "migrate" if pod["kind"] == "Job" else "serve"
            assert container["args"] == [expected]


def test_the_console_image_is_built_from_its_lock_and_served_unprivileged():
    containerfile = (IMAGES / "console.Containerfile").read_text()
    build, final = stages(containerfile)[0], stages(containerfile)[-1]
    assert "npm ci" in build and "npm run build" in build and "package-lock.json" in build
    assert "COPY --from=build /console/dist /usr/share/nginx/html" in final  # services/console/dist
    assert "npm" not in final
    user = int(re.search(r"^USER (\d+)$", final, re.M).group(1))
    port = int(re.search(r"^EXPOSE (\d+)$", final, re.M).group(1))
    console = next(p for p in manifest_pods() if p["metadata"]["name"] == "zhengdun-console")["spec"]["template"]["spec"]
    assert console["securityContext"]["runAsUser"] == user == generator().CONSOLE_RUN_AS
    assert console["containers"][0]["ports"][0]["containerPort"] == port
    assert f"listen {port};" in (IMAGES / "console-nginx.conf").read_text()
