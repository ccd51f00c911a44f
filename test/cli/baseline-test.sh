#!/usr/bin/env bash
# baseline-test.sh — regression checks in CI (README
# "Regression checks in CI"): --write-baseline on a folder with a subfolder, then
# unchanged (exit 0), one capture replaced (exit 1 naming exactly that file and its
# conversations), the folder moved (relative paths: exit 0); the JUnit report parsed
# by python3 with its counts; --fail-on hits with an unreadable file (with and
# without --baseline), incomplete, anomaly:NAME, no-conversations, empty lists; a
# malformed baseline; outputs that cannot be written.  Suite 'cli'; no root needed (as
# root, one more check: the live interface without conversations, on lo).
#
# usage: baseline-test.sh SMBNEG SOURCE_ROOT
#
# Needs python3.  Work files live in one `mktemp -d` folder (KEEP_WORK=1 keeps it);
# the captures are copied from captures/ into it.
KNOWN_FAILURES=""

set -u
exec 2>&1
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"
cli_begin baseline "$@"

SIGNED=captures/smb2-srv_mandatory-cli_required-user.pcap
SIGNED2=captures/smb2-srv_mandatory-cli_disabled-user.pcap
NOTSIGNED=captures/smb2-srv_auto-cli_disabled-user.pcap
MULTI=captures/concurrent-two-servers.pcap
SMB3=captures/impacket-smb3_00-srv_auto-user.pcap
SNAPLEN=captures/snaplen96-srv_mandatory-user.pcap
SMB1=captures/smb1-srv_auto-cli_disabled-user.pcap
for f in "$SIGNED" "$SIGNED2" "$NOTSIGNED" "$MULTI" "$SMB3" "$SNAPLEN" "$SMB1"; do
    [ -f "$f" ] || skip "$f missing"
done

# The sample folder: two captures at the top, two in subfolders.
S=$WORK/samples
mkdir -p "$S/sub/deeper"
cp "$SIGNED" "$S/signed.pcap"
cp "$NOTSIGNED" "$S/notsigned.pcap"
cp "$MULTI" "$S/sub/multi.pcap"
cp "$SMB3" "$S/sub/deeper/smb3.pcap"
BL=$WORK/baseline.jsonl

# py CODE ARGS...: run a python3 check (exit status is the check's)
py() { "$PY" -c "$@"; }

# ----------------------------------------------------------------------------------
# --write-baseline, then unchanged
# ----------------------------------------------------------------------------------
run -q -r "$S" --write-baseline "$BL"
ok write-baseline "--write-baseline on a folder with subfolders: exit 0, says what it wrote" \
    all 'rc_is 0' "err_has '--write-baseline $BL: 4 capture(s), 9 conversation(s)'"
ok write-baseline-content "the baseline: header, 4 file records with relative paths, 9 conversations, every line JSON" \
    py '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert lines[0] == {"format": "smbneg-baseline", "version": 1}, lines[0]
files = [l["file"] for l in lines if l.get("record") == "file"]
assert files == ["notsigned.pcap", "signed.pcap", "sub/deeper/smb3.pcap", "sub/multi.pcap"], files
convs = [l for l in lines if l.get("record") == "conversation"]
assert len(convs) == 9, len(convs)
keys = {"anomalies", "cause", "client", "client_signing", "dialect", "file", "ordinal",
        "protection", "record", "server", "server_signing", "verdict"}
assert all(set(c) == keys for c in convs), convs[0]
' "$BL"

"$SMBNEG" -q -j 1 -r "$S" --write-baseline "$WORK/serial.jsonl" --fail-on not-signed \
    --junit "$WORK/serial.xml" >/dev/null 2>"$WORK/serial.err"
"$SMBNEG" -q -j 3 -r "$S" --write-baseline "$WORK/jobs.jsonl" --fail-on not-signed \
    --junit "$WORK/jobs.xml" >/dev/null 2>"$WORK/jobs.err"
ok jobs-same "-j 3 (files read by workers) and -j 1 write the same baseline, JUnit report and hits" \
    all "cmp '$WORK/serial.jsonl' '$WORK/jobs.jsonl'" "cmp '$WORK/serial.xml' '$WORK/jobs.xml'" \
        "diff <(grep -v write-baseline '$WORK/serial.err') <(grep -v write-baseline '$WORK/jobs.err')" \
        "cmp -s '$BL' '$WORK/serial.jsonl'"

run -q -r "$S" --baseline "$BL"
ok unchanged "the same folder against its baseline: exit 0, 'no difference', no diff line" \
    all 'rc_is 0' 'out_has "baseline: no difference"' 'out_lacks ": changed:"' \
        'out_lacks ": added:"' 'out_lacks ": removed:"'
run -q -o json -r "$S" --baseline "$BL"
ok unchanged-json "-o json unchanged: exit 0, no baseline-diff event, the count on stderr" \
    all 'rc_is 0' 'out_lacks "baseline-diff"' 'err_has "baseline: no difference"'

# ----------------------------------------------------------------------------------
# Moved folder: the paths are relative to -r DIR
# ----------------------------------------------------------------------------------
M=$WORK/elsewhere/checkout/samples
mkdir -p "$(dirname "$M")"
cp -r "$S" "$M"
run -q -r "$M" --baseline "$BL"
ok moved-folder "the folder copied elsewhere (absolute -r): exit 0, no difference" \
    all 'rc_is 0' 'out_has "baseline: no difference"'
(cd "$WORK/elsewhere/checkout" && "$SMBNEG" -q -r samples/ --baseline "$BL" \
    >"$WORK/out" 2>"$WORK/err" </dev/null); RC=$?
ok moved-folder-relative "the same with a relative -r samples/ from another directory: exit 0" \
    all 'rc_is 0' 'out_has "baseline: no difference"'
(cd "$S/sub" && "$SMBNEG" -q -r ../ --baseline "$BL" >"$WORK/out" 2>"$WORK/err" </dev/null); RC=$?
ok moved-folder-dotdot "-r ../ from inside the folder: exit 0" \
    all 'rc_is 0' 'out_has "baseline: no difference"'

# A shell glob: the files' folder is the one paths are relative to, as with -r DIR.
run -q -r "$S"/*.pcap --write-baseline "$WORK/glob.jsonl"
ok glob-write "-r samples/*.pcap --write-baseline: the paths are the file names" \
    all 'rc_is 0' "grep -qF '\"file\":\"signed.pcap\",\"record\":\"file\"' '$WORK/glob.jsonl'"
run -q -r "$M"/*.pcap --baseline "$WORK/glob.jsonl"
ok glob-moved "the glob in the moved folder: exit 0" all 'rc_is 0' 'out_has "baseline: no difference"'
run -q -r "$S" --baseline "$WORK/glob.jsonl"
ok glob-vs-dir "-r DIR against the glob's baseline: exit 1, only the subfolders' files are new" \
    all 'rc_is 1' 'out_has "sub/multi.pcap: file-added"' 'out_has "sub/deeper/smb3.pcap: file-added"' \
        'out_lacks "signed.pcap: "' 'out_has "(2 file-added, 7 added)"'

# ----------------------------------------------------------------------------------
# One capture replaced by another: exit 1 naming exactly that file and conversation
# ----------------------------------------------------------------------------------
C=$WORK/changed
cp -r "$S" "$C"
cp "$SIGNED2" "$C/signed.pcap"
convs() {  # convs FILE: "CLIENT -> SERVER" of each conversation, one a line
    "$SMBNEG" -r "$1" -o json | py '
import json, sys
for l in sys.stdin:
    e = json.loads(l)
    if e["event"] == "conversation":
        print(e["client"] + " -> " + e["server"])'
}
convs "$SIGNED" > "$WORK/old-convs"
convs "$SIGNED2" > "$WORK/new-convs"
run -q -o json -r "$C" --baseline "$BL"
ok replaced-json "one capture replaced: exit 1; every baseline-diff event names signed.pcap and one of its conversations, old or new, and nothing else" \
    all 'rc_is 1' 'err_has "baseline: 1 difference"' "py '
import json, sys
old = set(open(sys.argv[2]).read().split(\"\\n\")) - {\"\"}
new = set(open(sys.argv[3]).read().split(\"\\n\")) - {\"\"}
ev = [json.loads(l) for l in open(sys.argv[1])]
d = [e for e in ev if e[\"event\"] == \"baseline-diff\"]
assert d, \"no baseline-diff event\"
for e in d:
    assert e[\"file\"] == \"signed.pcap\", e
    assert e[\"conversation\"] in new | old, e
    assert e[\"baseline_conversation\"] in old | {None}, e
    assert set(e) == {\"event\", \"change\", \"file\", \"conversation\", \"baseline_conversation\", \"ordinal\", \"fields\"}, e
assert d[0][\"change\"] == \"changed\" and d[0][\"conversation\"] in new and d[0][\"baseline_conversation\"] in old, d
assert d[0][\"fields\"] == {\"client_signing\": {\"old\": \"required\", \"new\": \"enabled\"}}, d
' \"\$WORK/out\" \"\$WORK/old-convs\" \"\$WORK/new-convs\""
run -q -r "$C" --baseline "$BL"
ok replaced-text "the same as text: exit 1, one line on stdout naming signed.pcap and the conversation, then the count" \
    all 'rc_is 1' "out_has \"signed.pcap: \$(cat \"\$WORK/new-convs\"): changed: client_signing required -> enabled\"" \
        'out_has "baseline: 1 difference (1 changed)"' \
        '[ "$(grep -c -e ": changed:" -e ": added:" -e ": removed:" -e ": file-" "$WORK/out")" = 1 ]'
run -q -o csv -r "$C" --baseline "$BL"
ok replaced-csv "-o csv: the difference on stderr, stdout stays CSV" \
    all 'rc_is 1' 'err_has "signed.pcap: "' 'out_lacks "changed"'

# A capture swapped for one with other servers and clients: removed + added, same file.
cp "$SMB1" "$C/sub/deeper/smb3.pcap"
run -q -o json -r "$C" --baseline "$BL"
ok replaced-two "a second file replaced by an SMB1 capture: exit 1, its conversation removed and the new one added, under sub/deeper/smb3.pcap" \
    all 'rc_is 1' "py '
import json, sys
d = [json.loads(l) for l in open(sys.argv[1])]
d = [e for e in d if e[\"event\"] == \"baseline-diff\"]
got = sorted((e[\"file\"], e[\"change\"]) for e in d)
assert got == [(\"signed.pcap\", \"changed\"), (\"sub/deeper/smb3.pcap\", \"added\"), (\"sub/deeper/smb3.pcap\", \"removed\")], got
' \"\$WORK/out\""

# ----------------------------------------------------------------------------------
# JUnit report
# ----------------------------------------------------------------------------------
J=$WORK/junit.xml
# junit_counts FILE SUITES TESTS FAILURES ERRORS SKIPPED: the report's counts, on
# <testsuites> and summed over the testcases
junit_counts() {
    py '
import sys, xml.etree.ElementTree as ET
want = list(map(int, sys.argv[2:]))
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites"
cases = [c for s in root for c in s]
kinds = [[k.tag for k in c] for c in cases]
got = [len(root), len(cases), sum("failure" in k for k in kinds),
       sum("error" in k for k in kinds), sum("skipped" in k for k in kinds)]
attrs = [int(root.get(a)) for a in ("tests", "failures", "errors", "skipped")]
assert attrs == got[1:], (attrs, got)
for s in root:
    n = [len(s), sum(any(k.tag == "failure" for k in c) for c in s)]
    assert [int(s.get("tests")), int(s.get("failures"))] == n, (s.get("name"), n)
assert got == want, ("got", got, "want", want)
' "$@"
}
run -q -r "$S" --baseline "$BL" --junit "$J"
ok junit-unchanged "--junit, unchanged: 4 testsuites, 9 testcases, no failure" \
    all 'rc_is 0' "junit_counts '$J' 4 9 0 0 0"
# The failing testcases are exactly the conversations --fail-on named (from the
# JSON conversation events) and those a baseline-diff event names.
run -o json -r "$C" --baseline "$BL" --junit "$J" --fail-on not-signed
ok junit-changed "--junit, two files replaced, --fail-on not-signed: the failing testcases are the not-signed conversations and the changed, added and removed ones" \
    all 'rc_is 1' "py '
import json, os, sys, xml.etree.ElementTree as ET
root, want = sys.argv[3], set()
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e[\"event\"] == \"conversation\" and e[\"verdict\"] == \"not-signed\":
        want.add((os.path.relpath(e[\"file\"], root), e[\"client\"] + \" -> \" + e[\"server\"], \"fail-on\"))
    if e[\"event\"] == \"baseline-diff\":
        want.add((e[\"file\"], e[\"conversation\"] or e[\"baseline_conversation\"], e[\"change\"]))
r = ET.parse(sys.argv[2]).getroot()
assert {s.get(\"name\") for s in r} == {\"notsigned.pcap\", \"signed.pcap\", \"sub/deeper/smb3.pcap\", \"sub/multi.pcap\"}
got = set()
for s in r:
    for c in s:
        for f in c.iter(\"failure\"):
            got.add((c.get(\"classname\"), c.get(\"name\"), f.get(\"type\")))
# a testcase that is both a hit and a difference has one failure, typed fail-on
merged = {w for w in want if not (w[2] != \"fail-on\" and (w[0], w[1], \"fail-on\") in want)}
assert got == merged, (sorted(got), sorted(merged))
assert {w[2] for w in want} >= {\"changed\", \"added\", \"removed\"}, want
assert int(r.get(\"failures\")) == len(got)
' \"\$WORK/out\" '$J' '$C'"

# ----------------------------------------------------------------------------------
# --fail-on with an unreadable file (a NetMon .cap in the folder)
# ----------------------------------------------------------------------------------
U=$WORK/unreadable
cp -r "$S" "$U"
printf 'GMBU\002\000\000\000netmon capture, not read by smbneg' > "$U/netmon.cap"
# ns: the not-signed conversations of the folder (at least notsigned.pcap's)
ns=$("$SMBNEG" -r "$S" -o json | py '
import json, sys
print(sum(1 for l in sys.stdin if json.loads(l).get("verdict") == "not-signed" and json.loads(l)["event"] == "conversation"))')
run -q -r "$U" --fail-on not-signed
ok failon-unreadable "a --fail-on hit and an unreadable .cap: exit 2, every hit named with file and conversation, the .cap named" \
    all 'rc_is 2' 'err_has "netmon.cap: a Microsoft Network Monitor"' \
        "err_has \"smbneg: --fail-on not-signed: $U/notsigned.pcap: \$(convs "$NOTSIGNED")\"" \
        "err_has \"--fail-on: $ns conversation(s) not-signed\"" \
        '[ "$(grep -c "^smbneg: --fail-on not-signed: " "$WORK/err")" = "$ns" ]'
run -q -r "$U" --fail-on not-signed --junit "$J"
ok failon-unreadable-junit "... and its JUnit report: one error testcase for the .cap, a failure per hit" \
    all 'rc_is 2' "junit_counts '$J' 5 10 $ns 1 0"
BLU=$WORK/baseline-unreadable.jsonl
run -q -r "$U" --write-baseline "$BLU"
ok write-unreadable "--write-baseline with an unreadable .cap: written (status unreadable), exit 2 (no --baseline)" \
    all 'rc_is 2' "grep -qF '\"file\":\"netmon.cap\",\"record\":\"file\",\"status\":\"unreadable\"' '$BLU'"
run -q -r "$U" --baseline "$BLU"
ok baseline-unreadable-both "--baseline, the .cap unreadable in both: exit 0, still named on stderr" \
    all 'rc_is 0' 'out_has "baseline: no difference"' 'err_has "netmon.cap"'
run -q -r "$U" --baseline "$BLU" --fail-on not-signed
ok baseline-unreadable-hit "--baseline, .cap unreadable in both, a --fail-on hit: exit 1, the hits named" \
    all 'rc_is 1' 'err_has "--fail-on not-signed: "' 'err_has "netmon.cap"'
run -q -r "$U" --baseline "$BL"
ok baseline-new-unreadable "--baseline without the .cap: exit 1, file-added for it" \
    all 'rc_is 1' 'out_has "netmon.cap: file-added"'
head -c 3000 "$NOTSIGNED" > "$U/notsigned.pcap"
run -q -r "$U" --baseline "$BLU" --junit "$J"
ok baseline-became-unreadable "--baseline, a capture cut short since: exit 1, file-unreadable; JUnit: an error for it, the .cap skipped (unreadable in both)" \
    all 'rc_is 1' 'out_has "notsigned.pcap: file-unreadable"' "junit_counts '$J' 5 11 0 1 1"

# ----------------------------------------------------------------------------------
# --fail-on: incomplete, anomaly:NAME, no-conversations, smb1
# ----------------------------------------------------------------------------------
snap_conv=$(convs "$SNAPLEN")
run -q -r "$SNAPLEN" --fail-on incomplete
ok failon-incomplete "--fail-on incomplete on a capture cut by snaplen: exit 1, names file and conversation" \
    all 'rc_is 1' "err_has \"--fail-on incomplete: $SNAPLEN: $snap_conv\""
run -q -r "$SNAPLEN" --fail-on anomaly:truncated-message
ok failon-anomaly "--fail-on anomaly:truncated-message: exit 1, names file and conversation" \
    all 'rc_is 1' "err_has \"--fail-on anomaly:truncated-message: $SNAPLEN: $snap_conv\"" \
        'err_has "1 conversation(s) with anomaly truncated-message"'
run -q -r "$SNAPLEN" --fail-on anomaly:smb1-after-smb2,not-signed
ok failon-anomaly-miss "--fail-on an anomaly the capture does not have: exit 0, nothing on stderr" \
    all 'rc_is 0' '[ ! -s "$WORK/err" ]'
run -q -r "$SMB1" -r "$SNAPLEN" --fail-on smb1,incomplete
ok failon-two "--fail-on smb1,incomplete over two files: exit 1, one line each" \
    all 'rc_is 1' "err_has \"--fail-on smb1: $SMB1: \"" "err_has \"--fail-on incomplete: $SNAPLEN: \""
py 'import struct, sys; open(sys.argv[1], "wb").write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))' "$WORK/empty.pcap"
run -q -r "$WORK/empty.pcap" --fail-on no-conversations
ok failon-no-conversations "--fail-on no-conversations, a capture without SMB: exit 1, names the file" \
    all 'rc_is 1' "err_has \"--fail-on no-conversations: $WORK/empty.pcap: no SMB conversation\""
run -q -r "$WORK/empty.pcap"
ok no-conversations-default "a capture without SMB and no --fail-on no-conversations: exit 0" all 'rc_is 0'
run -q -r "$WORK/empty.pcap" -r "$SIGNED" --fail-on no-conversations --junit "$J"
ok failon-no-conversations-junit "no-conversations in JUnit: a failing (file) testcase" \
    all 'rc_is 1' "junit_counts '$J' 2 2 1 0 0"
if [ "$(id -u)" = 0 ]; then   # the live interface is an input too (a filter nothing matches)
    run -q -i lo --duration 1 --fail-on no-conversations --junit "$J" host 127.255.255.254
    ok failon-no-conversations-live "-i lo, no SMB conversation, --fail-on no-conversations: exit 1, names lo" \
        all 'rc_is 1' 'err_has "--fail-on no-conversations: lo: no SMB conversation"' \
            "junit_counts '$J' 1 1 1 0 0"
else
    echo "SKIP failon-no-conversations-live: needs root to capture on lo"
fi
run -q -r "$SIGNED" -r "$WORK/missing.pcap" --fail-on no-conversations
ok failon-no-conversations-unreadable "an unreadable file is not a no-conversations hit: exit 2, no hit" \
    all 'rc_is 2' 'err_lacks "no-conversations:"'

# ----------------------------------------------------------------------------------
# Usage errors: nothing read, exit 2, stdout empty
# ----------------------------------------------------------------------------------
bad() {   # bad NAME DESCRIPTION EXPECTED-STDERR ARGS...
    local name=$1 desc=$2 want=$3; shift 3
    run "$@"
    ok "$name" "$desc: exit 2, stderr says '$want', stdout empty" \
        all 'rc_is 2' "err_has \"$want\"" out_empty
}
bad failon-empty "--fail-on ''" "an empty list" -r "$SIGNED" --fail-on ''
bad failon-comma "--fail-on ," "an empty list" -r "$SIGNED" --fail-on ,
bad failon-empty-item "--fail-on not-signed,,smb1" "an empty name" -r "$SIGNED" --fail-on not-signed,,smb1
bad failon-unknown-anomaly "--fail-on anomaly:bogus" "unknown anomaly 'bogus'; known anomalies: truncated-message" \
    -r "$SIGNED" --fail-on anomaly:bogus
bad baseline-missing "--baseline that does not exist" "$WORK/nope.jsonl" -r "$S" --baseline "$WORK/nope.jsonl"
{ head -n 3 "$BL"; echo '{"record":"conversation",'; tail -n +4 "$BL"; } > "$WORK/bad.jsonl"
bad baseline-malformed "--baseline with a broken line 4" "bad.jsonl: line 4:" -r "$S" --baseline "$WORK/bad.jsonl"
bad baseline-live "--baseline with -i" "not -i" -i lo --baseline "$BL"
bad write-baseline-live "--write-baseline with -i" "not -i" -i lo --write-baseline "$WORK/x.jsonl"
run -q -r "$S" --junit "$WORK/no/such/dir/j.xml"
ok junit-unwritable "--junit into a missing folder: exit 2, named" \
    all 'rc_is 2' "err_has '--junit $WORK/no/such/dir/j.xml'"
cp "$BL" "$WORK/keep.jsonl"
run -q -r "$S" --write-baseline "$WORK/no/such/dir/b.jsonl"
ok write-baseline-unwritable "--write-baseline into a missing folder: exit 2, named" \
    all 'rc_is 2' "err_has '--write-baseline $WORK/no/such/dir/b.jsonl'"
run -q -r "$C" --baseline "$BL" --write-baseline "$BL"
ok accept "--baseline and --write-baseline on the same file: exit 1 (the differences), then the new state is the baseline" \
    all 'rc_is 1' "! cmp -s '$BL' '$WORK/keep.jsonl'"
run -q -r "$C" --baseline "$BL"
ok accepted "the accepted state compares equal: exit 0" all 'rc_is 0' 'out_has "baseline: no difference"'

report baseline "$T0"
[ "$FAIL" = 0 ]
