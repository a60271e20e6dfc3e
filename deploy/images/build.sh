#!/usr/bin/env bash
# Builds every image the Kubernetes manifests name (podman, or docker with BUILDER=docker), from the
# repository root, tagged as deploy/k8s/generate.py names them: zhengdun/<part>:<version>.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILDER=${BUILDER:-podman}
VERSION=$(python3 -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
REGISTRY=${REGISTRY:-}   # e.g. registry.example/zhengdun/ — prepended to every name
for service in screening casework supervision acceptance reporting; do
  "$BUILDER" build -f deploy/images/service.Containerfile --build-arg SERVICE="$service" \
    -t "${REGISTRY}zhengdun/$service:$VERSION" .
done
"$BUILDER" build -f deploy/images/console.Containerfile -t "${REGISTRY}zhengdun/console:$VERSION" .
