#!/usr/bin/env bash
# Credentials for an outside government platform that subscribes to the public event stream.
#
#   bash deploy/local/external-platform.sh <name> ["显示名称"]   creates (or shows) Keycloak client
#        zhengdun-ext-<name> and lets it read zhengdun.public.v1 on 127.0.0.1:9094, nothing else
#   bash deploy/local/external-platform.sh --remove <name>       revokes its ACLs and deletes the client
#
# Idempotent: run again, it keeps the client and its secret and re-applies the ACLs. Uses Keycloak's
# admin API (KEYCLOAK_ADMIN / KEYCLOAK_ADMIN_PASSWORD, admin/admin in development) and Kafka's ACLs
# through the internal listener. See deploy/local/EXTERNAL-PLATFORMS.md.
source "$(dirname "$0")/lib.sh"
here="$ROOT/deploy/local"

remove=""
if [ "${1:-}" = "--remove" ]; then remove=1; shift; fi
name=${1:-}; display=${2:-"外部平台 $name"}
[[ $name =~ ^[a-z0-9][a-z0-9-]{0,39}$ ]] || die "usage: $0 [--remove] <name: lowercase letters, digits, '-'> [display name]"
client_id="zhengdun-ext-$name"

# The Keycloak part in Python (the client's shape is build_realm.external_platform_client, as in the realm file).
keycloak() {
  (cd "$ROOT" && KEYCLOAK_URL="http://127.0.0.1:$KEYCLOAK_PORT" uv run --quiet python - "$@" <<'PY'
import importlib.util
import os
import sys

import httpx

action, client_id, display = sys.argv[1:4]
base = os.environ["KEYCLOAK_URL"]
spec = importlib.util.spec_from_file_location("build_realm", "deploy/keycloak/build_realm.py")
build_realm = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_realm)

token = httpx.post(f"{base}/realms/master/protocol/openid-connect/token", data={
    "grant_type": "password", "client_id": "admin-cli",
    "username": os.environ.get("KEYCLOAK_ADMIN", "admin"), "password": os.environ.get("KEYCLOAK_ADMIN_PASSWORD", "admin"),
}).raise_for_status().json()["access_token"]
api = httpx.Client(base_url=f"{base}/admin/realms/zhengdun", headers={"Authorization": f"Bearer {token}"})

found = api.get("/clients", params={"clientId": client_id}).raise_for_status().json()
if action == "remove":
    for client in found:
        api.delete(f"/clients/{client['id']}").raise_for_status()
    print(f"Keycloak client {client_id} {'deleted' if found else 'was not there'}", file=sys.stderr)
    sys.exit(0)

# the client scope "kafka" (audience and scope of Kafka tokens) is in the realm file; a realm imported
# before it existed gets it here
scopes = {s["name"]: s["id"] for s in api.get("/client-scopes").raise_for_status().json()}
if "kafka" not in scopes:
    api.post("/client-scopes", json=build_realm.kafka_scope()).raise_for_status()
    scopes = {s["name"]: s["id"] for s in api.get("/client-scopes").raise_for_status().json()}
    print("Keycloak client scope kafka created", file=sys.stderr)

if not found:
    api.post("/clients", json=build_realm.external_platform_client(client_id, display)).raise_for_status()
    found = api.get("/clients", params={"clientId": client_id}).raise_for_status().json()
    # its service account holds the realm role of outside platforms (no API of the services grants it anything)
    account = api.get(f"/clients/{found[0]['id']}/service-account-user").raise_for_status().json()
    role = api.get("/roles/external_subscriber").raise_for_status().json()
    api.post(f"/users/{account['id']}/role-mappings/realm", json=[role]).raise_for_status()
    print(f"Keycloak client {client_id} created", file=sys.stderr)
else:
    print(f"Keycloak client {client_id} already exists (secret kept)", file=sys.stderr)
    api.put(f"/clients/{found[0]['id']}/default-client-scopes/{scopes['kafka']}").raise_for_status()
secret = api.get(f"/clients/{found[0]['id']}/client-secret").raise_for_status().json()["value"]
print(secret)
PY
  )
}

if [ -n "$remove" ]; then
  bash "$here/kafka.sh" revoke "$client_id"
  keycloak remove "$client_id" "$display"
  exit 0
fi

secret=$(keycloak add "$client_id" "$display")
bash "$here/kafka.sh" grant "$client_id"
cat <<DONE
Give the platform (through a secure channel):
  bootstrap servers   127.0.0.1:$KAFKA_EXTERNAL_PORT   (SASL_PLAINTEXT, mechanism OAUTHBEARER)
  token endpoint      $REALM_URL/protocol/openid-connect/token   (grant_type=client_credentials)
  client id           $client_id
  client secret       $secret
  topic               zhengdun.public.v1   (read only; contract: GET /public/asyncapi.json on reporting)
  consumer group ids  must start with $client_id
DONE
