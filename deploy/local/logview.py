"""`make logs`: the services' JSON log lines (zhengdun.logs) as one readable line each; any other
line (Kafka, Keycloak, Zipkin, `tail`'s file headers) passes unchanged. Reads stdin, standard library only."""
import json
import sys

for raw in sys.stdin:
    line = raw.rstrip("\n")
    try:
        entry = json.loads(line)
    except ValueError:
        entry = None
    if not isinstance(entry, dict) or "msg" not in entry:
        print(line, flush=True)
        continue
    where = " ".join(f"{k}={entry[k]}" for k in ("user", "trace_id") if entry.get(k))
    text = f"{entry.get('ts', '')[11:23]} {entry.get('service', '?'):<11} {entry.get('level', ''):<7} {entry.get('msg', '')}"
    print(text + (f"  [{where}]" if where else ""), flush=True)
    if entry.get("exc"):
        print("    " + entry["exc"].replace("\n", "\n    "), flush=True)
