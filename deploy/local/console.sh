#!/usr/bin/env bash
# The staff console (services/console): installs its locked npm tree and builds the bundle the gateway
# serves. Both only when needed: `npm ci` when package-lock.json changed, the build when a source changed.
source "$(dirname "$0")/lib.sh"
CONSOLE="$ROOT/services/console"
DIST="$CONSOLE/dist"

need_node() {
  command -v node >/dev/null || die "node is missing (deploy/local/install.sh installs it)"
  # Vite 7 needs node ≥ 20.19.
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
    || die "node $(node --version) is too old for the console's build: 20.19 or newer is needed"
}

install() {
  need_node
  local want; want=$(sha256sum "$CONSOLE/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$CONSOLE/node_modules/.lock.sha" 2>/dev/null)" != "$want" ]; then
    say "installing the console's npm packages (package-lock.json)"
    (cd "$CONSOLE" && npm ci --no-audit --no-fund --loglevel=error) >"$LOGS/console-npm.log" 2>&1 \
      || { tail -20 "$LOGS/console-npm.log"; die "npm ci failed (see $LOGS/console-npm.log)"; }
    echo "$want" >"$CONSOLE/node_modules/.lock.sha"
  fi
}

sources_hash() {
  (cd "$CONSOLE" && find src index.html vite.config.ts tsconfig.json package-lock.json public -type f 2>/dev/null \
    | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1)
}

build() {
  install
  local want; want=$(sources_hash)
  if [ "$(cat "$DIST/.sources.sha" 2>/dev/null)" != "$want" ] || [ ! -f "$DIST/index.html" ]; then
    say "building the console (vue-tsc + vite)"
    (cd "$CONSOLE" && npm run --silent build) >"$LOGS/console-build.log" 2>&1 \
      || { tail -30 "$LOGS/console-build.log"; die "the console's build failed (see $LOGS/console-build.log)"; }
    echo "$want" >"$DIST/.sources.sha"
  fi
}

case "${1:-}" in install) install ;; build) build ;; *) die "usage: $0 install|build" ;; esac
