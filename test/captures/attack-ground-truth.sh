#!/usr/bin/env bash
# attack-ground-truth.sh — what tshark sees of each attack pattern, per capture.
#
#   test/captures/attack-ground-truth.sh [DIR...]   (default: captures ../shared/corpus)
#
# One line per capture and pattern that is present (frame numbers), then the
# NTLM server challenges and NTProofStr values seen, so that the expectations
# in README-attacks.md (and test/unit/test_indicators_captures.c) can be checked
# against an independent decoder. Needs tshark (Debian: tshark).
set -uo pipefail
export LC_ALL=C
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
(( $# )) || set -- "$REPO/captures" "$REPO/../shared/corpus"

# name|display filter (tshark 4.0 field names)
PATTERNS=(
  "peek-fid0|smb.cmd == 0x25 && smb.flags.response == 0 && smb_pipe.function == 0x0023 && smb.fid == 0"
  "trans-insuff-resources|smb.cmd == 0x25 && smb.flags.response == 1 && smb.nt_status == 0xc0000205"
  "trans2-session-setup|smb.cmd == 0x32 && smb.flags.response == 0 && smb.trans2.cmd == 0x000e"
  "trans2-not-implemented|smb.cmd == 0x32 && smb.flags.response == 1 && smb.nt_status == 0xc0000002"
  "nt-trans-request|smb.cmd == 0xa0 && smb.flags.response == 0"
  "trans2-secondary|smb.cmd == 0x33"
  "nbss-0xfff7|tcp.len >= 4 && tcp.payload[0:4] == 00:00:ff:f7"
  "compression-transform|smb2.header.comp_transform.original_size"
)

frames() {   # frames FILE FILTER -> "1,2,3" (first 8) or nothing
    tshark -n -r "$1" -Y "$2" -T fields -e frame.number 2>/dev/null |
        awk 'NR <= 8 { printf "%s%s", (NR > 1 ? "," : ""), $1 } END { if (NR > 8) printf ",... (%d)", NR }'
}

for dir in "$@"; do
    [[ -d $dir ]] || { echo "# $dir: not present, skipped"; continue; }
    for f in "$dir"/*.pcap "$dir"/*.pcapng "$dir"/*.cap "$dir"/*.pcap.gz; do
        [[ -f $f ]] || continue
        name=$(basename "$f")
        for p in "${PATTERNS[@]}"; do
            got=$(frames "$f" "${p#*|}")
            [[ -n $got ]] && printf '%s\t%s\t%s\n' "$name" "${p%%|*}" "$got"
        done
        ch=$(tshark -n -r "$f" -Y ntlmssp.ntlmserverchallenge -T fields \
                 -e ntlmssp.ntlmserverchallenge 2>/dev/null | sort -u | tr '\n' ' ')
        [[ -n $ch ]] && printf '%s\tntlm-challenges\t%s\n' "$name" "$ch"
        np=$(tshark -n -r "$f" -Y ntlmssp.ntlmv2_response.ntproofstr -T fields \
                 -e ntlmssp.ntlmv2_response.ntproofstr 2>/dev/null | sort | uniq -c |
                 awk '{ printf "%s%s", $2, ($1 > 1 ? "(x" $1 ") " : " ") }')
        [[ -n $np ]] && printf '%s\tntproofstr\t%s\n' "$name" "$np"
    done
done
