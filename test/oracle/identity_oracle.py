"""Identity part of the tshark oracle (README "JSON schema":
session keys).  Imported by tshark-oracle.py.

Per conversation (TCP connection, keyed by client and server address and port) it
compares what tshark decodes in the Session Setup exchanges with the keys smbneg puts
on its "conversation" JSON event:

  conversation  server_name, server_domain, server_dns_name, server_dns_domain
                (the NTLMSSP CHALLENGE target info AV pairs 1, 2, 3, 4) and
                server_os_version ("MAJOR.MINOR.BUILD" of the CHALLENGE version), from
                the first CHALLENGE of the connection;
  sessions[i]   user, domain, workstation (NTLMSSP AUTHENTICATE ntlmssp.auth.username,
                .domain, .hostname; SMB1 without extended security: smb.account,
                smb.primary_domain, no workstation), kerberos_realm and
                kerberos_service (AP-REQ ticket: kerberos.realm, kerberos.SNameString
                joined with '/').

Only NTLMSSP and Kerberos carried by an SMB2 SESSION_SETUP or SMB1 Session Setup
AndX are used: NTLMSSP inside DCE/RPC binds over named pipes, and the KDC exchange on
port 88, are other protocols.  Kerberos AP-REP (msg_type 15) carries no identity.

Sessions are paired in order: tshark's list holds one entry per AUTHENTICATE /
AP-REQ / SMB1 plain Session Setup request, smbneg's the entries of "sessions" that
carry at least one identity key with a value (an exchange that ended before its
AUTHENTICATE has none).

A key smbneg does not emit at all (absent from its JSON, not null) cannot be
compared: each such comparison where tshark has a value is counted as "not yet
emitted" and reported, not as a failure.

Normalisations: tshark prints an empty NTLMSSP string (anonymous: empty user,
domain, workstation) as "NULL"; it is compared as "".  An AV pair present with
length 0 has no value item in tshark: compared as "".
"""

import os
import json
import subprocess
from collections import OrderedDict

IDFILTER = "smb2.cmd == 1 || smb.cmd == 0x73"
CONV_FIELDS = ("server_name", "server_domain", "server_dns_name", "server_dns_domain",
               "server_os_version")
SESSION_FIELDS = ("user", "domain", "workstation", "kerberos_realm", "kerberos_service")
# MS-NLMP 2.2.2.1 AV_PAIR AvId -> smbneg key
AV_KEYS = {1: "server_name", 2: "server_domain", 3: "server_dns_name", 4: "server_dns_domain"}
TI_PREFIX = "ntlmssp.challenge.target_info."
TI_META = (TI_PREFIX + "item.type", TI_PREFIX + "item.length")


# --------------------------------------------------------------------------------------
# tshark JSON with duplicate keys kept in order (shared with tshark-oracle.py)
# --------------------------------------------------------------------------------------
class Obj(dict):
    """A JSON object that also remembers all its (key, value) pairs in order."""
    __slots__ = ("pairs",)


def _hook(pairs):
    o = Obj(pairs)
    o.pairs = pairs
    return o


def _items(node):
    return node.pairs if isinstance(node, Obj) else list(node.items())


def _children(node):
    """(key, value) pairs below node, lists unrolled."""
    for k, v in _items(node):
        for x in (v if isinstance(v, list) else [v]):
            yield k, x


def _nodes_with(node, key):
    """Every dict at or below node that has key as a direct child, in wire order."""
    out = []
    if isinstance(node, dict):
        if any(k == key for k, _ in _items(node)):
            out.append(node)
        for _, x in _children(node):
            if isinstance(x, dict):
                out += _nodes_with(x, key)
    return out


def _values(node, key):
    """Every string value of key at or below node, in wire order."""
    out = []
    for k, x in _children(node):
        if isinstance(x, dict):
            out += _values(x, key)
        elif k == key and isinstance(x, str):
            out.append(x)
    return out


def _first(node, key):
    v = _values(node, key)
    return v[0] if v else None


def _direct(node, key):
    for k, x in _children(node):
        if k == key and isinstance(x, str):
            return x
    return None


def _int(s):
    try:
        return int(s, 16) if s.lower().startswith("0x") else int(s)
    except (ValueError, AttributeError):
        return None


def _ntlm_str(s):
    if s is None:
        return None
    return "" if s == "NULL" else s


# --------------------------------------------------------------------------------------
# tshark side
# --------------------------------------------------------------------------------------
def _challenge(node):
    """Server identity of one NTLMSSP CHALLENGE node."""
    d = OrderedDict()
    for item in _nodes_with(node, TI_PREFIX + "item.type"):
        key = AV_KEYS.get(_int(_direct(item, TI_PREFIX + "item.type")))
        if key is None or key in d:
            continue
        val = next((x for k, x in _children(item) if k.startswith(TI_PREFIX)
                    and k not in TI_META and isinstance(x, str)), None)
        d[key] = val if val is not None else ""
    ver = None
    for k, x in _children(node):
        if k == "ntlmssp.version" and isinstance(x, dict):
            ver = x
    if ver is not None:
        parts = [_direct(ver, "ntlmssp.version." + n) for n in ("major", "minor", "build_number")]
        if all(p is not None for p in parts):
            d["server_os_version"] = "%d.%d.%d" % tuple(_int(p) for p in parts)
    return d


def _session_from_ntlm(node):
    return {"user": _ntlm_str(_direct(node, "ntlmssp.auth.username")),
            "domain": _ntlm_str(_direct(node, "ntlmssp.auth.domain")),
            "workstation": _ntlm_str(_direct(node, "ntlmssp.auth.hostname"))}


def _session_from_krb(apreq):
    ticket = _nodes_with(apreq, "kerberos.realm")
    realm = _direct(ticket[0], "kerberos.realm") if ticket else None
    names = _values(apreq, "kerberos.SNameString")
    return {"kerberos_realm": realm, "kerberos_service": "/".join(names) if names else None}


def _layer_identity(proto, layer):
    """(is_request, [challenges], [sessions]) of one smb/smb2 layer, or None."""
    if proto == "smb2":
        if _int(_first(layer, "smb2.cmd")) != 1:
            return None
        resp = _first(layer, "smb2.flags.response") in ("1", "True", "true")
    else:
        if _int(_first(layer, "smb.cmd")) != 0x73:
            return None
        resp = _first(layer, "smb.flags.response") in ("1", "True", "true")
    chals, sess = [], []
    ntlm = _nodes_with(layer, "ntlmssp.messagetype")
    for n in ntlm:
        t = _int(_direct(n, "ntlmssp.messagetype"))
        if t == 2:
            chals.append(_challenge(n))
        elif t == 3:
            sess.append(_session_from_ntlm(n))
    krb = [n for n in _nodes_with(layer, "kerberos.msg_type")
           if _int(_direct(n, "kerberos.msg_type")) == 14]
    for n in krb:
        sess.append(_session_from_krb(n))
    if proto == "smb" and not resp and not ntlm and not krb and _first(layer, "smb.account") is not None:
        # SMB1 Session Setup without extended security (MS-CIFS 2.2.4.53.1)
        sess.append({"user": _first(layer, "smb.account"),
                     "domain": _first(layer, "smb.primary_domain"), "workstation": None})
    return not resp, chals, sess


def _endpoints(layers):
    ip = layers.get("ip") or layers.get("ipv6")
    tcp = layers.get("tcp")
    if not isinstance(ip, dict) or not isinstance(tcp, dict):
        return None
    pre = "ip." if "ip" in layers else "ipv6."
    src, dst = _direct(ip, pre + "src"), _direct(ip, pre + "dst")
    sp, dp = _int(_direct(tcp, "tcp.srcport")), _int(_direct(tcp, "tcp.dstport"))
    if None in (src, dst, sp, dp):
        return None
    return (src.lower(), sp), (dst.lower(), dp), _direct(tcp, "tcp.stream")


def run_tshark_json(path, env, dfilter, protos, prefs=()):
    """tshark -T json -J PROTOS on the frames matching DFILTER: (stdout text, stderr
    text without the "Running as user" warning, exit status).  Shared with
    tshark-oracle.py."""
    args = ["tshark", "-n"]
    for p in prefs:
        args += ["-o", p]
    args += ["-r", path, "-Y", dfilter, "-T", "json", "-J", protos]
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    err = p.stderr.decode("utf-8", "replace")
    err = "\n".join(l for l in err.splitlines() if "Running as user" not in l).strip()
    return p.stdout.decode("utf-8", "replace").strip(), err, p.returncode


def tshark_identity(path, env, prefs=()):
    """{(client, server, tcp.stream): {"frame": first frame, "server": {...},
    "sessions": [...]}} in the order the connections first carry a Session Setup."""
    text, _, _ = run_tshark_json(path, env, IDFILTER, "frame ip ipv6 tcp smb smb2", prefs)
    convs = OrderedDict()
    if not text:
        return convs
    for pkt in json.loads(text, object_pairs_hook=_hook):
        layers = pkt["_source"]["layers"]
        ends = _endpoints(layers)
        if ends is None:
            continue
        frame = _int(_direct(layers.get("frame", {}), "frame.number"))
        for k, x in _children(layers):
            if k not in ("smb", "smb2") or not isinstance(x, dict):
                continue
            got = _layer_identity(k, x)
            if got is None:
                continue
            is_req, chals, sess = got
            key = (ends[0], ends[1], ends[2]) if is_req else (ends[1], ends[0], ends[2])
            c = convs.setdefault(key, {"frame": frame, "server": None, "sessions": []})
            if chals and c["server"] is None:
                c["server"] = chals[0]
            for sx in sess:
                sx["frame"] = frame
                c["sessions"].append(sx)
    return convs


# --------------------------------------------------------------------------------------
# smbneg side and comparison
# --------------------------------------------------------------------------------------
def _split_endpoint(s):
    if not isinstance(s, str) or ":" not in s:
        return None
    host, _, port = s.rpartition(":")
    host = host.strip("[]").lower()
    try:
        return host, int(port)
    except ValueError:
        return None


def _has_identity(sx):
    return isinstance(sx, dict) and any(sx.get(f) is not None for f in SESSION_FIELDS)


def _conv_text(key):
    (ch, cp), (sh, sp) = key[0], key[1]
    fmt = lambda h, p: ("[%s]:%d" if ":" in h else "%s:%d") % (h, p)
    return "%s->%s" % (fmt(ch, cp), fmt(sh, sp))


# Sessions tshark does not decode at all, where smbneg reads the wire (reported as
# EXCEPTION lines, not failures).  Keyed by the capture's file name.
TSHARK_IDENTITY_EXCEPTIONS = {
    "arkime__smbtorture-ntlmssp-moloch-crash.pcap":
        "tshark marks this AUTHENTICATE Malformed (a fuzzed length field) and shows none "
        "of its strings; the user, domain and workstation fields are within the message",
    "suricata__smb-eicar-segmentation-random.pcap":
        "tshark's NBSS dissector does not reassemble an NBSS header split after its first "
        "byte (corpus manifest caveat), so it never decodes the client's Session Setup",
}


class IdentityComparer:
    """Fills res.id_passed / id_failed / id_skipped (field key -> count) and res.out()."""

    def __init__(self, res, disp, fmt, emitting):
        self.res, self.disp, self.fmt = res, disp, fmt
        # does this smbneg emit any identity key at all?  If not, a connection
        # smbneg has no conversation for is "not yet emitted" too, not a failure.
        self.emitting = emitting

    def one(self, where, field, tv, sobj, skey):
        """Compare tshark value tv with sobj[skey] (sobj a dict or None)."""
        if sobj is not None and skey not in sobj:
            if tv is not None:
                self.res.id_skipped[field] += 1
            return
        sv = sobj.get(skey) if sobj is not None else None
        if tv is None and sv is None:
            return
        if tv == sv:
            self.res.id_passed[field] += 1
            return
        reason = TSHARK_IDENTITY_EXCEPTIONS.get(os.path.basename(self.disp))
        if tv is None and reason:
            self.res.out("EXCEPTION", "%s %s %s: smbneg=%s (%s)"
                         % (self.disp, where, field, self.fmt(sv), reason))
            return
        self.res.id_failed[field] += 1
        self.res.out("DISAGREE", "%s %s %s: tshark=%s smbneg=%s"
                     % (self.disp, where, field, self.fmt(tv), self.fmt(sv)))

    def conversation(self, key, t, s):
        where = "%s (frame %s)" % (_conv_text(key), t["frame"] if t else (s or {}).get("first_frame"))
        if s is None and not self.emitting:
            s = {}              # every key absent: counted as not yet emitted
        tserver = (t or {}).get("server") or {}
        for f in CONV_FIELDS:
            self.one(where, f, tserver.get(f), s if s is not None else {f: None}, f)
        tsess = (t or {}).get("sessions", [])
        if s is not None and "sessions" not in s:
            for tx in tsess:
                for f in SESSION_FIELDS:
                    if tx.get(f) is not None:
                        self.res.id_skipped["sessions[]." + f] += 1
            return
        ssess = [x for x in ((s or {}).get("sessions") or []) if _has_identity(x)]
        for i in range(max(len(tsess), len(ssess))):
            tx = tsess[i] if i < len(tsess) else {}
            sx = ssess[i] if i < len(ssess) else None
            w = "%s session %d%s" % (where, i, " (frame %s)" % tx["frame"] if "frame" in tx else "")
            for f in SESSION_FIELDS:
                self.one(w, "sessions[]." + f, tx.get(f), sx if sx is not None else {f: None}, f)


def _pick(cands, frame):
    """The smbneg conversation (of one address pair) whose frames hold frame; else
    the first one not yet used."""
    for e in cands:
        if not e.get("_used") and (e.get("first_frame") or 0) <= frame <= (e.get("last_frame") or 0):
            return e
    return next((e for e in cands if not e.get("_used")), None)


def compare(res, disp, tconvs, sconvs, fmt):
    """Compare tshark's identity (tshark_identity) with smbneg's conversation events.
    A TCP connection is matched to smbneg's conversation of the same client and
    server whose first..last frames hold its first Session Setup (an address pair can
    be reused, and smbneg may start a second conversation on a stray segment)."""
    emitting = any(k in e for e in sconvs for k in CONV_FIELDS + ("sessions",))
    cmp = IdentityComparer(res, disp, fmt, emitting)
    by_key = OrderedDict()
    for e in sconvs:
        c, s = _split_endpoint(e.get("client")), _split_endpoint(e.get("server"))
        if c and s:
            by_key.setdefault((c, s), []).append(dict(e))
    for key, t in tconvs.items():
        e = _pick(by_key.get(key[:2], []), t["frame"] or 0)
        if e is not None:
            e["_used"] = True
        cmp.conversation(key, t, e)
    for key, cands in by_key.items():
        for e in cands:
            if not e.get("_used"):
                # no Session Setup of tshark's in this conversation
                cmp.conversation(key, None, e)
