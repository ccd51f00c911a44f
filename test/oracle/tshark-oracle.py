#!/usr/bin/env python3
"""tshark cross-check for smbneg's Negotiate decoder and for the
identity fields of its conversations (identity_oracle.py).

usage: tshark-oracle.py [-j N] [-q] SMBNEG [--optional DIR] FILE_OR_DIR...

For every capture (.pcap, .pcapng, .cap, and .gz copies of them; directories are
searched recursively) the script asks tshark for every SMB1 Negotiate (0x72) and
SMB2 NEGOTIATE (0) message, asks smbneg for its "negotiate" JSON events, pairs the
messages by (frame, direction, SMB version, order inside the frame) and compares
them field by field.

tshark is run with -T json (not -T fields): its tree keeps every SMB/SMB2 message of
a frame in its own layer (several NBSS PDUs in one segment, SMB2 compounds, the SMB1
request / SMB2 response of a multi-protocol upgrade) and every negotiate context in
its own subtree, so no comma-aggregated field lists have to be re-split.  .gz files
are read by tshark directly and fed to smbneg decompressed on stdin
("gzip -dc FILE | smbneg -r -").

Identity (identity_oracle.py): per conversation, the NTLMSSP CHALLENGE server names
and OS version and, per session, user, domain, workstation, Kerberos realm and
service, against the keys of smbneg's "conversation" events.  A key smbneg does not
emit yet is counted as "not yet emitted" (skipped), never as a failure.

Output:
  DISAGREE FILE FRAME FIELD: tshark=X smbneg=Y     one line per disagreement
  DISAGREE FILE CLIENT->SERVER (frame N) [session I (frame M)] FIELD: ...
                                                   an identity disagreement
  MISSING-IN-SMBNEG FILE FRAME DIR SMBv: ...       tshark decodes a Negotiate, smbneg has no event
  MISSING-IN-TSHARK FILE FRAME DIR SMBv: ...       smbneg has an event tshark does not decode
  EXCEPTION FILE FRAME ... (reason)                a known tshark error (TSHARK_EXCEPTIONS);
                                                   reported, not counted
  NOTE FILE ...                                    a difference by design, with its reason
                                                   (not TCP, snaplen, container), not counted
then a per-field table (Negotiate) and one for the identity fields, the lines
"negotiate: N passed, M failed" and "identity: N passed, M failed, K skipped: key not
yet emitted by smbneg", and, last, exactly "N passed, M failed" (the sums: N/M count
compared fields; every missing Negotiate message counts as one failure).

Normalisations (each commented where it is done): SMB1 ServerGUID byte order, FILETIME
text -> integer, FILETIME 0 vs the Unix epoch, FT_BYTES "aa:bb" -> hex, empty strings
vs absent items, SMB2 error responses (header only), the first 8 challenge bytes.

When smbneg has a message tshark does not show, tshark is asked again with its TCP
sequence analysis off (tshark sometimes calls an original segment captured after the
peer's ACK a "spurious retransmission" and withholds it from NBSS); a message found
that way is compared against that decoding and a NOTE says so.

Exit status: 0 no failure, 1 some failure, 2 usage error, 77 tshark not installed
(meson's "skip").  "--optional DIR" names a directory that is skipped silently when
it does not exist (used for ../shared/corpus).

Only the Python standard library is used (Debian 12's python3).
"""

import argparse
import concurrent.futures
import datetime
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import OrderedDict, defaultdict

import identity_oracle
from identity_oracle import Obj, _hook, _items  # noqa: F401  (JSON with duplicate keys)

DFILTER = "smb.cmd == 0x72 || smb2.cmd == 0"
CAPTURE_SUFFIXES = (".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz", ".cap.gz")

# --------------------------------------------------------------------------------------
# Known tshark errors.  Each entry is a place where we believe tshark 4.0 decodes the
# wire wrongly (or not at all) and smbneg is right.  They are reported as EXCEPTION lines
# and not counted, never dropped silently.  Keys: "file" (basename), "frame",
# "direction", "field" (smbneg key, "*" = the whole message), "reason".
# --------------------------------------------------------------------------------------
TSHARK_EXCEPTIONS = [
    {
        # The client's byte stream in this file is cut into random 1..30-byte TCP
        # segments, and the first segment of the Negotiate request holds only the first
        # byte of the 4-byte NBSS header.  tshark 4.0's NBSS dissector then labels the
        # data "NBSS Continuation Message" instead of asking TCP for more bytes, so it
        # never decodes the request (it does decode the response, frame 44).  The
        # request is on the wire: 190-byte NBSS message, SMB1 Negotiate, Flags2 0xc843,
        # 10 dialects; the corpus manifest (ground_truth_caveats) says the same.
        "file": "suricata__smb-eicar-segmentation-random.pcap",
        "frame": 41,
        "direction": "request",
        "kind": "missing-in-tshark",
        "reason": "tshark's NBSS dissector does not reassemble a 4-byte NBSS header split "
                  "after its first byte (corpus manifest caveat); the request is on the wire",
    },
    {
        # LAN Manager dialects (WordCount 13) predate Unicode: MS-CIFS 2.2.1.1 says all
        # strings in dialects before NT LAN Manager are OEM.  tshark 4.0 decodes the
        # LANMAN PrimaryDomain according to the Flags2 UNICODE bit anyway, so an OEM
        # "WORKGROUP" after a response with Flags2 0x8000 set becomes "????".
        "kind": "field",
        "field": "domain_name",
        "direction": "response",
        "when": lambda t: t["smb_version"] == 1 and t["fields"].get("word_count") == 13
                          and (t["fields"].get("flags2") or 0) & 0x8000,
        "reason": "tshark decodes the LANMAN (WordCount 13) domain name as UTF-16 because "
                  "Flags2 has UNICODE, but pre-NT LM dialects only use OEM strings "
                  "(MS-CIFS 2.2.1.1)",
    },
]


# --------------------------------------------------------------------------------------
# tshark JSON: keep duplicate keys (several nbss/smb/smb2 layers in one frame, several
# negotiate contexts with the same label) in order.
# --------------------------------------------------------------------------------------
# Obj, _hook, _items: see identity_oracle.py


CTX_KEY = "smb2.negotiate_context.type"


def flatten(node, out, ctxs=None):
    """Collect every field below node into out[name] = [values...] in wire order.
    Negotiate-context subtrees are collected separately into ctxs (one dict each)."""
    for k, v in _items(node):
        for x in (v if isinstance(v, list) else [v]):
            if isinstance(x, dict):
                if ctxs is not None and CTX_KEY in x:
                    c = {}
                    flatten(x, c)
                    ctxs.append(c)
                else:
                    flatten(x, out, ctxs)
            elif isinstance(x, str):
                out.setdefault(k, []).append(x)


def tshark_messages(path, env, prefs=()):
    """Return (list of messages, error string or None)."""
    text, err, rc = identity_oracle.run_tshark_json(path, env, DFILTER, "frame smb smb2", prefs)
    if not text:
        return [], (err or None) if rc != 0 else None
    try:
        pkts = json.loads(text, object_pairs_hook=_hook)
    except ValueError as e:
        return [], "tshark JSON unreadable: %s (%s)" % (e, err)
    msgs = []
    for pkt in pkts:
        layers = pkt["_source"]["layers"]
        frame = layers.get("frame", {})
        fno = int(frame.get("frame.number"))
        try:
            snapped = int(frame.get("frame.cap_len")) < int(frame.get("frame.len"))
        except (TypeError, ValueError):
            snapped = False
        has_tcp = any(k == "tcp" for k, _ in _items(layers))
        order = 0
        for k, v in _items(layers):
            if k not in ("smb", "smb2"):
                continue
            for layer in (v if isinstance(v, list) else [v]):
                if not isinstance(layer, dict):
                    continue
                f, ctxs = {}, []
                flatten(layer, f, ctxs)
                m = decode_tshark_layer(k, f, ctxs)
                if m is None:
                    continue
                m["frame"] = fno
                m["has_tcp"] = has_tcp
                m["order"] = order
                m["snapped"] = snapped
                order += 1
                msgs.append(m)
    return msgs, (err if rc != 0 and err else None)


def ival(s):
    """tshark prints integers in decimal or 0x-hex depending on the field's base."""
    s = s.strip()
    if s.lower().startswith("0x"):
        return int(s, 16)
    if s.lower().startswith("-0x"):
        return -int(s[1:], 16)
    return int(s, 10)


def bval(s):
    return s in ("1", "True", "true")


def one(f, name, conv=ival):
    v = f.get(name)
    if not v:
        return None
    return conv(v[0])


MONTHS = {m: i + 1 for i, m in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])}
TIME_RE = re.compile(r"^([A-Z][a-z]{2})\s+(\d+),\s+(-?\d+)\s+(\d+):(\d+):(\d+)(?:\.(\d+))?")
EPOCH_1601 = datetime.datetime(1601, 1, 1)
FT_UNIX_EPOCH = 116444736000000000  # FILETIME of 1970-01-01T00:00:00Z


def tshark_time_to_filetime(s):
    """tshark prints FT_ABSOLUTE_TIME as e.g. 'Dec  8, 2024 21:21:09.311879800 UTC'
    (we run it with TZ=UTC).  Turn it back into a FILETIME (100 ns since 1601)."""
    m = TIME_RE.match(s)
    if not m:
        return s  # e.g. "Not representable": compared as text, will disagree visibly
    mon, day, year, hh, mi, ss, frac = m.groups()
    frac = (frac or "0").ljust(9, "0")[:9]
    try:
        dt = datetime.datetime(int(year), MONTHS[mon], int(day), int(hh), int(mi), int(ss))
    except (ValueError, KeyError):
        return s
    delta = dt - EPOCH_1601
    secs = delta.days * 86400 + delta.seconds
    return secs * 10000000 + int(frac) // 100


def hexbytes(s):
    """tshark prints FT_BYTES as aa:bb:cc."""
    return s.replace(":", "").lower()


def decode_tshark_layer(proto, f, ctxs):
    """One smb/smb2 layer -> a message dict, or None when it is not a Negotiate."""
    m = {"fields": OrderedDict()}
    F = m["fields"]
    if proto == "smb":
        if one(f, "smb.cmd") != 0x72:
            return None
        m["smb_version"] = 1
        resp = one(f, "smb.flags.response", bval)
        m["direction"] = "response" if resp else "request"
        F["flags2"] = one(f, "smb.flags2")
        if not resp:
            names = f.get("smb.dialect.name", [])
            F["dialect_count"] = len(names)
            F["dialects"] = list(names)
            return m
        st = one(f, "smb.nt_status")
        if st is None and one(f, "smb.error_class") is not None:
            # DOS error (Flags2 NT_STATUS clear): the 4 status bytes are ErrorClass,
            # Reserved, ErrorCode (LE); tshark shows class and code separately.
            st = one(f, "smb.error_class") | ((one(f, "smb.error_code") or 0) << 16)
        F["status"] = st
        F["word_count"] = one(f, "smb.wct")
        F["dialect_index"] = one(f, "smb.dialect.index")
        F["security_mode"] = one(f, "smb.sm")
        F["max_mpx_count"] = one(f, "smb.max_mpx_count")
        F["max_number_vcs"] = one(f, "smb.max_vcs")
        F["max_buffer_size"] = one(f, "smb.max_bufsize")
        F["max_raw_size"] = one(f, "smb.max_raw")
        F["session_key"] = one(f, "smb.session_key")
        F["capabilities"] = one(f, "smb.server_cap")
        F["system_time"] = one(f, "smb.system.time", tshark_time_to_filetime)
        F["server_time_zone"] = one(f, "smb.server_timezone")
        F["challenge_length"] = one(f, "smb.challenge_length")
        if F["word_count"] == 17 and F["capabilities"] is not None:
            # smbneg's extended_security is the CAP_EXTENDED_SECURITY bit of the
            # response (MS-CIFS 2.2.4.52.2), which is also what tshark keys on.
            F["extended_security"] = bool(F["capabilities"] & 0x80000000)
        F["server_guid"] = one(f, "smb.server_guid", str)
        blob = f.get("smb.security_blob")
        if blob is not None:
            F["security_blob_length"] = len(hexbytes(blob[0])) // 2
        elif F.get("extended_security"):
            F["security_blob_length"] = 0  # tshark adds no item for an empty blob
        F["challenge"] = one(f, "smb.challenge", hexbytes)
        F["domain_name"] = one(f, "smb.primary_domain", str)
        return m

    # SMB2
    if one(f, "smb2.cmd") != 0:
        return None
    m["smb_version"] = 2
    resp = one(f, "smb2.flags.response", bval)
    m["direction"] = "response" if resp else "request"
    F["message_id"] = one(f, "smb2.msg_id")
    if resp:
        F["status"] = one(f, "smb2.nt_status")
    F["security_mode"] = one(f, "smb2.sec_mode")
    F["capabilities"] = one(f, "smb2.capabilities")
    if not resp:
        F["client_guid"] = one(f, "smb2.client_guid", str)
        F["dialect_count"] = one(f, "smb2.dialect_count")
        F["dialects"] = [ival(x) for x in f.get("smb2.dialect", [])] if "smb2.dialect_count" in f else None
    else:
        F["dialect"] = one(f, "smb2.dialect")
        F["server_guid"] = one(f, "smb2.server_guid", str)
        F["max_transact_size"] = one(f, "smb2.max_trans_size")
        F["max_read_size"] = one(f, "smb2.max_read_size")
        F["max_write_size"] = one(f, "smb2.max_write_size")
        F["system_time"] = one(f, "smb2.current_time", tshark_time_to_filetime)
        F["server_start_time"] = one(f, "smb2.boot_time", tshark_time_to_filetime)
        F["security_buffer_offset"] = one(f, "smb2.olb.offset")
        F["security_buffer_length"] = one(f, "smb2.olb.length")
    F["negotiate_context_count"] = one(f, "smb2.negotiate_context.count")
    if "smb2.negotiate_context.count" in f or ctxs:
        F["negotiate_contexts"] = [decode_tshark_ctx(c) for c in ctxs]
    m["error_body"] = resp and (F.get("status") or 0) != 0 and "smb2.sec_mode" not in f
    return m


def decode_tshark_ctx(c):
    t = one(c, "smb2.negotiate_context.type")
    d = OrderedDict()
    d["type"] = t
    d["length"] = one(c, "smb2.negotiate_context.data_length")
    ids = lambda name: [ival(x) for x in c.get(name, [])]
    if t == 1:
        d["hash_algorithms"] = ids("smb2.negotiate_context.hash_algorithm")
        d["salt_length"] = one(c, "smb2.negotiate_context.salt_length")
    elif t == 2:
        d["ciphers"] = ids("smb2.negotiate_context.cipher_id")
    elif t == 3:
        d["compression_algorithms"] = ids("smb2.negotiate_context.comp_alg_id")
        d["flags"] = one(c, "smb2.negotiate_context.comp_alg_flags")
    elif t == 5:
        d["netname"] = one(c, "smb2.negotiate_context.netname", str)
    elif t == 6:
        d["flags"] = one(c, "smb2.negotiate_context.transport_flags")
    elif t == 7:
        d["rdma_transforms"] = ids("smb2.negotiate_context.rdma_transform_id")
    elif t == 8:
        d["signing_algorithms"] = ids("smb2.negotiate_context.signing_id")
    return d


# --------------------------------------------------------------------------------------
# smbneg
# --------------------------------------------------------------------------------------
def run_smbneg(smbneg, path, env):
    """Return (negotiate events, file error or None, conversation events)."""
    if path.endswith(".gz"):
        with open(path, "rb") as fh:
            # the equivalent of "gzip -dc FILE | smbneg -r -"
            p = subprocess.run([smbneg, "-r", "-", "-o", "json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                               input=gzip.decompress(fh.read()))
    else:
        p = subprocess.run([smbneg, "-r", path, "-o", "json"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env)
    events, ferr, convs = [], None, []
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            e = json.loads(line)
        except ValueError:
            ferr = "unparsable smbneg output line: %r" % line[:120]
            continue
        if e.get("event") == "negotiate":
            if e.get("smb_version") == 2:
                # schema 2: SMB2 dialects are names, their numbers in dialect_ids/dialect_id
                e["dialects"], e["dialect"] = e.get("dialect_ids"), e.get("dialect_id")
            events.append(e)
        elif e.get("event") == "conversation":
            convs.append(e)
        elif e.get("event") == "file" and e.get("error"):
            ferr = e["error"]
    if p.returncode not in (0, 1) and ferr is None:
        ferr = "smbneg exit status %d: %s" % (p.returncode,
                                               p.stderr.decode("utf-8", "replace").strip()[:300])
    return events, ferr, convs


# --------------------------------------------------------------------------------------
# Normalisation and comparison
# --------------------------------------------------------------------------------------
def smb1_guid_tshark_to_ms(s):
    """tshark 4.0 adds SMB1's ServerGUID with ENC_NA, i.e. it prints the 16 bytes in
    wire order (big-endian GUID text), while MS-SMB 2.2.4.5.2.1 stores a GUID structure
    (little-endian Data1/Data2/Data3, MS-DTYP 2.3.4) and smbneg prints it the way
    Windows does and tshark's own SMB2 ServerGuid/ClientGuid do.  Re-order tshark's
    text to the MS convention."""
    h = s.replace("-", "").lower()
    if len(h) != 32:
        return s
    b = bytes.fromhex(h)
    return "%s-%s-%s-%s-%s" % (b[0:4][::-1].hex(), b[4:6][::-1].hex(), b[6:8][::-1].hex(),
                               b[8:10].hex(), b[10:16].hex())


def values_equal(field, tv, sv):
    if tv == sv:
        return True
    if isinstance(tv, str) and isinstance(sv, str) and field.endswith("guid"):
        return tv.lower() == sv.lower()
    if field.endswith("time") and tv == FT_UNIX_EPOCH and sv == 0:
        # FILETIME 0 means "no time" (MS-SMB2 2.2.4 ServerStartTime, MS-CIFS); tshark's
        # filetime conversion shows "No time specified" and stores the Unix epoch, so a
        # tshark 1970-01-01 00:00:00 equals smbneg's raw 0.
        return True
    if tv is None and sv == "" and field in ("challenge", "domain_name"):
        # ByteCount 0 (or a zero-length challenge): tshark adds no item at all,
        # smbneg prints an empty string.  Same meaning.
        return True
    return False


def fmt(v):
    if v is None:
        return "<absent>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return "%d(0x%x)" % (v, v) if v > 9 or v < 0 else str(v)
    return json.dumps(v)


def field_key(path):
    return re.sub(r"\[\d+\]", "[]", path)


def find_exception(fname, frame, direction, field, kind, tmsg=None):
    base = os.path.basename(fname)
    for ex in TSHARK_EXCEPTIONS:
        if ex.get("file") not in (None, base):
            continue
        if ex.get("frame") not in (None, frame):
            continue
        if ex.get("direction") not in (None, direction):
            continue
        if ex.get("kind") not in (None, kind):
            continue
        if ex.get("field") not in (None, "*", field):
            continue
        if ex.get("when") is not None and (tmsg is None or not ex["when"](tmsg)):
            continue
        return ex
    return None


class Result:
    def __init__(self, name):
        self.name = name
        self.lines = []                 # (kind, text), printed in order
        self.passed = defaultdict(int)  # field key -> count
        self.failed = defaultdict(int)
        self.excepted = defaultdict(int)
        self.messages = 0
        self.id_passed = defaultdict(int)   # identity fields (identity_oracle.py)
        self.id_failed = defaultdict(int)
        self.id_skipped = defaultdict(int)  # smbneg does not emit the key yet

    def out(self, kind, text):
        self.lines.append((kind, text))


class Comparer:
    """Compares the messages of one file."""

    def __init__(self, res, disp):
        self.res = res
        self.disp = disp

    def record(self, t, path, tv, sv, ok):
        res, key = self.res, field_key(path)
        if ok:
            res.passed[key] += 1
            return
        text = "%s %s %s: tshark=%s smbneg=%s" % (self.disp, t["frame"], path, fmt(tv), fmt(sv))
        ex = find_exception(self.disp, t["frame"], t["direction"], key, "field", t)
        if ex:
            res.excepted[key] += 1
            res.out("EXCEPTION", "%s (%s)" % (text, ex["reason"]))
        else:
            res.failed[key] += 1
            res.out("DISAGREE", text)

    def field(self, t, path, tv, sv):
        if tv is None and sv is None:
            return
        if path == "negotiate_contexts" and isinstance(tv, list) and isinstance(sv, list):
            self.record(t, path + ".length", len(tv), len(sv), len(tv) == len(sv))
            for i in range(min(len(tv), len(sv))):
                tc = tv[i]
                sc = sv[i] if isinstance(sv[i], dict) else {}
                for k in tc:
                    self.field(t, "%s[%d].%s" % (path, i, k), tc.get(k), sc.get(k))
            return
        self.record(t, path, tv, sv, values_equal(path, tv, sv))

    def message(self, t, s):
        self.res.messages += 1
        TF = OrderedDict(t["fields"])
        if t["smb_version"] == 1 and TF.get("server_guid"):
            TF["server_guid"] = smb1_guid_tshark_to_ms(TF["server_guid"])
        if t["smb_version"] == 1 and TF.get("challenge") is not None:
            # smbneg prints the first 8 challenge bytes (the NTLM/LM challenge, whose
            # ChallengeLength is 8, MS-CIFS 2.2.4.52.2) as plain hex.
            TF["challenge"] = TF["challenge"][:16]
        if t.get("error_body"):
            # An SMB2 error response (MS-SMB2 2.2.2) has no NEGOTIATE body: tshark
            # decodes the ERROR structure, so only header fields are comparable.
            TF = OrderedDict((k, v) for k, v in TF.items() if k in ("message_id", "status"))
        for k, tv in TF.items():
            self.field(t, k, tv, s.get(k))

    def missing(self, kind, m, text, tmsg=None):
        ex = find_exception(self.disp, m["frame"], m["direction"], "*", kind, tmsg)
        if ex:
            self.res.excepted["(message)"] += 1
            self.res.out("EXCEPTION", "%s (%s)" % (text, ex["reason"]))
        else:
            key = "(missing in smbneg)" if kind == "missing-in-smbneg" else "(missing in tshark)"
            self.res.failed[key] += 1
            self.res.out(kind.upper(), text)


def describe(m):
    return "%s %s SMB%s" % (m["frame"], m["direction"], m["smb_version"])


def key_of(m):
    return (m.get("frame"), m.get("direction"), m.get("smb_version"))


def pair_up(tmsgs, events):
    """Pair by (frame, direction, version); inside one frame, in wire order."""
    groups = defaultdict(lambda: ([], []))
    for m in tmsgs:
        groups[key_of(m)][0].append(m)
    for e in events:
        groups[key_of(e)][1].append(e)
    pairs, only_t, only_s = [], [], []
    for key in sorted(groups, key=lambda k: (k[0] or 0, k[1] or "", k[2] or 0)):
        tl, sl = groups[key]
        n = min(len(tl), len(sl))
        pairs += list(zip(tl[:n], sl[:n]))
        only_t += tl[n:]
        only_s += sl[n:]
    return pairs, only_t, only_s


def write_pcap_from_tshark(path, out, env):
    """Rebuild an Ethernet pcap from tshark's own reading of a capture that neither
    libpcap nor editcap can handle (Network Monitor files whose records are
    "Network Event" encapsulated frames).  Every tshark frame becomes one record, so
    frame numbers stay the same; frames without an Ethernet layer become empty records."""
    p = subprocess.run(["tshark", "-n", "-r", path, "-T", "json", "-x", "-J", "frame eth"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    try:
        pkts = json.loads(p.stdout.decode("utf-8", "replace") or "[]")
    except ValueError:
        return False
    import struct
    with open(out, "wb") as fh:
        fh.write(struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 262144, 1))  # ns pcap, EN10MB
        for pkt in pkts:
            l = pkt["_source"]["layers"]
            fr = l.get("frame", {})
            ts = fr.get("frame.time_epoch", "0")
            sec, _, ns = ts.partition(".")
            sec, ns = int(sec or 0), int((ns or "0").ljust(9, "0")[:9])
            data = b""
            raw, eth = l.get("frame_raw"), l.get("eth_raw")
            if raw and eth:
                data = bytes.fromhex(raw[0])[int(eth[1]):]
            fh.write(struct.pack("<IIII", sec, ns, len(data), len(data)) + data)
    return bool(pkts)


# tshark's TCP sequence analysis sometimes withholds a segment from the upper layers
# (it calls an original segment captured after the peer's ACK a "spurious
# retransmission").  When smbneg has a message that tshark does not show, a second
# tshark pass with the analysis off is asked whether the message is on the wire.
SECOND_PASS_PREFS = ("tcp.analyze_sequence_numbers:FALSE",)


def check_file(smbneg, path, env, tmpdir):
    disp = path
    res = Result(disp)
    cmp = Comparer(res, disp)
    tmsgs, terr = tshark_messages(path, env)
    events, serr, convs = run_smbneg(smbneg, path, env)
    if terr:
        res.out("NOTE", "%s: tshark: %s" % (disp, terr.splitlines()[0]))
    if serr and tmsgs:
        # smbneg cannot read the container.  README only asks for a clear error on
        # such files (e.g. Network Monitor .cap), and this check is about the decoder,
        # so compare on a pcapng copy written by editcap (same frames, same order), or
        # failing that on a pcap rebuilt from tshark's own frame bytes.
        conv = os.path.join(tmpdir, re.sub(r"[^A-Za-z0-9_.-]", "_", os.path.basename(path)))
        how = None
        if shutil.which("editcap") and subprocess.run(
                ["editcap", "-F", "pcapng", path, conv + ".pcapng"], stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, env=env).returncode == 0:
            conv, how = conv + ".pcapng", "an editcap -F pcapng copy"
        elif write_pcap_from_tshark(path, conv + ".pcap", env):
            conv, how = conv + ".pcap", "a pcap rebuilt from tshark's Ethernet frames"
        if how:
            events, serr2, convs = run_smbneg(smbneg, conv, env)
            res.out("NOTE", "%s: smbneg cannot read it (%s); compared on %s" % (disp, serr, how))
            if serr2:
                res.out("NOTE", "%s: smbneg on the copy: %s" % (disp, serr2))
        else:
            res.out("NOTE", "%s: smbneg cannot read it (%s) and it could not be converted" % (disp, serr))
    elif serr:
        res.out("NOTE", "%s: smbneg: %s" % (disp, serr))

    # tshark also decodes SMB over NetBEUI/IPX.  smbneg is a TCP analyser by design
    # (MS-SMB2 2.1: TCP 445 direct-hosted, TCP 139 with NetBIOS session request), so Negotiates
    # that are not carried by TCP are reported here and not compared.
    non_tcp = [m for m in tmsgs if not m["has_tcp"]]
    if non_tcp:
        res.out("NOTE", "%s: %d Negotiate message(s) not carried by TCP (NetBEUI/IPX), out of "
                        "smbneg's scope: frames %s" % (disp, len(non_tcp),
                                                        ",".join(str(m["frame"]) for m in non_tcp)))
    tmsgs = [m for m in tmsgs if m["has_tcp"]]

    pairs, only_t, only_s = pair_up(tmsgs, events)
    if only_s:
        t2, _ = tshark_messages(path, env, SECOND_PASS_PREFS)
        known = defaultdict(int)
        for m in tmsgs:
            known[key_of(m)] += 1
        extra = defaultdict(list)
        for m in t2:
            if m["has_tcp"]:
                extra[key_of(m)].append(m)
        still = []
        for s in only_s:
            k = key_of(s)
            cand = extra.get(k, [])[known[k]:]
            if cand:
                t = cand[0]
                known[k] += 1
                res.out("NOTE", "%s %s: tshark shows this message only with -o %s (its TCP analysis "
                                "withholds the segment from NBSS); compared with that decoding"
                        % (disp, describe(t), SECOND_PASS_PREFS[0]))
                pairs.append((t, s))
            else:
                still.append(s)
        only_s = still
    pairs.sort(key=lambda p: (p[0]["frame"], p[0]["direction"], p[0]["smb_version"], p[0]["order"]))
    for t, s in pairs:
        cmp.message(t, s)
    for t in only_t:
        if t["snapped"] and not any(v is not None for k, v in t["fields"].items()
                                    if k not in ("flags2", "message_id", "status")):
            # A snaplen-truncated frame (cap_len < len) in which tshark sees only
            # the start of the SMB header (command NEGOTIATE) and no Negotiate field:
            # there is nothing to compare, and smbneg by design reports no Negotiate
            # it cannot decode (it flags the conversation "truncated-message").
            res.out("NOTE", "%s %s: snaplen-truncated frame, tshark sees only the SMB header, "
                            "no Negotiate field to compare" % (disp, describe(t)))
            continue
        cmp.missing("missing-in-smbneg", t, "%s %s: tshark decodes a Negotiate, smbneg has no event"
                    % (disp, describe(t)), t)
    for s in only_s:
        if "truncated-message" in (s.get("anomalies") or []):
            # smbneg decoded what it had of an NBSS message that the capture cuts
            # short (the rest never arrives) and says so; tshark never hands an
            # incomplete PDU to SMB.  Nothing to compare, not an error of either.
            res.out("NOTE", "%s %s: smbneg decoded an NBSS message cut short by the capture "
                            "(anomaly truncated-message); tshark does not decode incomplete PDUs"
                    % (disp, describe(s)))
            continue
        d = {"frame": s.get("frame"), "direction": s.get("direction"), "smb_version": s.get("smb_version")}
        cmp.missing("missing-in-tshark", d, "%s %s: smbneg has a Negotiate event tshark does not decode"
                    % (disp, describe(d)))
    identity_oracle.compare(res, disp, identity_oracle.tshark_identity(path, env), convs, fmt)
    return res


def collect(paths, optional):
    files = []
    for p, opt in [(p, False) for p in paths] + [(p, True) for p in optional]:
        if not os.path.exists(p):
            if opt:
                continue
            print("tshark-oracle: %s: no such file or directory" % p, file=sys.stderr)
            sys.exit(2)
        if os.path.isdir(p):
            for root, dirs, names in os.walk(p):
                dirs.sort()
                for n in sorted(names):
                    if n.lower().endswith(CAPTURE_SUFFIXES):
                        files.append(os.path.normpath(os.path.join(root, n)))
        else:
            files.append(os.path.normpath(p))
    return files


def main(argv):
    ap = argparse.ArgumentParser(
        usage="%(prog)s [-j N] [-q] SMBNEG [--optional DIR] FILE_OR_DIR...",
        description="Cross-check smbneg's Negotiate decoding against tshark.")
    ap.add_argument("smbneg")
    ap.add_argument("inputs", nargs="*", metavar="FILE_OR_DIR")
    ap.add_argument("--optional", action="append", default=[], metavar="DIR",
                    help="a file or directory that is skipped silently when it does not exist")
    ap.add_argument("-j", "--jobs", type=int, default=min(8, os.cpu_count() or 1),
                    help="files checked in parallel")
    ap.add_argument("-q", "--quiet", action="store_true", help="no per-field table")
    a = ap.parse_intermixed_args(argv)

    if shutil.which("tshark") is None:
        print("SKIP: tshark not installed")
        return 77
    if not (os.path.isfile(a.smbneg) and os.access(a.smbneg, os.X_OK)):
        print("tshark-oracle: %s: not an executable" % a.smbneg, file=sys.stderr)
        return 2
    files = collect(a.inputs, a.optional)
    if not files:
        print("SKIP: no captures to check")
        return 77

    t0 = time.time()
    tmpdir = tempfile.mkdtemp(prefix="tshark-oracle.")
    env = dict(os.environ)
    env["TZ"] = "UTC"      # tshark prints absolute times in local time
    env["LC_ALL"] = "C"
    # An empty personal configuration, so that the user's Wireshark preferences
    # (Decode As, disabled protocols, ...) cannot change the reference decoding.
    env["WIRESHARK_CONFIG_DIR"] = os.path.join(tmpdir, "wsconfig")
    os.makedirs(env["WIRESHARK_CONFIG_DIR"], exist_ok=True)

    def one_file(f):
        try:
            return check_file(a.smbneg, f, env, tmpdir)
        except Exception as e:  # a broken file must not hide the others
            r = Result(f)
            r.failed["(script error)"] += 1
            r.out("ERROR", "%s: %s: %s" % (f, type(e).__name__, e))
            return r

    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as ex:
            results = list(ex.map(one_file, files))
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)

    passed, failed, excepted = defaultdict(int), defaultdict(int), defaultdict(int)
    id_tot = (defaultdict(int), defaultdict(int), defaultdict(int))
    msgs = 0
    for r in results:
        for kind, text in r.lines:
            print("%s %s" % (kind, text))
        for tot, part in ((passed, r.passed), (failed, r.failed), (excepted, r.excepted),
                          (id_tot[0], r.id_passed), (id_tot[1], r.id_failed),
                          (id_tot[2], r.id_skipped)):
            for k, v in part.items():
                tot[k] += v
        msgs += r.messages
    if not a.quiet:
        print("per field:%s passed  failed  tshark-exception" % (" " * 37))
        for k in sorted(set(passed) | set(failed) | set(excepted)):
            print("  %-46s %7d %7d %7d" % (k, passed.get(k, 0), failed.get(k, 0), excepted.get(k, 0)))
        print("identity per field:%s passed  failed  not-yet-emitted" % (" " * 28))
        for k in identity_oracle.CONV_FIELDS + tuple("sessions[]." + f for f in identity_oracle.SESSION_FIELDS):
            print("  %-46s %7d %7d %7d" % (k, id_tot[0].get(k, 0), id_tot[1].get(k, 0), id_tot[2].get(k, 0)))
    n_pass, n_fail = sum(passed.values()), sum(failed.values())
    i_pass, i_fail, i_skip = (sum(t.values()) for t in id_tot)
    print("%d files, %d message pairs, %d known tshark exceptions (not counted), %.1fs"
          % (len(files), msgs, sum(excepted.values()), time.time() - t0))
    print("negotiate: %d passed, %d failed" % (n_pass, n_fail))
    print("identity: %d passed, %d failed, %d skipped: key not yet emitted by smbneg"
          % (i_pass, i_fail, i_skip))
    n_pass, n_fail = n_pass + i_pass, n_fail + i_fail
    print("%d passed, %d failed" % (n_pass, n_fail))
    return 0 if n_fail == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
