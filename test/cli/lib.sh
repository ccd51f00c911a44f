# lib.sh — helpers shared by test/cli/*.sh (sourced, not run).
#
# The sourcing script sets KNOWN_FAILURES (names of checks that test the correct
# behaviour but fail because of a known smbneg bug not fixed yet) before it calls ok.

PASS=0 FAIL=0 KNOWN=0
is_known() { case " $KNOWN_FAILURES " in *" $1 "*) return 0 ;; esac; return 1; }

# ok NAME DESCRIPTION COMMAND...: the check passes when COMMAND succeeds.  A failing
# check named in KNOWN_FAILURES is printed as "KNOWN FAILURE" and does not count as a
# failure; a passing one says it can be taken off the list.
ok() {
    local name=$1 desc=$2; shift 2
    if "$@"; then
        if is_known "$name"; then
            echo "ok   $name - $desc (in KNOWN_FAILURES but passes now: remove it from the list)"
        else
            echo "ok   $name - $desc"
        fi
        PASS=$((PASS + 1))
    elif is_known "$name"; then
        echo "KNOWN FAILURE $name - $desc"
        KNOWN=$((KNOWN + 1))
    else
        echo "FAIL $name - $desc"
        FAIL=$((FAIL + 1))
    fi
}

# report SUITE START: the result line (elapsed since START, a `date +%s.%N`).
report() {
    local k list=""
    for k in $KNOWN_FAILURES; do list+=" $k"; done
    echo
    echo "$1: $PASS passed, $FAIL failed, $KNOWN known failures (KNOWN_FAILURES:${list:- none}), $(awk -v a="$2" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
}

# cli_begin NAME SMBNEG ROOT: the start every script shares: the environment, the checks
# that skip (exit 77) or fail, SMBNEG made absolute, cd ROOT, a work folder in $WORK
# (removed at exit unless KEEP_WORK=1), T0 for report.  Sets SMBNEG, ROOT, PY, WORK, T0.
cli_begin() {
    local name=$1
    SMBNEG=${2:?usage: $name SMBNEG SOURCE_ROOT}
    ROOT=${3:?usage: $name SMBNEG SOURCE_ROOT}
    export LC_ALL=C TZ=UTC0 NO_COLOR=1 NO_PROGRESS=1
    T0=$(date +%s.%N)
    PY=${PYTHON:-python3}
    command -v "$PY" >/dev/null 2>&1 || skip "python3 not installed (needed to compare JSON and CSV)"
    [ -x "$SMBNEG" ] || { echo "FAIL: $SMBNEG is not executable"; exit 1; }
    SMBNEG=$(realpath "$SMBNEG")
    cd "$ROOT" || exit 1
    WORK=$(mktemp -d "/tmp/smbneg-$name.XXXXXX")
    trap 'if [ "${KEEP_WORK:-0}" = 1 ]; then echo "# kept $WORK"; else rm -rf -- "$WORK"; fi' EXIT
}

skip() { echo "SKIP: $*"; exit 77; }

# run ARGS...: smbneg with ARGS; stdout in $WORK/out, stderr in $WORK/err, status in RC.
RC=0
run() { "$SMBNEG" "$@" >"$WORK/out" 2>"$WORK/err" </dev/null; RC=$?; }
rc_is() { [ "$RC" = "$1" ] || { echo "  exit status $RC, expected $1; stderr: $(head -c 300 "$WORK/err")" >&2; return 1; }; }
err_has() { grep -qF -- "$1" "$WORK/err" || { echo "  stderr lacks '$1': $(head -c 300 "$WORK/err")" >&2; return 1; }; }
out_has() { grep -qF -- "$1" "$WORK/out" || { echo "  stdout lacks '$1'" >&2; return 1; }; }
err_lacks() { ! grep -qF -- "$1" "$WORK/err" || { echo "  stderr has '$1'" >&2; return 1; }; }
out_lacks() { ! grep -qF -- "$1" "$WORK/out" || { echo "  stdout has '$1'" >&2; return 1; }; }
out_empty() { [ ! -s "$WORK/out" ] || { echo "  stdout not empty: $(head -c 200 "$WORK/out")" >&2; return 1; }; }
all() { local c; for c in "$@"; do eval "$c" || return 1; done; }
