# merge-hosts.jq: the reduce step of the README's "Beyond one machine" recipe.
# Input: the JSON lines of any number of `smbneg -o json --hosts` runs (jq -s -c);
# output: one `host` event per server address, as one run over all the files gives:
# counts summed, smb1 OR-ed, sets united; `signing` and `relay_target` are worked out
# again from the united `server_signing_seen` (OR-ing relay_target would be wrong: a
# server seen only with an unknown mode in one file and `required` in another is not
# a relay target; `relay_list`, --relay-list's class, from the summed
# `relayable_sessions` and `sessions_accepted`), `max_smb2_dialect` is the highest; names and OS version from the
# first run that saw them, algorithms and ciphers united in their table order, users
# sorted and distinct (at most 8, as one run keeps). `ts` the latest of all runs (schema 2).
# Sorted by server address.
# usage: ... | jq -s -c -f merge-hosts.jq
def signing_rank: {"disabled": 1, "enabled": 2, "required": 3}[.] // 9;
def dialect_key: if . == null then [-1] else (split(".") | map(tonumber? // -1)) end;
def first_set(f): map(f) | map(select(. != null)) | .[0];
def ordered_union(order): add | unique | sort_by(. as $x | order | index($x) // 99);
def sum_objects: reduce .[] as $o ({}; reduce ($o | keys_unsorted[]) as $k (.; .[$k] += $o[$k]));

([.[] | select(.event == "summary" or .event == "host") | .ts] | max) as $ts
| [.[] | select(.event == "host")]
| group_by(.server)
| map(
    (map(.server_signing_seen) | add | unique | sort_by(signing_rank)) as $seen
    | (if ($seen | index("required")) and ($seen | any(. == "enabled" or . == "disabled")) then "mixed"
       elif ($seen | index("required")) then "required"
       elif ($seen | length) > 0 then "not-required"
       else "unknown" end) as $signing
    | {
        event: "host",
        ts: $ts,
        schema_version: .[0].schema_version,
        sensor: .[0].sensor,
        interface: .[0].interface,
        file: .[0].file,
        server: .[0].server,
        conversations: (map(.conversations) | add),
        smb1: (map(.smb1) | any),
        smb1_security_modes: (map(.smb1_security_modes) | add | unique),
        max_smb2_dialect: (map(.max_smb2_dialect) | max_by(dialect_key)),
        max_smb2_dialect_id: (max_by(.max_smb2_dialect | dialect_key) | .max_smb2_dialect_id),
        signing: $signing,
        server_signing_seen: $seen,
        relay_target: ($signing != "required"),
        relay_list: (if (map(.relayable_sessions) | add) > 0 then "yes"
          elif ($seen | any(. == "enabled" or . == "disabled"))
            and (map(.sessions_accepted) | add) == 0 then "probe-only"
          else "no" end),
        sessions_accepted: (map(.sessions_accepted) | add),
        relayable_sessions: (map(.relayable_sessions) | add),
        guest_sessions: (map(.guest_sessions) | add),
        downgrades: (map(.downgrades) | add),
        server_name: first_set(.server_name),
        server_domain: first_set(.server_domain),
        server_dns_name: first_set(.server_dns_name),
        server_dns_domain: first_set(.server_dns_domain),
        server_os_version: first_set(.server_os_version),
        signing_algorithms: (map(.signing_algorithms)
          | ordered_union(["HMAC-MD5", "HMAC-SHA256", "AES-128-CMAC", "AES-128-GMAC"])),
        ciphers: (map(.ciphers)
          | ordered_union(["AES-128-CCM", "AES-128-GCM", "AES-256-CCM", "AES-256-GCM"])),
        encrypted_conversations: (map(.encrypted_conversations) | add),
        users: (map(.users) | add | unique | .[0:8]),
        users_dropped: ((map(.users_dropped) | add)
          + ([(map(.users) | add | unique | length) - 8, 0] | max)),
        verdicts: (map(.verdicts) | sum_objects)
      })
| .[]
