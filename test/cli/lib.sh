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
