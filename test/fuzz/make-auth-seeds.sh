#!/usr/bin/env bash
# Seed the fuzz corpora of fuzz_auth (security buffers) and fuzz_smb1_logon
# (SMB1 Session Setup messages from their \xffSMB header) from captures/:
# tshark extracts them, one file per distinct content, 40 per target spread
# over the sizes.
# usage: test/fuzz/make-auth-seeds.sh (from the source root)
set -eu
command -v tshark >/dev/null || { echo "tshark is needed" >&2; exit 1; }
mkdir -p test/fuzz/corpus/auth test/fuzz/corpus/smb1_logon
for cap in captures/*.pcap; do
  b=$(basename "$cap" .pcap)
  tshark -r "$cap" -Y '(smb2.security_blob || smb.security_blob) && !tcp.analysis.retransmission' \
      -T fields -e frame.number -e smb2.security_blob -e smb.security_blob 2>/dev/null |
  while read -r frame hex; do
    [ -n "$hex" ] || continue
    printf '%s' "$hex" | tr -d ':,' | xxd -r -p > "test/fuzz/corpus/auth/$b-$frame"
  done
  tshark -r "$cap" -Y 'smb.cmd == 0x73 && !tcp.analysis.retransmission' \
      -T fields -e frame.number -e tcp.payload 2>/dev/null |
  while read -r frame hex; do
    bytes=$(printf '%s' "$hex" | tr -d ':')
    [ "${bytes:8:2}" = ff ] || continue
    printf '%s' "${bytes:8}" | xxd -r -p > "test/fuzz/corpus/smb1_logon/$b-$frame"
  done
done
for t in auth smb1_logon; do
  (cd test/fuzz/corpus/$t && md5sum -- * | sort | awk 'seen[$1]++ {print $2}' | xargs -r rm -f --
   n=$(ls | wc -l); ls -S | awk -v n="$n" 'n > 40 && (NR * 40) % n >= 40' | xargs -r rm -f --)
done
# Public captures (../shared/corpus) are not copied into the repository, not even as
# extracted security buffers: the fuzzers read them directly when the folder exists.
echo "seeds: $(ls test/fuzz/corpus/auth | wc -l) auth, $(ls test/fuzz/corpus/smb1_logon | wc -l) smb1_logon"
