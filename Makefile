# Zhengdun — the two commands a newcomer needs: `make up` and `make test`.
SHELL := /bin/bash
LOCAL := deploy/local

.PHONY: up down status logs test unit bench demo crash-test fuzz install infra

up:            ## install what is missing, start everything, load demo data, print URLs and logins
	@bash $(LOCAL)/up.sh

down:          ## stop the services and the real parts
	@bash $(LOCAL)/gateway.sh stop; bash $(LOCAL)/services.sh stop; bash $(LOCAL)/infra.sh stop

status:        ## health of every part
	@bash $(LOCAL)/infra.sh status; bash $(LOCAL)/services.sh status; bash $(LOCAL)/gateway.sh status

logs:          ## follow every log (the services' JSON lines shown one readable line each)
	@tail -n 20 -F .local/logs/*.log | python3 $(LOCAL)/logview.py

install:
	@bash $(LOCAL)/install.sh

infra: install
	@bash $(LOCAL)/infra.sh start

unit:          ## the fast tests: domain rules and manifests, no infrastructure
	@uv run --frozen pytest tests/unit -q

test: infra    ## the whole suite against real Kafka, Keycloak and PostgreSQL
	@uv run --frozen pytest tests -q -p no:cacheprovider --durations=30

bench: infra   ## benchmarks, figures printed
	@uv run --frozen python -m tests.bench

demo: up       ## run the scripted campaign
	@uv run --frozen python -m zhengdun_demo.campaign

crash-test: install  ## the end-to-end scenario twice with 10 faults each (services, broker, database, Keycloak), on a platform of its own
	@uv run --frozen python -m tests.crash_runs 2 10

fuzz: infra        ## Schemathesis against the five services, every phase, a token per level (longer than make test's run)
	@uv run --frozen python -m tests.fuzz.run 60
