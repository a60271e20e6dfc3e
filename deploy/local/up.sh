#!/usr/bin/env bash
# `make up`: install what is missing, start Kafka, Keycloak, PostgreSQL, Zipkin and the five services,
# load the demo data, print where everything is. Running it again changes nothing.
source "$(dirname "$0")/lib.sh"
started=$(date +%s)
bash "$ROOT/deploy/local/install.sh"
bash "$ROOT/deploy/local/infra.sh" start
bash "$ROOT/deploy/local/services.sh" migrate
bash "$ROOT/deploy/local/services.sh" start
bash "$ROOT/deploy/local/console.sh" build
bash "$ROOT/deploy/local/gateway.sh" start
(cd "$ROOT" && uv run --frozen --no-sync python -m zhengdun_demo.load) || die "loading the demo data failed"
cat <<TXT

Zhengdun is up ($(( $(date +%s) - started ))s).

  console      http://127.0.0.1:8100/          (工作平台: log in as any demo user below)
  screening    http://127.0.0.1:8101/docs     (OpenAPI /openapi.json, events /asyncapi.json)
  casework     http://127.0.0.1:8102/docs
  supervision  http://127.0.0.1:8103/docs
  acceptance   http://127.0.0.1:8104/docs
  reporting    http://127.0.0.1:8105/docs
  keycloak     http://127.0.0.1:8180/admin    (admin / admin; realm zhengdun)
  kafka        127.0.0.1:9092                  postgres 127.0.0.1:5432 (zhengdun / zhengdun)
  traces       http://127.0.0.1:9411/zipkin/   (Zipkin: every request and the events it caused, one trace)
  metrics      http://127.0.0.1:810x/metrics   (Prometheus text; dead letters: GET /operations/dead-letters as ops)
  smtp         127.0.0.1:8025                  mail the platform sends: .local/mail/new/

Demo logins (password "demo"; token: client zhengdun-dev, password grant):
  province_org  city_org  supervisor  county_org  county2_org  county_committee  county_secretary
  contact_leader  township_org  township2_org  township_principal  team_leader  team_member
  village_secretary  review_discipline … review_audit  ops

  make status · make logs · make down
TXT
