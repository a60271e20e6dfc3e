# Common settings of the local platform scripts. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL="${ZD_LOCAL_DIR:-$ROOT/.local}"          # data, logs, downloads: git-ignored
LOGS="$LOCAL/logs"
mkdir -p "$LOGS"

# Kafka: the services' plaintext listener, the controller, and the SASL/OAUTHBEARER listener of
# outside platforms (Keycloak client credentials). Every port is overridable so that a scratch
# platform (own ZD_LOCAL_DIR; the crash runs' one) can run beside the shared one.
KAFKA_PORT=${ZD_KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${ZD_KAFKA_CONTROLLER_PORT:-9093}
KAFKA_EXTERNAL_PORT=${ZD_KAFKA_EXTERNAL_PORT:-9094}
KEYCLOAK_PORT=${ZD_KEYCLOAK_PORT:-8180}
KEYCLOAK_MANAGEMENT_PORT=${ZD_KEYCLOAK_MANAGEMENT_PORT:-9000}   # health endpoints
REALM_URL="http://127.0.0.1:$KEYCLOAK_PORT/realms/zhengdun"   # issuer of outside platforms' tokens
KAFKA_AUDIENCE=kafka                                           # the audience their tokens must carry
POSTGRES_PORT=${ZD_POSTGRES_PORT:-5432}   # a scratch cluster (own ZD_LOCAL_DIR) can run beside
ZIPKIN_PORT=${ZD_ZIPKIN_PORT:-9411}                            # the trace backend (UI and API)
SMTP_PORT=${ZD_SMTP_PORT:-8025}   # the local mail server (smtp.sh); the services' ZD_SMTP_PORT default too
SERVICES=(screening casework supervision acceptance reporting)
declare -A SERVICE_PORT=([screening]=8101 [casework]=8102 [supervision]=8103 [acceptance]=8104 [reporting]=8105)

say() { printf '\033[1m[zhengdun]\033[0m %s\n' "$*" >&2; }
die() { printf '[zhengdun] ERROR: %s\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_until SECONDS DESCRIPTION COMMAND...: polls COMMAND once a second.
wait_until() {
  local seconds=$1 what=$2; shift 2
  for ((i = 0; i < seconds; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  die "$what not ready after ${seconds}s"
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_pidfile() {  # stop_pidfile FILE NAME [SECONDS]: TERM, then KILL after SECONDS (20); its whole group when it leads one
  local file=$1 name=$2 grace=${3:-20}
  if pid_alive "$file"; then
    local pid target; pid=$(cat "$file")
    target=$pid; [ "$(ps -o pgid= -p "$pid" | tr -d ' ')" = "$pid" ] && target=-$pid
    kill -- "$target" 2>/dev/null || true
    for _ in $(seq 1 "$grace"); do kill -0 -- "$target" 2>/dev/null || break; sleep 1; done
    kill -9 -- "$target" 2>/dev/null || true
    say "$name stopped"
  fi
  rm -f "$file"
}

java_bin() {
  # Kafka 4 and Keycloak 26 both run on Java 17+.
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then echo "$JAVA_HOME/bin/java"; else command -v java; fi
}
