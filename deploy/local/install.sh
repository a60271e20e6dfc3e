#!/usr/bin/env bash
# Installs, idempotently, everything the platform needs on a fresh Debian machine:
# system packages (Java, Maven, PostgreSQL, fonts), uv and the Python workspace,
# and Kafka's jars + Keycloak's distribution from Maven Central (versions pinned in pom.xml),
# and Zipkin's server jar (zipkin/pom.xml).
source "$(dirname "$0")/lib.sh"

apt_missing=()
need_pkg() { dpkg -s "$1" >/dev/null 2>&1 || apt_missing+=("$1"); }
command -v java >/dev/null || need_pkg openjdk-17-jre-headless
command -v mvn >/dev/null || need_pkg maven
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { need_pkg postgresql; need_pkg postgresql-contrib; }
command -v unzip >/dev/null || need_pkg unzip
command -v node >/dev/null || { need_pkg nodejs; need_pkg npm; }   # the console's build (deploy/local/console.sh)
if [ -f "$ROOT/deploy/local/apt-packages.txt" ]; then
  while read -r pkg; do
    pkg=${pkg%%#*}; pkg=$(echo "$pkg" | xargs)
    [ -n "$pkg" ] && need_pkg "$pkg"
  done <"$ROOT/deploy/local/apt-packages.txt"
fi
if [ ${#apt_missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${apt_missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_missing[@]}" >"$LOGS/apt.log" 2>&1 \
    || { tail -20 "$LOGS/apt.log"; die "apt-get install failed (see $LOGS/apt.log)"; }
fi

if ! command -v uv >/dev/null; then
  say "installing uv from PyPI"
  python3 -m pip install -q uv 2>&1 | grep -v "Running pip as the 'root'" || true
fi
command -v uv >/dev/null || export PATH="$HOME/.local/bin:$PATH"
say "syncing the Python workspace (uv.lock)"
(cd "$ROOT" && uv sync --frozen -q)

# Kafka jars and the Keycloak zip: resolved once, re-resolved when pom.xml changes.
stamp="$LOCAL/parts.sha"
want=$(sha256sum "$ROOT/deploy/local/pom.xml" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || [ ! -d "$LOCAL/kafka/libs" ] || [ ! -f "$LOCAL/downloads/keycloak.zip" ]; then
  say "resolving Kafka and Keycloak through Maven"
  rm -rf "$LOCAL/kafka/libs" "$LOCAL/downloads"
  mvn -q -B -f "$ROOT/deploy/local/pom.xml" package \
      -Dkafka.libs="$LOCAL/kafka/libs" -Dkeycloak.download="$LOCAL/downloads" >"$LOGS/maven.log" 2>&1 \
    || { tail -30 "$LOGS/maven.log"; die "maven resolution failed (see $LOGS/maven.log)"; }
  rm -rf "$ROOT/deploy/local/target" "$LOCAL/keycloak/dist"
  echo "$want" >"$stamp"
fi
# Zipkin's server jar: its own pom and stamp, so that it never re-resolves the parts above.
zstamp="$LOCAL/zipkin.sha"
zwant=$(sha256sum "$ROOT/deploy/local/zipkin/pom.xml" | cut -d' ' -f1)
if [ "$(cat "$zstamp" 2>/dev/null)" != "$zwant" ] || [ ! -f "$LOCAL/downloads-zipkin/zipkin.jar" ]; then
  say "resolving Zipkin through Maven"
  rm -rf "$LOCAL/downloads-zipkin"
  mvn -q -B -f "$ROOT/deploy/local/zipkin/pom.xml" package -Dzipkin.download="$LOCAL/downloads-zipkin" >"$LOGS/maven-zipkin.log" 2>&1 \
    || { tail -30 "$LOGS/maven-zipkin.log"; die "maven resolution of zipkin failed (see $LOGS/maven-zipkin.log)"; }
  rm -rf "$ROOT/deploy/local/zipkin/target"
  echo "$zwant" >"$zstamp"
fi
if [ ! -d "$LOCAL/keycloak/dist" ]; then
  mkdir -p "$LOCAL/keycloak"
  (cd "$LOCAL/keycloak" && unzip -q "$LOCAL/downloads/keycloak.zip" && mv keycloak-* dist)
fi
bash "$ROOT/deploy/local/console.sh" install
say "installed"
