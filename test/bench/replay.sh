#!/usr/bin/env bash
# replay.sh: live capture keeps up (README "Live capture"). Suite 'bench-live' (not in the
# default `meson test`; see test/bench/meson.build).
#
# usage: test/bench/replay.sh SMBNEG SOURCE_ROOT [CONVERSATIONS]   (default 1500)
#   env RATES  replay speeds, default "1000 topspeed" (Mbit/s numbers or topspeed)
#   env MODES  smbneg output modes, default "json q" (json compares verdicts; q only
#              reports the drops, for the cost of output)
#   env REPORT_ONLY=1  print the figures, exit 0 even with drops or differences
#   env PROFILE=1      also `perf record` smbneg during each replay and print its top
#                      10 functions (needs perf)
#
# As root it makes the benchmark capture (make-big-capture.py), reads it once with
# `smbneg -o csv -r` for the reference verdicts, then creates a network namespace
# smbneg-ns-PID and a veth pair smbneg-rPID (this namespace) / smbneg-cPID (in it),
# and for every rate and mode runs `smbneg -i smbneg-cPID` in the namespace while
# tcpreplay sends the capture into smbneg-rPID. It reports pcap_stats (received,
# dropped by the kernel, by the interface: smbneg's summary event) and, in json mode,
# compares the sorted (client, server, verdict) triples with the file's. Exit 1 when
# a packet was dropped or a verdict differs (the issue's bar), 77 (skip, saying why)
# without root, ip, tcpreplay, jq or python3. Everything it creates is removed by an
# EXIT trap; it stops only the processes it started, by PID. About 30 s at 1500.
set -euo pipefail
smbneg=$(realpath "$1") root=$(realpath "$2") n=${3:-1500}
rates=${RATES:-1000 topspeed} modes=${MODES:-json q}
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespace, veth pair, packet capture)"
for t in ip tcpreplay jq python3; do
  command -v $t > /dev/null || skip "$t is not installed (apt-get install iproute2 tcpreplay jq python3)"
done

ns=smbneg-ns-$$ rif=smbneg-r$$ cif=smbneg-c$$
work=$(mktemp -d) pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  ip link del "$rif" 2> /dev/null || true
  ip netns del "$ns" 2> /dev/null || true
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' INT TERM  # so that the EXIT trap cleans up after a timeout too
ip netns add "$ns" || skip "cannot create a network namespace"
ip link add "$rif" type veth peer name "$cif" || skip "cannot create a veth pair"
ip link set "$cif" netns "$ns"
ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 || true
sysctl -qw "net.ipv6.conf.$rif.disable_ipv6=1" 2> /dev/null || true
ip link set "$rif" mtu 9100 up
ip netns exec "$ns" ip link set "$cif" mtu 9100 up
ip netns exec "$ns" ip link set lo up

cap=$work/bench.pcap
python3 "$root/test/bench/make-big-capture.py" "$cap" --conversations "$n" --manifest "$cap.manifest"
"$smbneg" -o csv -r "$cap" | tail -n +2 | awk -F, '{ print $2, $3, $12 }' | sort > "$work/file.triples"
echo "capture: $(($(stat -c %s "$cap") / 1048576)) MiB, $(wc -l < "$work/file.triples") conversations read from the file"

status=0
for rate in $rates; do
  for mode in $modes; do
    out=$work/live.$mode.$rate
    flag=(-o json); [ "$mode" = q ] && flag=(-o json -q)
    ip netns exec "$ns" "$smbneg" -i "$cif" "${flag[@]}" > "$out" 2> "$out.err" &
    pids+=($!); pid=$!
    sleep 1.5  # the capture is open
    speed=(--mbps "$rate"); [ "$rate" = topspeed ] && speed=(--topspeed)
    if [ -n "${PROFILE:-}" ]; then
      perf record -q -o "$out.perf" -p "$pid" > /dev/null 2>&1 &
      pids+=($!); perf_pid=$!
    fi
    tcpreplay -q -i "$rif" "${speed[@]}" "$cap" > "$out.replay" 2>&1 || { cat "$out.replay"; exit 1; }
    sleep 1
    if [ -n "${PROFILE:-}" ]; then
      kill -INT "$perf_pid"; wait "$perf_pid" || true
      echo "  perf, smbneg -i at $rate, $mode:"
      perf report -i "$out.perf" --no-children --sort dso,symbol --stdio 2> /dev/null |
        grep -v '^#' | grep -v '^$' | head -10 | awk '{ printf "    %-7s %-18s %s\n", $1, $2, $4 }' || true
    fi
    kill -INT "$pid"
    wait "$pid" || true
    actual=$(grep -m1 -o 'Rated: .*' "$out.replay" || true)
    read -r recv drop ifdrop < <(jq -r 'select(.event == "summary") |
      "\(.packets_received) \(.packets_dropped) \(.packets_ifdropped)"' "$out")
    line="rate $rate, -o json${flag[2]:+ -q}: ${actual:-?}; pcap_stats: $recv received, $drop dropped, $ifdrop by the interface"
    if [ "$mode" = json ]; then
      jq -r 'select(.event == "conversation") | "\(.client) \(.server) \(.verdict)"' "$out" |
        sort > "$out.triples"
      d=$(diff "$work/file.triples" "$out.triples" | grep -c '^<' || true)
      line+="; $(wc -l < "$out.triples") conversations, $d of the file's (client, server, verdict) not matched live"
      [ "$d" = 0 ] || status=1
    fi
    [ "$drop" = 0 ] && [ "$ifdrop" = 0 ] || status=1
    echo "$line"
    [ "$mode" != json ] || [ "$d" = 0 ] || diff "$work/file.triples" "$out.triples" | head -6 | sed 's/^/    /' || true
  done
done
[ -n "${REPORT_ONLY:-}" ] && exit 0
exit $status
