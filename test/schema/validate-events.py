#!/usr/bin/env python3
"""Validate smbneg JSON lines against doc/smbneg-events.schema.json.

usage: validate-events.py SCHEMA FILE... ('-' = stdin)

Checks, over every line of every FILE:
  * the line is one JSON object, valid against the schema (draft 2020-12): every
    documented key present, no other key, each with its type;
  * the schema gives each key one type in every event it describes (SCHEMA-TYPES);
  * one JSON type per key across ALL events of ALL files (null aside): a key name at
    the top level has one type whatever the event; nested keys are checked by path
    (negotiate_contexts[].flags);
  * the events of one connection join: every uid has one conversation event, the
    negotiate/verdict events of that uid name the same client and server, one
    verdict event per conversation, before it (decided_by close: right before it).
Prints one line per problem (at most 20 per kind) and a summary; exit 1 on a problem.
"""
import collections
import json
import sys

try:
    import jsonschema
except ImportError:
    print("SKIP: python3-jsonschema not installed (apt-get install python3-jsonschema)")
    sys.exit(77)


def jtype(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def walk(obj, prefix, out, where):
    """Record the type of every key (by path) of obj into out[path][type] = where."""
    for k, v in obj.items():
        path = prefix + k
        t = jtype(v)
        if t:
            out[path].setdefault(t, where)
        if isinstance(v, dict):
            # objects keyed by names (verdict counts, baseline fields) are records too
            walk(v, path + ".", out, where)
        elif isinstance(v, list):
            for x in v:
                t2 = jtype(x)
                if t2:
                    out[path + "[]"].setdefault(t2, where)
                if isinstance(x, dict):
                    walk(x, path + "[].", out, where)


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    problems = collections.Counter()
    shown = collections.Counter()
    types = collections.defaultdict(dict)
    per_event = collections.Counter()
    streams = []

    def problem(kind, text):
        problems[kind] += 1
        if shown[kind] < 20:
            shown[kind] += 1
            print("%s: %s" % (kind, text))

    for path in sys.argv[2:]:
        fh = sys.stdin if path == "-" else open(path, encoding="utf-8")
        events = []
        for n, line in enumerate(fh, 1):
            where = "%s:%d" % (path, n)
            try:
                e = json.loads(line)
            except ValueError as ex:
                problem("NOT-JSON", "%s: %s: %r" % (where, ex, line[:120]))
                continue
            if not isinstance(e, dict):
                problem("NOT-OBJECT", where)
                continue
            per_event[e.get("event")] += 1
            for err in validator.iter_errors(e):
                loc = "/".join(str(x) for x in err.absolute_path)
                problem("INVALID", "%s (%s) %s: %s" % (where, e.get("event"), loc, err.message[:200]))
            walk(e, "", types, "%s (%s)" % (where, e.get("event")))
            events.append((where, e))
        streams.append(events)
    schema_types(schema, problem)
    for path, ts in sorted(types.items()):
        if len(ts) > 1:
            problem("TYPES", "%s has %s" % (path, ", ".join("%s at %s" % kv for kv in sorted(ts.items()))))
    for events in streams:
        join_check(events, problem)
    print("validate-events: %d events (%s), %d key paths; problems: %s" % (
        sum(per_event.values()), ", ".join("%s %d" % kv for kv in sorted(per_event.items(), key=str)),
        len(types), dict(problems) or "none"))
    return 1 if problems else 0


def schema_types(schema, problem):
    """The schema itself: a key has one type (null aside) in every event it describes,
    also in events no capture shows yet (session, relay, stats)."""
    seen = collections.defaultdict(dict)
    for name, d in schema["$defs"].items():
        for k, p in d.get("properties", {}).items():
            t = p.get("type")
            if t is None and "enum" in p:
                t = sorted({jtype(x) for x in p["enum"]} - {None})
            if t is None and "const" in p:
                t = jtype(p["const"])
            for x in ([t] if isinstance(t, str) else t or []):
                if x != "null":
                    seen[k].setdefault(x, name)
    for k, ts in sorted(seen.items()):
        if len(ts) > 1:
            problem("SCHEMA-TYPES", "%s is %s" % (k, ", ".join("%s in %s" % kv for kv in sorted(ts.items()))))


def join_check(events, problem):
    """uid joins within one output stream."""
    convs = {}
    for i, (where, e) in enumerate(events):
        if e.get("event") == "conversation":
            if e["uid"] in convs:
                problem("UID-REUSED", "%s: uid %s already had a conversation" % (where, e["uid"]))
            convs[e["uid"]] = i
    verdicts = collections.defaultdict(list)
    for i, (where, e) in enumerate(events):
        ev = e.get("event")
        if ev not in ("negotiate", "verdict", "session"):
            continue
        ci = convs.get(e["uid"])
        if ci is None or ci < i:
            problem("UID-JOIN", "%s: %s event uid %s has no later conversation event" % (where, ev, e["uid"]))
            continue
        c = events[ci][1]
        if (c["client"], c["server"]) != (e["client"], e["server"]) and ev != "negotiate":
            problem("UID-JOIN", "%s: %s and its conversation name other endpoints" % (where, ev))
        if ev == "verdict":
            verdicts[e["uid"]].append(i)
    for uid, ci in convs.items():
        vs = verdicts.get(uid, [])
        if len(vs) != 1:
            problem("VERDICT", "%s: %d verdict events for conversation uid %s" % (events[ci][0], len(vs), uid))
        elif events[vs[0]][1]["decided_by"] == "close" and vs[0] != ci - 1:
            problem("VERDICT", "%s: a verdict decided at close is not right before its conversation" % events[vs[0]][0])


if __name__ == "__main__":
    sys.exit(main())
