#!/usr/bin/env bash
# everyday-test.sh — output for people and conversations that are not there:
# late data after FIN/RST is no conversation (counts checked against tshark's TCP
# conversations when tshark is installed); with several files the text rows are under
# a heading per file; identical reasons are grouped with their row numbers; -q -o csv
# is the summary as CSV; --hosts says it merges files; --hosts-per-file in the three
# formats.  Suite 'cli'; no root needed.
#
# usage: everyday-test.sh SMBNEG SOURCE_ROOT
KNOWN_FAILURES=""

set -u
exec 2>&1
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"
cli_begin everyday "$@"
shopt -s nullglob
CAPS=(captures/*.pcap captures/*.pcapng)
[ ${#CAPS[@]} -gt 1 ] || skip "fewer than 2 captures in $ROOT/captures"
HOSTILE=test/hostile/cases
A=captures/smb2-srv_auto-cli_disabled-user.pcap
B=captures/benign-nmap-smb-protocols.pcap
C=captures/smb2-srv_mandatory-cli_required-user.pcap
for f in "$A" "$B" "$C" "$HOSTILE/late-echo-after-rst.pcap"; do [ -f "$f" ] || skip "$f missing"; done

# ---------------------------------------------------------------------------------
# Late data after FIN/RST: never a conversation of its own
# ---------------------------------------------------------------------------------
# late_case FILE CONVERSATIONS LATE: smbneg counts CONVERSATIONS and LATE late segments;
# with tshark, as many conversations as tshark has TCP conversations.
late_case() {
    local got late ts
    "$SMBNEG" -r "$1" -o json -q > "$WORK/late.jsonl" 2>&1
    got=$(grep '"event":"summary"' "$WORK/late.jsonl" | grep -o '"conversations":[0-9]*' | cut -d: -f2)
    late=$(grep '"event":"summary"' "$WORK/late.jsonl" | grep -o '"late_segments":[0-9]*' | cut -d: -f2)
    [ "$got" = "$2" ] && [ "$late" = "$3" ] ||
        { echo "  $1: $got conversations, $late late segments; expected $2 and $3" >&2; return 1; }
    command -v tshark >/dev/null 2>&1 || return 0
    ts=$(tshark -n -r "$1" -q -z conv,tcp 2>/dev/null | grep -cE '^[0-9a-f.:]+:[0-9]+ +<-> ')
    [ "$ts" = "$got" ] || { echo "  $1: tshark sees $ts TCP conversations, smbneg $got" >&2; return 1; }
}
command -v tshark >/dev/null 2>&1 || echo "# tshark not installed: conversation counts not compared with tshark"
ok late-rst "an Echo response after the client's RST is late data, not a 2nd conversation" \
    late_case "$HOSTILE/late-echo-after-rst.pcap" 2 1
ok late-fins "data after both FINs is late data" late_case "$HOSTILE/late-data-after-fins.pcap" 2 2
ok late-flood "50 segments after RST: no conversation" late_case "$HOSTILE/late-data-flood-after-rst.pcap" 2 50
ok late-new-syn "a new handshake on the same tuple is a new conversation" \
    late_case "$HOSTILE/new-handshake-after-rst.pcap" 3 0
run -r "$HOSTILE/late-echo-after-rst.pcap"
ok late-text "text: the summary names the late data" \
    all 'rc_is 0' 'out_has "1 late data segment after FIN/RST, counted with the connection it closed"'
run -r "$A"
ok late-text-quiet "text: no late-data line when there is none" all 'rc_is 0' '! grep -q "late data" "$WORK/out"'

# ---------------------------------------------------------------------------------
# Text: a heading per file; reasons grouped
# ---------------------------------------------------------------------------------
run -r "$A" -r "$B" -r "$C"
ok heading-per-file "several files: each file's rows under '== FILE', in order" \
    all 'rc_is 0' '[ "$(grep "^== " "$WORK/out" | tr "\n" " ")" = "== $A == $B == $C " ]'
run -r "$A"
ok heading-single "one file: no heading" all 'rc_is 0' '! grep -q "^== " "$WORK/out"'
run -r "$B"
ok group-range "7 conversations with one reason: one line '#1-#7 (7 conversations)'" \
    all 'rc_is 0' 'out_has "  #1-#7 (7 conversations) incomplete: the client closed"' \
    '[ "$(grep -c "^  #" "$WORK/out")" = 1 ]'

# Every conversation of a run over all captures is in exactly one reason line, with
# the reason and note JSON gives it, and no two lines have the same verdict and text.
"$SMBNEG" -r captures -o json > "$WORK/all.jsonl" 2>/dev/null
"$SMBNEG" -r captures > "$WORK/all.txt" 2>/dev/null
group_check() {
    "$PY" - "$WORK/all.jsonl" "$WORK/all.txt" <<'PYEOF'
import json, re, sys
want = {}
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("event") != "conversation":
        continue
    v, r, n = e["verdict"], e["reason"], e["note"]
    # the reason (a signed verdict has one only when it says who asked for
    # encryption), the note in brackets after it; else the note alone
    text = (r + (" (%s)" % n if n else "")) if r else (n or None)
    if text is not None:
        want[e["id"]] = (v, text)
txt = open(sys.argv[2]).read().split("\nReasons and notes:\n", 1)[1].split("\n\n", 1)[0]
got, seen = {}, set()
for line in txt.splitlines():
    m = re.match(r"  ((?:#\d+(?:-#\d+)?(?:, )?)+)(?: \((\d+) conversations\))? +([a-z-]+): (.*)$", line)
    assert m, "unparsed: " + line
    key = (m.group(3), m.group(4))
    assert key not in seen, "two lines for " + repr(key)
    seen.add(key)
    rows = []
    for part in m.group(1).split(", "):
        a, _, b = part.partition("-")
        rows += range(int(a[1:]), int((b or a)[1:]) + 1)
    if m.group(2):
        assert int(m.group(2)) == len(rows), line
    for r in rows:
        assert r not in got, "row %d twice" % r
        got[r] = key
assert got == want, "rows differ: %r" % sorted(set(got.items()) ^ set(want.items()))[:4]
print("  %d rows in %d reason lines" % (len(got), len(seen)), file=sys.stderr)
PYEOF
}
ok group-all "all captures: each row in one reason line, the text JSON gives it" group_check

# ---------------------------------------------------------------------------------
# -q -o csv: the summary as CSV, the counters of the JSON summary
# ---------------------------------------------------------------------------------
run -r "$A" -r "$B" -q -o csv
cp "$WORK/out" "$WORK/sum.csv"
run -r "$A" -r "$B" -q -o json
csv_summary_check() {
    "$PY" - "$WORK/sum.csv" "$WORK/out" <<'PYEOF'
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert len(rows) == 2, rows
head, vals = rows
s = [json.loads(l) for l in open(sys.argv[2]) if '"event":"summary"' in l][0]
# schema 2: the envelope is not a counter; counters not known are null (CSV: empty)
flat = {k: "" if v is None else v for k, v in s.items()
        if not isinstance(v, (dict, str)) and k not in ("ts", "schema_version", "sensor", "interface")}
flat.update(s["verdicts"])
for k in ("packets_received", "packets_dropped", "packets_ifdropped"):
    flat.setdefault(k, "")
got = dict(zip(head, vals))
assert len(head) == len(vals) == len(flat), (len(head), len(vals), sorted(set(flat) - set(head)))
for k, v in flat.items():
    assert got[k] == str(v), (k, got[k], v)
PYEOF
}
ok csv-quiet "-q -o csv: a header and one row, equal to the JSON summary" csv_summary_check
run -r "$A" -o csv
ok csv-not-quiet "-o csv without -q: conversation rows only, no summary table" \
    all 'rc_is 0' '! grep -q "^files," "$WORK/out"' '[ "$(wc -l < "$WORK/out")" = 2 ]'
ok csv-readme "README documents every -q -o csv column" \
    all 'for c in $(head -n 1 "$WORK/sum.csv" | tr , " "); do grep -q -- "\`$c\`" README.md || { echo "  README lacks $c" >&2; exit 1; }; done'

# ---------------------------------------------------------------------------------
# --hosts over several files; --hosts-per-file
# ---------------------------------------------------------------------------------
run -r "$A" -r "$B" --hosts
ok hosts-merged-says "--hosts over 2 files: the header says addresses are merged" \
    all 'rc_is 0' 'out_has "Servers in 2 files (an address seen in several files is one row"'
run -r "$A" --hosts
ok hosts-single "--hosts over 1 file: no such line" all 'rc_is 0' '! grep -q "^Servers in" "$WORK/out"'
run -r "$A" -r "$B" -r "$C" --hosts-per-file
ok hosts-per-file-text "--hosts-per-file text: one table per file, named" \
    all 'rc_is 0' '[ "$(grep -c "^Servers in captures/" "$WORK/out")" = 3 ]' \
    '[ "$(grep -c "^SERVER " "$WORK/out")" = 3 ]' 'out_has "Summary: "'
# JSON: the host events of each file are those of a --hosts run over that file alone.
per_file_json() {
    local f
    "$SMBNEG" -r "$A" -r "$B" -r "$C" --hosts-per-file -o json > "$WORK/pf.jsonl" || return 1
    for f in "$A" "$B" "$C"; do
        # schema 2: `file` is in every host event (null with --hosts), after the envelope
        "$SMBNEG" -r "$f" --hosts -o json | grep '"event":"host"' |
            sed 's#"file":null,##' > "$WORK/one.jsonl"
        grep '"event":"host"' "$WORK/pf.jsonl" | grep -F "\"file\":\"$f\"," |
            sed "s#\"file\":\"$f\",##" > "$WORK/pf-one.jsonl"
        cmp -s "$WORK/one.jsonl" "$WORK/pf-one.jsonl" ||
            { echo "  $f: per-file host events differ" >&2; diff "$WORK/one.jsonl" "$WORK/pf-one.jsonl" | head -4 >&2; return 1; }
    done
    # each file's host events come before its file event
    "$PY" -c '
import json, sys
cur = None
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e["event"] == "host":
        assert cur in (None, e["file"]), l
        cur = e["file"]
    elif e["event"] == "file":
        assert cur in (None, e["file"]), l
        cur = None
' "$WORK/pf.jsonl"
}
ok hosts-per-file-json "--hosts-per-file JSON: host events with the file, as --hosts over each file" per_file_json
run -r "$A" -r "$B" --hosts-per-file -o csv
ok hosts-per-file-csv "--hosts-per-file CSV: one header with a file column, rows per file" \
    all 'rc_is 0' '[ "$(head -n 1 "$WORK/out")" = "file,server,conversations,smb1,max_smb2_dialect,signing,relay_target,guest_sessions,server_name,server_dns_name,server_os_version,users" ]' \
    '[ "$(grep -c "^file," "$WORK/out")" = 1 ]' "grep -q '^\"$A\",127.0.0.4,' \"\$WORK/out\"" \
    "grep -q '^\"$B\",127.0.0.21,7,' \"\$WORK/out\""

report everyday "$T0"
[ "$FAIL" -eq 0 ]
