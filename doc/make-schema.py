#!/usr/bin/env python3
"""Write doc/smbneg-events.schema.json, the JSON Schema (draft 2020-12) of every
event of `smbneg -o json` (README "JSON schema").  The schema is strict: every key
of an event listed here is required and no other key is allowed, each with one JSON
type.  A renderer change that adds, renames or retypes a key is one line here; run
`python3 doc/make-schema.py` and commit both files (the `schema` test suite checks
that the committed schema is this script's output and that every event of every
capture is valid against it).

usage: make-schema.py [OUT]      (default: smbneg-events.schema.json next to it)
"""
import collections
import json
import os
import sys
O = collections.OrderedDict
def t(*types): return {"type": list(types) if len(types) > 1 else types[0]}
UINT = {"type": "integer", "minimum": 0}
NUINT = {"type": ["integer", "null"], "minimum": 0}
INT = {"type": "integer"}
NINT = {"type": ["integer", "null"]}
STR = {"type": "string"}
NSTR = {"type": ["string", "null"]}
BOOL = {"type": "boolean"}
NBOOL = {"type": ["boolean", "null"]}
TS = {"type": "string", "format": "date-time", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$"}
NTS = {"type": ["string", "null"], "format": "date-time", "pattern": TS["pattern"]}
STRS = {"type": "array", "items": STR}
NSTRS = {"type": ["array", "null"], "items": STR}
UINTS = {"type": "array", "items": UINT}
NUINTS = {"type": ["array", "null"], "items": UINT}
ENDPOINT = {"type": "string", "pattern": r"^([0-9.]+|\[[0-9A-Fa-f:.]+\]):[0-9]+$"}
VERDICTS = ["signed", "not-signed", "mismatch-no-communication", "mismatch-access-denied",
            "guest-blocked", "secure-negotiate-failed", "invalid-signature", "negotiate-failed",
            "logon-failed", "incomplete"]
AUTH = {"enum": ["ntlmssp", "kerberos", "lm-ntlm", None]}
SIGNING_ALGS = ["HMAC-SHA256", "AES-128-CMAC", "AES-128-GMAC", "HMAC-MD5"]
CIPHERS = ["AES-128-CCM", "AES-128-GCM", "AES-256-CCM", "AES-256-GCM"]
SIGNING = {"enum": ["disabled", "enabled", "required", "unknown"]}

def envelope(event, ts):
    return [("event", {"const": event, "description": "the event type"}),
            ("ts", dict(ts, description="ISO 8601 UTC with microseconds: the time of the frame that made the event; file: the input's last frame, summary/host: the latest frame of all inputs (the wall clock when live); null when no frame was read; stats: the wall clock")),
            ("schema_version", {"const": 2, "description": "the version of this schema (README, Schema versions)"}),
            ("sensor", dict(NSTR, description="--sensor NAME; live: the host name by default; null when reading files without --sensor")),
            ("interface", dict(NSTR, description="live: the -i interface, else null"))]

CONN = [("uid", {"type": "string", "pattern": "^C[0-9A-Za-z]{17}$", "description": "shared by every event of one TCP connection (src/uid.c)"}),
        ("community_id", dict(NSTR, pattern=r"^1:[A-Za-z0-9+/]{27}=$", description="Community ID v1 flow hash, seed 0")),
        ("file", dict(NSTR, description="the input read (the interface when live)")),
        ("client", ENDPOINT), ("server", ENDPOINT)]

def event(name, ts, keys, desc, conn=True):
    props = envelope(name, ts) + (CONN if conn else []) + keys
    return O(type="object", description=desc, properties=O(props),
             required=[k for k, _ in props], additionalProperties=False)

def flags(k, nullable=True):
    return [(k, NUINT if nullable else UINT), (k + "_names", NSTRS if nullable else STRS)]
def ftime(k):
    return [(k, NUINT), (k + "_utc", NTS)]
def status(k):
    return [(k, NUINT), (k + "_name", NSTR)]

ctx_props = [("type", UINT), ("type_name", NSTR), ("length", UINT)]
for k in ["hash_algorithms", "ciphers", "compression_algorithms", "rdma_transforms", "signing_algorithms"]:
    ctx_props += [(k, NUINTS), (k + "_names", NSTRS)]
ctx_props += [("salt_length", NUINT), ("flags", NUINT), ("netname", NSTR)]
CONTEXT = O(type="object", description="one SMB2 negotiate context (MS-SMB2 2.2.3.1); keys a type does not carry are null",
            properties=O(ctx_props), required=[k for k, _ in ctx_props], additionalProperties=False)

negotiate = [("frame", UINT), ("direction", {"enum": ["request", "response"]}), ("smb_version", {"enum": [1, 2]}),
             ("message_id", NUINT)] + flags("flags2") + status("status") + flags("security_mode") + flags("capabilities") + [
             ("client_guid", NSTR), ("server_guid", NSTR)] + ftime("system_time") + [
             ("dialect_count", NUINT), ("dialects", NSTRS), ("dialect_ids", NUINTS),
             ("dialect", NSTR), ("dialect_id", NUINT),
             ("word_count", NUINT), ("dialect_index", NUINT), ("max_mpx_count", NUINT), ("max_number_vcs", NUINT),
             ("max_buffer_size", NUINT), ("max_raw_size", NUINT), ("session_key", NUINT), ("server_time_zone", NINT),
             ("challenge_length", NUINT), ("challenge", NSTR), ("domain_name", NSTR), ("extended_security", NBOOL),
             ("security_blob_length", NUINT),
             ("max_transact_size", NUINT), ("max_read_size", NUINT), ("max_write_size", NUINT)] + ftime("server_start_time") + [
             ("security_buffer_offset", NUINT), ("security_buffer_length", NUINT),
             ("negotiate_context_count", NUINT), ("negotiate_contexts", {"type": ["array", "null"], "items": {"$ref": "#/$defs/negotiate_context"}}),
             ("anomalies", STRS)]

dialect = [("smb_version", {"enum": [1, 2, None]}), ("dialect", NSTR), ("dialect_id", NUINT)]
counts = O(type="object", properties=O((k, UINT) for k in ["client_signed", "client_unsigned", "server_signed", "server_unsigned"]),
           required=["client_signed", "client_unsigned", "server_signed", "server_unsigned"], additionalProperties=False)
# SPEC "Sessions, identity, protection": one object of the conversation's sessions
# (status: the NT status name, SPEC's contract)
sess_obj = [("session_id", NSTR), ("auth_mechanism", AUTH), ("user", NSTR), ("domain", NSTR),
            ("workstation", NSTR), ("kerberos_realm", NSTR), ("kerberos_service", NSTR),
            ("status", NSTR), ("guest", BOOL), ("anonymous", BOOL), ("encrypt_data", BOOL)]
SESSION_OBJ = O(type="object", properties=O(sess_obj), required=[k for k, _ in sess_obj],
                additionalProperties=False)
server_id = [("server_name", NSTR), ("server_domain", NSTR), ("server_dns_name", NSTR),
             ("server_dns_domain", NSTR), ("server_os_version", NSTR)]
identity = [("protection", {"enum": ["signing", "encryption", "none", None]}),
            ("signing_algorithm", {"enum": SIGNING_ALGS + [None]}),
            ("cipher", {"enum": CIPHERS + [None]})] + server_id + [
            ("who", NSTR), ("sessions", {"type": "array", "items": SESSION_OBJ}),
            ("indicators", STRS)]
conversation = dialect + [
    ("client_security_mode", NUINT), ("server_security_mode", NUINT),
    ("client_signing", SIGNING), ("server_signing", SIGNING),
    ("signed_messages", UINT), ("unsigned_messages", UINT),
    ("verdict", {"enum": VERDICTS}), ("cause", STR), ("anomalies", STRS)] + identity + [
    ("id", UINT), ("first_frame", UINT), ("last_frame", UINT), ("start", TS), ("end", TS),
    ("client_signing_source", STR), ("client_signing_confidence", {"enum": ["none", "low", "medium", "high"]}),
    ("server_signing_source", STR), ("server_signing_confidence", {"enum": ["none", "low", "medium", "high"]}),
    ("predicted", {"type": "array", "items": {"enum": ["signed", "not signed", "no communication"]}}),
    ("reason", NSTR), ("note", NSTR), ("fix", NSTR),
    ("messages_after_negotiate", counts), ("messages_after_session_setup", counts),
    ("signed_after_session_setup", UINT), ("unsigned_after_session_setup", UINT),
    ("encrypted_messages", UINT), ("compressed_messages", UINT),
    ("session_established", BOOL), ("guest", BOOL), ("anonymous", BOOL)] + status("session_setup_status") + [
    ("tree_connect_ok", BOOL)] + status("tree_connect_status") + [
    ("closed", {"enum": ["fin", "rst", "open"]})]

verdict = [("frame", UINT), ("decided_by", {"enum": ["messages", "failure", "close"]})] + dialect + [
    ("client_signing", SIGNING), ("server_signing", SIGNING),
    ("signed_messages", UINT), ("unsigned_messages", UINT),
    ("verdict", {"enum": VERDICTS}), ("cause", STR), ("reason", NSTR)]

flow_stats = [(k, UINT) for k in ["frames_read", "tcp_segments", "ip_fragments_skipped", "frames_truncated",
                                   "frames_malformed", "tcp_connections", "smb_connections", "evicted",
                                   "late_segments", "resumed_after_idle"]]
vcounts = O(type="object", properties=O((v, UINT) for v in VERDICTS), required=VERDICTS, additionalProperties=False)
filev = [("file", NSTR), ("error", NSTR)] + flow_stats
summary = [("files", UINT), ("files_failed", UINT), ("conversations", UINT), ("smb1_conversations", UINT),
           ("verdicts", vcounts)] + flow_stats + [("packets_received", NUINT), ("packets_dropped", NUINT), ("packets_ifdropped", NUINT)]
host = [("file", NSTR), ("server", STR), ("conversations", UINT), ("smb1", BOOL), ("smb1_security_modes", UINTS),
        ("max_smb2_dialect", NSTR), ("max_smb2_dialect_id", NUINT),
        ("signing", {"enum": ["unknown", "required", "not-required", "mixed"]}),
        ("server_signing_seen", {"type": "array", "items": {"enum": ["disabled", "enabled", "required"]}}),
        ("relay_target", BOOL), ("relay_list", STR), ("sessions_accepted", UINT),
        ("relayable_sessions", UINT), ("guest_sessions", UINT), ("downgrades", UINT)] + server_id + [
        ("signing_algorithms", {"type": "array", "items": {"enum": SIGNING_ALGS}}),
        ("ciphers", {"type": "array", "items": {"enum": CIPHERS}}),
        ("encrypted_conversations", UINT), ("users", STRS), ("users_dropped", UINT),
        ("verdicts", vcounts)]
stats = [("interval", UINT), ("packets_received", UINT), ("packets_dropped", UINT), ("packets_ifdropped", UINT),
         ("packets_dropped_total", UINT), ("packets_ifdropped_total", UINT), ("frames_read", UINT),
         ("open_conversations", UINT), ("conversations", UINT), ("bytes_held", UINT), ("rss_bytes", NUINT)]
# the session event: `status` is a number in every event (negotiate), its name beside
session = [("frame", UINT), ("smb_version", {"enum": [1, 2]})] + [
    (k, v) for k, v in sess_obj if k not in ("status", "guest", "anonymous", "encrypt_data")] + [
    ("status", NUINT), ("status_name", NSTR),
    ("guest", BOOL), ("anonymous", BOOL), ("encrypt_data", BOOL),
    ("rounds", UINT), ("ntlm_flags", UINT), ("ntlm_server_challenge", NSTR), ("ntlmv2_proof", NSTR)]
relay = [("victim", STR), ("relay", STR), ("target", STR), ("user", NSTR), ("domain", NSTR),
         ("evidence", {"type": "array", "items": {"enum": ["ntproofstr-reused", "challenge-forwarded"]}}),
         ("frames", UINTS), ("relay_port", UINT), ("target_signing", SIGNING),
         ("target_session_established", BOOL)]
prediction = [("profile", STR), ("server", STR), ("protocol", NSTR), ("logon", {"enum": ["guest", "user"]}),
              ("verdict", NSTR), ("error", NSTR), ("reason", NSTR), ("fix", NSTR)]
bl_fields = {"type": "object", "additionalProperties": O(type="object", properties=O(old={}, new={}), required=["old", "new"], additionalProperties=False)}
baseline = O(type="object", description="--baseline: one difference from the baseline (README-baseline); written by the baseline engine, without the envelope",
             properties=O(event={"const": "baseline-diff"},
                          change={"enum": ["file-added", "file-removed", "file-unreadable", "file-readable", "changed", "added", "removed"]},
                          file=STR, conversation=NSTR, baseline_conversation=NSTR, ordinal=NUINT, fields=bl_fields),
             required=["event", "change", "file", "conversation", "baseline_conversation", "ordinal", "fields"],
             additionalProperties=False)

defs = O()
defs["negotiate"] = event("negotiate", TS, negotiate, "one Negotiate message, when it is seen: every key of the SMB1/SMB2 request/response kinds, null where the kind does not carry it")
defs["verdict"] = event("verdict", TS, verdict, "the verdict of a connection as soon as the wire decided it: ANALYZE_VERDICT_MESSAGES (8) ordinary messages after Session Setup (decided_by messages), a failure status (failure), or the end of the connection (close); one per connection, before its conversation event")
defs["session"] = event("session", TS, session, "one Session Setup exchange, when its final response is seen (SPEC, session layer)")
defs["conversation"] = event("conversation", TS, conversation, "one SMB connection, when it ends; the first keys are SPEC's contract")
defs["prediction"] = event("prediction", NTS, prediction, "--assume-client: the prediction for one server", conn=False)
defs["relay"] = event("relay", NTS, relay, "an NTLM relay across two conversations (SPEC)", conn=False)
defs["file"] = event("file", NTS, filev, "one input, when it is read", conn=False)
defs["stats"] = event("stats", TS, stats, "live with --stats SECS: every SECS seconds", conn=False)
defs["host"] = event("host", NTS, host, "--hosts: one per server (--hosts-per-file: per server and file, file set)", conn=False)
defs["summary"] = event("summary", NTS, summary, "last: the counts over every input", conn=False)
defs["baseline-diff"] = baseline
defs["negotiate_context"] = CONTEXT

names = [k for k in defs if k != "negotiate_context"]
schema = O()
schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
schema["$id"] = "https://github.com/smbneg/smbneg/doc/smbneg-events.schema.json"
schema["title"] = "smbneg JSON lines (-o json), schema_version 2"
schema["description"] = "One object per line. Every key has one JSON type in every event and every key of an event is always present (null when unknown). Keep in step with src/out_json*.c: test/schema validates every event of every capture against this file."
schema["type"] = "object"
schema["required"] = ["event"]
schema["properties"] = O(event={"enum": names})
schema["allOf"] = [O([("if", O(properties=O(event={"const": n}), required=["event"])), ("then", {"$ref": "#/$defs/" + n})]) for n in names]
schema["$defs"] = defs
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                          "smbneg-events.schema.json")
with open(out, "w", encoding="utf-8") as f:
    f.write(json.dumps(schema, indent=2) + "\n")
