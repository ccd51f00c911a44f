#!/usr/bin/env bash
# schema-test.sh — every JSON event smbneg writes is valid against
# doc/smbneg-events.schema.json (draft 2020-12, python3-jsonschema), each key has one
# JSON type across all events of all captures, and the events of one connection join
# by uid.  Suite 'schema'.
#
# usage: schema-test.sh SMBNEG SOURCE_ROOT
#
# Outputs checked: every capture in captures/ alone (-o json), the whole folder at once
# (one run: uids unique across inputs), --hosts, -q; the same over ../shared/corpus
# when that folder exists.  Then the verdict events: one per conversation; at least one
# decided by the messages before the connection ended and written while another
# connection was still going (captures/concurrent-two-servers.pcap).
# Skips (77) without python3 or python3-jsonschema.
KNOWN_FAILURES=""
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/../cli/lib.sh"
cli_begin schema-test.sh "$@"
"$PY" -c 'import jsonschema' 2>/dev/null || skip "python3-jsonschema not installed (apt-get install python3-jsonschema)"
SCHEMA=$ROOT/doc/smbneg-events.schema.json
VALIDATE=$HERE/validate-events.py

shopt -s nullglob
caps=(captures/*.pcap captures/*.pcapng)
[ ${#caps[@]} -gt 0 ] || skip "no captures in captures/"
outs=()
for c in "${caps[@]}"; do
    o=$WORK/$(basename "$c").jsonl
    "$SMBNEG" -r "$c" -o json >"$o" 2>/dev/null
    outs+=("$o")
done
"$SMBNEG" -r captures -o json >"$WORK/dir.jsonl" 2>/dev/null
"$SMBNEG" -r captures -o json --hosts >"$WORK/hosts.jsonl" 2>/dev/null
"$SMBNEG" -r captures -o json -q >"$WORK/quiet.jsonl" 2>/dev/null
outs+=("$WORK/dir.jsonl" "$WORK/hosts.jsonl" "$WORK/quiet.jsonl")
CORPUS=$ROOT/../shared/corpus
if [ -d "$CORPUS" ]; then
    "$SMBNEG" -r "$CORPUS" -o json >"$WORK/corpus.jsonl" 2>/dev/null
    "$SMBNEG" -r "$CORPUS" -o json --hosts >"$WORK/corpus-hosts.jsonl" 2>/dev/null
    outs+=("$WORK/corpus.jsonl" "$WORK/corpus-hosts.jsonl")
else
    echo "# ../shared/corpus absent: captures/ only"
fi

ok schema-generated "doc/smbneg-events.schema.json is what doc/make-schema.py writes" \
    sh -c '"$1" "$2/doc/make-schema.py" "$3/gen.json" && cmp -s "$3/gen.json" "$2/doc/smbneg-events.schema.json"' \
    _ "$PY" "$ROOT" "$WORK"
ok schema-valid "every event of every capture valid against the schema, one type per key, uids join" \
    "$PY" "$VALIDATE" "$SCHEMA" "${outs[@]}"
ok schema-every-event "the outputs hold negotiate, verdict, conversation, file, host and summary events" \
    "$PY" -c '
import json, sys
seen = {json.loads(l)["event"] for p in sys.argv[1:] for l in open(p)}
need = {"negotiate", "verdict", "conversation", "file", "host", "summary"}
sys.exit(0 if need <= seen else print("missing", need - seen) or 1)' "${outs[@]}"
ok schema-strict "the schema is strict: an extra key, a missing key and a retyped key are rejected" \
    "$PY" -c '
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
e = json.loads(next(l for l in open(sys.argv[2]) if "\"event\":\"conversation\"" in l))
v = jsonschema.Draft202012Validator(schema)
assert v.is_valid(e)
bad = [dict(e, extra=1), {k: x for k, x in e.items() if k != "cause"}, dict(e, dialect=785),
       dict(e, schema_version=1), dict(e, uid=None)]
sys.exit(0 if not any(v.is_valid(b) for b in bad) else 1)' "$SCHEMA" "$WORK/dir.jsonl"
ok uid-byte-identical "reading the folder twice gives byte-identical output (uids included)" \
    cmp -s "$WORK/dir.jsonl" <("$SMBNEG" -r captures -o json 2>/dev/null)
ok verdict-in-time "concurrent-two-servers: a verdict decided by the messages is written before its connection ends, while other connections' events come between it and its conversation event" \
    "$PY" -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
ok = False
for i, v in enumerate(ev):
    if v["event"] != "verdict" or v["decided_by"] != "messages":
        continue
    j = next(j for j in range(i, len(ev)) if ev[j]["event"] == "conversation" and ev[j]["uid"] == v["uid"])
    c = ev[j]
    other = [x for x in ev[i + 1:j] if x.get("uid") not in (None, v["uid"])]
    if v["frame"] < c["last_frame"] and other and v["verdict"] == c["verdict"]:
        ok = True
sys.exit(0 if ok else 1)' "$WORK/concurrent-two-servers.pcap.jsonl"
report schema "$T0"
[ "$FAIL" -eq 0 ]
