#!/usr/bin/env bash
# input-test.sh — what smbneg reads and how it says what it cannot: gzip and zstd captures (files and stdin) give the same output as the plain
# ones; truncated compressed files; foreign formats named with their conversion
# command; an invalid filter reported once before reading; unknown options; -i with
# no such interface; -r DIR with subfolders; trailing words that are files.  Suite
# 'cli'; no root needed.  (The man page against --help: cli-test.sh, man-options.)
#
# usage: input-test.sh SMBNEG SOURCE_ROOT
#
# Needs python3; gzip and zstd for the compressed checks (each skipped, and said so,
# when missing).  Work files live in one `mktemp -d` folder (KEEP_WORK=1 keeps it).
KNOWN_FAILURES=""

set -u
exec 2>&1
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"
cli_begin input "$@"
shopt -s nullglob
CAPS=(captures/*.pcap captures/*.pcapng)
[ ${#CAPS[@]} -gt 0 ] || skip "no captures in $ROOT/captures"
CORPUS=$ROOT/../shared/corpus
# same A B: two files have the same bytes (a diff of their start otherwise)
same() { cmp -s "$1" "$2" || { echo "  $1 and $2 differ:" >&2; diff "$1" "$2" | head -n 6 >&2; return 1; }; }

SIGNED=captures/smb2-srv_mandatory-cli_required-user.pcap
NOTSIGNED=captures/smb2-srv_auto-cli_disabled-user.pcap
MULTI=captures/concurrent-two-servers.pcap
for f in "$SIGNED" "$NOTSIGNED" "$MULTI"; do [ -f "$f" ] || skip "$f missing"; done

# ----------------------------------------------------------------------------------
# Compressed captures: every capture, gzip and zstd, text and JSON, byte-identical
# to the plain file once the file name is the same.
# ----------------------------------------------------------------------------------
# compressed_same TOOL EXT: for every capture, TOOL -c > copy.EXT gives the output of
# the plain file (JSON and text, the name replaced) and the same exit status.
compressed_same() {
    local tool=$1 ext=$2 f b z bad=0 n=0 rc1 rc2 fmt
    mkdir -p "$WORK/$ext"
    for f in "${CAPS[@]}"; do
        b=$(basename "$f")
        z=$WORK/$ext/$b.$ext
        "$tool" -c "$f" > "$z" 2>/dev/null || { echo "  $tool failed on $f" >&2; return 1; }
        for fmt in json text; do
            "$SMBNEG" -r "$f" -o "$fmt" > "$WORK/plain" 2>"$WORK/plain.err"; rc1=$?
            "$SMBNEG" -r "$z" -o "$fmt" 2>"$WORK/z.err" | sed "s#$z#$f#g" > "$WORK/z"; rc2=${PIPESTATUS[0]}
            n=$((n + 1))
            if [ "$rc1" != "$rc2" ] || ! cmp -s "$WORK/plain" "$WORK/z"; then
                echo "  $z ($fmt): exit $rc2 (plain $rc1), output differs: $(diff "$WORK/plain" "$WORK/z" | head -c 300)" >&2
                bad=$((bad + 1))
            fi
        done
    done
    [ $bad -eq 0 ] && echo "  $n runs compared" >&2
    [ $bad -eq 0 ]
}

have_gzip=false have_zstd=false
command -v gzip >/dev/null 2>&1 && have_gzip=true
command -v zstd >/dev/null 2>&1 && have_zstd=true
if $have_gzip; then
    ok gz-same "every capture as .gz (gzip -c): the same text and JSON output, the same exit status" \
        compressed_same gzip gz
else
    echo "# gzip not installed: the .gz checks are skipped"
fi
if $have_zstd; then
    ok zst-same "every capture as .zst (zstd -c): the same text and JSON output, the same exit status" \
        compressed_same zstd zst
else
    echo "# zstd not installed: the .zst checks are skipped"
fi

# stdin: the same bytes through a pipe, plain and compressed
"$SMBNEG" -r - -o json < "$MULTI" > "$WORK/stdin-plain" 2>/dev/null
stdin_same() { # stdin_same FILE: cat FILE | smbneg -r - gives the plain output
    cat "$1" | "$SMBNEG" -r - -o json > "$WORK/stdin-z" 2>"$WORK/err" && same "$WORK/stdin-plain" "$WORK/stdin-z"
}
ok stdin-plain-pipe "-r - from a pipe: the same output as from a redirected file" stdin_same "$MULTI"
if $have_gzip; then
    gzip -c "$MULTI" > "$WORK/multi.pcap.gz"
    ok stdin-gz "-r - with gzip data on a pipe: the same output as the plain file" stdin_same "$WORK/multi.pcap.gz"
    # a gzip file of two members (gzip -c a >> x; gzip -c b >> x) is one stream
    { head -c 40000 "$MULTI" | gzip -c; tail -c +40001 "$MULTI" | gzip -c; } > "$WORK/members.pcap.gz"
    ok stdin-gz-members "a gzip file of two members reads as one capture" stdin_same "$WORK/members.pcap.gz"
    trickle() { # the file in pieces, with pauses: 3 bytes (half a magic), 5000, the rest
        { head -c 3 "$1"; sleep 0.2; tail -c +4 "$1" | head -c 5000; sleep 0.2; tail -c +5004 "$1"; } |
            "$SMBNEG" -r - -o json > "$WORK/stdin-z" 2>"$WORK/err" && same "$WORK/stdin-plain" "$WORK/stdin-z"
    }
    ok stdin-gz-trickle "-r - with gzip data arriving in pieces (the magic split): the same output" \
        trickle "$WORK/multi.pcap.gz"
    head -c 3000 "$WORK/multi.pcap.gz" > "$WORK/cut.pcap.gz"
    run -r "$WORK/cut.pcap.gz"
    ok gz-truncated "a truncated .gz: exit 2, stderr names the file and says truncated gzip" \
        all 'rc_is 2' "err_has '$WORK/cut.pcap.gz: truncated gzip data'"
    "$PY" -c 'import sys; d = bytearray(open(sys.argv[1], "rb").read()); d[len(d) // 2] ^= 0xff; open(sys.argv[2], "wb").write(d)' \
        "$WORK/multi.pcap.gz" "$WORK/bad.pcap.gz"
    run -r "$WORK/bad.pcap.gz"
    ok gz-corrupt "a corrupt .gz (one byte flipped): exit 2, stderr names the file, corrupt gzip data and the offset" \
        all 'rc_is 2' "err_has '$WORK/bad.pcap.gz: corrupt gzip data at compressed byte offset'"
    "$SMBNEG" -r - < "$WORK/cut.pcap.gz" > "$WORK/out" 2>"$WORK/err"; RC=$?
    ok gz-truncated-stdin "a truncated .gz on stdin: exit 2, '(stdin): truncated gzip data'" \
        all 'rc_is 2' 'err_has "(stdin): truncated gzip data"'
fi
if $have_zstd; then
    zstd -q -c "$MULTI" > "$WORK/multi.pcap.zst"
    ok stdin-zst "-r - with zstd data on a pipe: the same output as the plain file" stdin_same "$WORK/multi.pcap.zst"
    head -c 3000 "$WORK/multi.pcap.zst" > "$WORK/cut.pcap.zst"
    run -r "$WORK/cut.pcap.zst"
    ok zst-truncated "a truncated .zst: exit 2, stderr names the file and says truncated zstd" \
        all 'rc_is 2' "err_has '$WORK/cut.pcap.zst: truncated zstd data'"
fi

# ----------------------------------------------------------------------------------
# Foreign formats: named, with the command that converts them
# ----------------------------------------------------------------------------------
NETMON=$CORPUS/ntlmrawunhide__capture_netmon.cap
if [ -f "$NETMON" ]; then
    run -r "$NETMON"
    ok netmon "a NetMon 2.x .cap (public corpus): exit 2, named, with the editcap command" \
        all 'rc_is 2' 'err_has "a Microsoft Network Monitor 2.x capture"' \
            'err_has "editcap -F pcapng $NETMON ${NETMON%.cap}.pcapng"'
else
    echo "# $NETMON absent: the NetMon check on a real file is skipped"
fi
printf 'GMBU\003\002' > "$WORK/nm2.cap"; head -c 200 /dev/zero >> "$WORK/nm2.cap"
printf 'snoop\0\0\0\0\0\0\002\0\0\0\004' > "$WORK/x.snoop"
# ETL: WMI_BUFFER_HEADER (BufferSize 64 KiB, offsets), then the system trace header
# (Version 2, type 2, flags 0xC0, HookId 0), then the logfile header's BufferSize
"$PY" -c 'import sys; b = bytearray(0x100); b[0:12] = bytes.fromhex("000001000010000000080000"); b[0x48:0x50] = bytes.fromhex("020002c030010000"); b[0x68:0x6c] = bytes.fromhex("00000100"); open(sys.argv[1], "wb").write(b)' "$WORK/t.etl"
run -r "$WORK/nm2.cap"
ok foreign-netmon "a NetMon 2.x header: named, editcap -F pcapng" \
    all 'rc_is 2' 'err_has "Network Monitor 2.x"' "err_has 'editcap -F pcapng $WORK/nm2.cap $WORK/nm2.pcapng'"
run -r "$WORK/x.snoop"
ok foreign-snoop "a snoop header: named, editcap -F pcapng" \
    all 'rc_is 2' 'err_has "snoop capture"' 'err_has "editcap -F pcapng"'
run -r "$WORK/t.etl"
ok foreign-etl "an ETL header: named, pktmon etl2pcap" \
    all 'rc_is 2' 'err_has "Windows ETL trace"' "err_has 'pktmon etl2pcap $WORK/t.etl --out $WORK/t.pcapng'"
if $have_gzip; then
    gzip -c "$WORK/nm2.cap" > "$WORK/nm2.cap.gz"
    run -r "$WORK/nm2.cap.gz"
    ok foreign-in-gzip "a gzip-compressed NetMon file: named too" \
        all 'rc_is 2' 'err_has "Network Monitor 2.x"'
fi
# The command named works: a capture written as NetMon 2.x and as snoop by editcap,
# converted back with the command smbneg prints, gives the conversations of the original.
if command -v editcap >/dev/null 2>&1; then
    "$SMBNEG" -r "$MULTI" -o json > "$WORK/multi.json" 2>/dev/null
    convert_back() { # convert_back FORMAT EXT
        local f=$WORK/rt.$2 cmd
        editcap -F "$1" "$MULTI" "$f" 2>/dev/null || { echo "  editcap -F $1 failed" >&2; return 1; }
        "$SMBNEG" -r "$f" > /dev/null 2>"$WORK/err" && { echo "  $f was read" >&2; return 1; }
        cmd=$(grep -o "editcap -F pcapng [^ ]* [^ ]*" "$WORK/err") || { echo "  no command: $(cat "$WORK/err")" >&2; return 1; }
        $cmd 2>/dev/null || { echo "  '$cmd' failed" >&2; return 1; }
        "$SMBNEG" -r "$WORK/rt.pcapng" -o json 2>/dev/null | sed "s#$WORK/rt.pcapng#$MULTI#" > "$WORK/rt.json"
        "$PY" -c '
import json, sys
def convs(p):
    return sorted((e["client"], e["server"], e["verdict"]) for e in map(json.loads, open(p)) if e["event"] == "conversation")
a, b = convs(sys.argv[1]), convs(sys.argv[2])
sys.exit(0 if a == b and a else 1)' "$WORK/multi.json" "$WORK/rt.json"
    }
    ok foreign-netmon-command-works "a capture saved as NetMon 2.x by editcap: the command smbneg names converts it back to the same conversations" \
        convert_back netmon2 cap
    ok foreign-snoop-command-works "the same for snoop" convert_back snoop snoop
else
    echo "# editcap not installed: the conversion commands are not run"
fi
echo "not a capture at all" > "$WORK/junk.pcap"
run -r "$WORK/junk.pcap"
ok foreign-unknown "an unknown format: exit 2, the first bytes shown" \
    all 'rc_is 2' 'err_has "unknown file format (first bytes 6e 6f 74 20"'

# A folder with a good capture and foreign files: each foreign file named, the run
# goes on, the good capture reported, exit 2 (an input could not be read).
mkdir -p "$WORK/mixed/sub"
cp "$NOTSIGNED" "$WORK/mixed/a.pcap"
cp "$WORK/nm2.cap" "$WORK/mixed/b.cap"
cp "$WORK/t.etl" "$WORK/mixed/sub/c.etl"
cp "$SIGNED" "$WORK/mixed/sub/d.pcap"
run -r "$WORK/mixed" -o json
ok dir-foreign-carries-on "-r DIR with foreign files: each named, the captures still analysed, exit 2" \
    all 'rc_is 2' 'err_has "b.cap: a Microsoft Network Monitor"' 'err_has "c.etl: a Windows ETL"' \
        '[ "$(grep -c "\"event\":\"conversation\"" "$WORK/out")" = 2 ]'
run -r "$WORK/mixed" -q --fail-on not-signed
ok dir-foreign-fail-on "-r DIR with a foreign file and a --fail-on hit: exit 2, the hit still printed" \
    all 'rc_is 2' 'err_has "--fail-on: 1 conversation(s) not-signed"'

# ----------------------------------------------------------------------------------
# Errors: filter, options, interface
# ----------------------------------------------------------------------------------
run -r "$SIGNED" -r "$NOTSIGNED" -r "$MULTI" tcp port nosuchservice
ok bad-filter-once "an invalid filter over 3 files: exit 2, one line 'invalid filter' with libpcap's reason, nothing read" \
    all 'rc_is 2' "err_has \"invalid filter 'tcp port nosuchservice': \"" \
        '[ "$(wc -l < "$WORK/err")" = 1 ]' out_empty
run -r "$SIGNED" 'host and'
ok bad-filter-syntax "a filter with a syntax error: exit 2, before reading" \
    all 'rc_is 2' "err_has \"invalid filter 'host and'\"" out_empty
run -r "$MULTI" -o json host 127.0.0.2
ok good-filter "a valid filter still filters: only the conversations to 127.0.0.2" \
    all 'rc_is 0' 'out_has "127.0.0.2"' 'out_lacks "\"server\":\"127.0.0.3"'
run -i smbneg-no-such-if0
ok no-such-interface "-i with no such interface: exit 2, one line naming it, no 'file' in the output" \
    all 'rc_is 2' 'err_has "-i smbneg-no-such-if0"' 'err_lacks "file"' out_empty \
        '[ "$(wc -l < "$WORK/err")" = 1 ]'
run -r "$SIGNED" -K
ok bad-short-option "an unknown short option: one line naming it and --help" \
    all 'rc_is 2' 'err_has "smbneg: unknown option -K; see smbneg --help"' '[ "$(wc -l < "$WORK/err")" = 1 ]'
run -r
ok missing-argument "-r without its argument: one line naming -r and --help" \
    all 'rc_is 2' 'err_has "smbneg: option -r needs an argument; see smbneg --help"' '[ "$(wc -l < "$WORK/err")" = 1 ]'

# ----------------------------------------------------------------------------------
# -r DIR with subfolders; trailing words that are files
# ----------------------------------------------------------------------------------
mkdir -p "$WORK/tree/b/deep" "$WORK/tree/.hidden"
cp "$SIGNED" "$WORK/tree/c.pcap"
cp "$NOTSIGNED" "$WORK/tree/b/a.pcap"
cp "$MULTI" "$WORK/tree/b/deep/z.pcap"
cp "$SIGNED" "$WORK/tree/.hidden/h.pcap"
ln -s .. "$WORK/tree/b/deep/loop"
echo notes > "$WORK/tree/b/readme.txt"
run -r "$WORK/tree" -o json
files_in_order() { "$PY" -c '
import json, sys
seen = []
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["event"] == "file" and e["file"] not in seen:
        seen.append(e["file"])
want = sys.argv[2:]
if seen != want:
    print("  files read:", seen, "expected:", want, file=sys.stderr)
    sys.exit(1)' "$WORK/out" "$@"; }
ok dir-recursive "-r DIR: subfolders too, in sorted order, dot folders left out, a symlink loop walked once" \
    all 'rc_is 0' "files_in_order '$WORK/tree/b/a.pcap' '$WORK/tree/b/deep/z.pcap' '$WORK/tree/c.pcap'"
run -r "$WORK/tree" -o json
cp "$WORK/out" "$WORK/tree-1"
run -r "$WORK/tree" -o json
ok dir-deterministic "-r DIR twice: byte-identical output" same "$WORK/tree-1" "$WORK/out"

"$SMBNEG" -r "$SIGNED" -r "$NOTSIGNED" -r "$MULTI" -o json > "$WORK/each-r" 2>/dev/null
run -r "$SIGNED" "$NOTSIGNED" "$MULTI" -o json
ok trailing-files "-r a.pcap b.pcap c.pcap (a shell glob): all three read, as with -r before each" \
    all 'rc_is 0' 'same "$WORK/each-r" "$WORK/out"'
"$SMBNEG" -r "$SIGNED" -r "$MULTI" -o json host 127.0.0.2 > "$WORK/each-r-bpf" 2>/dev/null
run -r "$SIGNED" "$MULTI" -o json host 127.0.0.2
ok trailing-files-then-bpf "-r a.pcap b.pcap host 127.0.0.2: the files read, the rest a filter" \
    all 'rc_is 0' 'same "$WORK/each-r-bpf" "$WORK/out"' 'out_lacks "\"server\":\"127.0.0.3"'
(cd "$WORK" && touch host && "$SMBNEG" -r "$ROOT/$MULTI" -o json host 127.0.0.2 > "$WORK/out" 2>"$WORK/err"); RC=$?
ok trailing-keyword-not-file "a BPF keyword is a keyword even when a file has its name" \
    all 'rc_is 0' 'out_lacks "\"server\":\"127.0.0.3"' 'out_has "127.0.0.2"'

report input "$T0"
[ "$FAIL" -eq 0 ]
