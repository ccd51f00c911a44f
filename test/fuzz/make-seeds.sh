#!/usr/bin/env bash
# Seed the fuzz corpora from captures/: each SMB1 / SMB2 Negotiate, Session Setup,
# Tree Connect and IOCTL message becomes one file (tshark extracts the TCP payload;
# the 4-byte NBSS header is cut off). The stream and pcap targets replay captures/
# directly. usage: test/fuzz/make-seeds.sh (from the source root)
set -eu
command -v tshark >/dev/null || { echo "tshark is needed" >&2; exit 1; }
for t in smb1 smb2; do mkdir -p test/fuzz/corpus/$t; done
n=0
for cap in captures/*.pcap; do
  b=$(basename "$cap" .pcap)
  tshark -r "$cap" -Y '(smb.cmd == 0x72 || smb.cmd == 0x73 || smb2.cmd == 0 || smb2.cmd == 1 || smb2.cmd == 11) && !tcp.analysis.retransmission' \
      -T fields -e frame.number -e tcp.payload 2>/dev/null |
  while read -r frame hex; do
    [ -n "$hex" ] || continue
    bytes=$(printf '%s' "$hex" | tr -d ':')
    magic=${bytes:8:2}
    case $magic in ff) t=smb1 ;; fe) t=smb2 ;; *) continue ;; esac
    printf '%s' "${bytes:8}" | xxd -r -p > "test/fuzz/corpus/$t/$b-$frame"
  done
  n=$((n + 1))
done
echo "seeded from $n captures: $(ls test/fuzz/corpus/smb1 | wc -l) smb1, $(ls test/fuzz/corpus/smb2 | wc -l) smb2"
# Keep one file per distinct content.
for t in smb1 smb2; do
  (cd test/fuzz/corpus/$t && md5sum -- * | sort | awk 'seen[$1]++ {print $2}' | xargs -r rm -f --)
done
