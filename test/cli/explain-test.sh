#!/usr/bin/env bash
# explain-test.sh — `smbneg explain` knows every code smbneg itself can print, and
# the spellings users paste.  Suite 'cli'; no root, no captures needed.
#
# usage: explain-test.sh SMBNEG SOURCE_ROOT
#
# The codes smbneg prints are found in its sources, so that a new reason text with a
# new code fails here until src/codes_table.c knows it:
#   - every 0xXXXXXXXX (8 hex digits) inside a C string literal of src/**/*.c
#     (comments removed first); constants in literals that are no error code go in
#     NOT_CODES below, with the reason;
#   - every name in ntstatus_names (src/smb_const.c), the table the reasons and the
#     JSON status_name use.
NOT_CODES=""   # e.g. "0x00140204" (FSCTL_VALIDATE_NEGOTIATE_INFO) if a text ever quotes it

set -u
exec 2>&1
export LC_ALL=C
T0=$(date +%s.%N)

SMBNEG=${1:?usage: explain-test.sh SMBNEG SOURCE_ROOT}
ROOT=${2:?usage: explain-test.sh SMBNEG SOURCE_ROOT}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=${PYTHON:-python3}
command -v "$PY" >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }
[ -x "$SMBNEG" ] || { echo "FAIL: $SMBNEG is not executable"; exit 1; }
# shellcheck source=lib.sh
. "$HERE/lib.sh"
KNOWN_FAILURES=""

# Codes inside string literals of the sources (comments stripped), one per line.
literal_codes() {
    "$PY" - "$ROOT" <<'EOF'
import pathlib, re, sys
root = pathlib.Path(sys.argv[1])
comment = re.compile(r'//[^\n]*|/\*.*?\*/', re.S)
literal = re.compile(r'"(?:[^"\\\n]|\\.)*"')
code = re.compile(r'0x[0-9A-Fa-f]{8}(?![0-9A-Fa-f])')
seen = set()
for f in sorted(root.glob('src/**/*.c')):
    text = f.read_text(errors='replace')
    # drop comments but keep string literals intact
    out, pos = [], 0
    for m in re.finditer(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|//[^\n]*|/\*.*?\*/', text, re.S):
        out.append(text[pos:m.start()])
        out.append(m.group(0) if m.group(0)[0] in '"\'' else ' ')
        pos = m.end()
    out.append(text[pos:])
    for lit in literal.findall(''.join(out)):
        for c in code.findall(lit):
            c = '0x' + c[2:].upper()
            if c not in seen:
                seen.add(c)
                print(c, f.relative_to(root))
EOF
}

check_codes() {   # every literal code is known to explain
    local c file n=0 bad=0
    while read -r c file; do
        case " $NOT_CODES " in *" $c "*) continue ;; esac
        n=$((n + 1))
        if ! "$SMBNEG" explain "$c" >/dev/null 2>&1; then
            echo "  $file: $c is printed by smbneg but unknown to 'smbneg explain'"
            bad=$((bad + 1))
        fi
    done < <(literal_codes)
    echo "  ($n codes in string literals of src/)"
    [ "$n" -gt 0 ] && [ "$bad" -eq 0 ]
}
ok literal-codes "every 0xXXXXXXXX in a string literal of src/**/*.c is known to explain" check_codes

check_names() {   # every ntstatus_names entry, in smbclient's spelling too
    local s n=0 bad=0
    for s in $(grep -oE '"STATUS_[A-Z0-9_]+"' "$ROOT/src/smb_const.c" | tr -d '"' | sort -u); do
        n=$((n + 1))
        "$SMBNEG" explain "$s" >/dev/null 2>&1 && "$SMBNEG" explain "NT_$s" >/dev/null 2>&1 ||
            { echo "  $s unknown to 'smbneg explain'"; bad=$((bad + 1)); }
    done
    echo "  ($n names in ntstatus_names)"
    [ "$n" -gt 0 ] && [ "$bad" -eq 0 ]
}
ok ntstatus-names "every name in ntstatus_names is known to explain (STATUS_X and NT_STATUS_X)" check_names

# same_as REF INPUT: `explain INPUT` prints exactly what `explain REF` prints.
same_as() {
    local a b
    a=$("$SMBNEG" explain "$1") && b=$("$SMBNEG" explain "$2") && [ -n "$a" ] && [ "$a" = "$b" ]
}
for s in 3227320323 -1067646973 0xc05d0003 C05D0003 "System error 3227320323 has occurred." \
         NT_STATUS_SMB_NO_SIGNING_ALGORITHM_OVERLAP; do
    ok "spelling-$s" "explain '$s' = explain 0xC05D0003" same_as 0xC05D0003 "$s"
done
for s in 1326 0x52E WERR_LOGON_FAILURE error_logon_failure "System error 1326 has occurred."; do
    ok "spelling-$s" "explain '$s' = explain ERROR_LOGON_FAILURE" same_as ERROR_LOGON_FAILURE "$s"
done

out_both() {   # the code is named, what it is AND why users meet it
    local o
    o=$("$SMBNEG" explain 3227320323) || return 1
    grep -q '^STATUS_SMB_NO_SIGNING_ALGORITHM_OVERLAP: 3227320323 = 0xC05D0003 = -1067646973$' <<<"$o" &&
        grep -q 'no signing algorithm in common' <<<"$o" && grep -q 'guest-blocked' <<<"$o"
}
ok no-signing-overlap "3227320323: its name, what it is and the guest-blocked situation" out_both

access_denied_both() {   # 0xC0000022: the signing cause and guest + required signing
    local o
    o=$("$SMBNEG" explain NT_STATUS_ACCESS_DENIED) || return 1
    grep -q 'mismatch-access-denied' <<<"$o" && grep -q 'guest-blocked' <<<"$o"
}
ok access-denied-causes "NT_STATUS_ACCESS_DENIED: both mismatch-access-denied and guest-blocked" access_denied_both

hresult_both() {   # 0x8007052E: the HRESULT and the Win32 error it wraps
    local o
    o=$("$SMBNEG" explain 0x8007052E) || return 1
    grep -q '^HRESULT_FROM_WIN32(ERROR_LOGON_FAILURE): 2147943726 = 0x8007052E = -2147023570$' <<<"$o" &&
        grep -q '^ERROR_LOGON_FAILURE: 1326 = 0x0000052E = 1326$' <<<"$o" &&
        grep -q 'STATUS_LOGON_FAILURE (0xC000006D)' <<<"$o"
}
ok hresult-wrap "0x8007052E: the HRESULT, ERROR_LOGON_FAILURE and the NTSTATUS behind it" hresult_both

unknown() {   # exit 2, the input named on stderr, nothing on stdout
    local o e rc
    o=$("$SMBNEG" explain "$1" 2>/dev/null); rc=$?
    e=$("$SMBNEG" explain "$1" 2>&1 >/dev/null)
    [ "$rc" -eq 2 ] && [ -z "$o" ] && [[ "$e" == *"not an error code smbneg knows"* ]]
}
for s in 99999999999 0x - "" "STATUS_NO_SUCH_THING" "$(printf '1%.0s' {1..5000})"; do
    ok "unknown-${s:0:16}" "explain '${s:0:16}' (${#s} chars): exit 2, a message, empty stdout" unknown "$s"
done

report explain "$T0"
[ "$FAIL" -eq 0 ]
