#!/usr/bin/python3
"""Minimal python3-impacket SMB client used by make-captures.sh.

Connects to HOST:445 with impacket.smbconnection.SMBConnection, optionally pinning
the dialect, logs in (user or guest), lists the shares, optionally lists one share,
prints what happened and exits 0 on success, 1 on any failure.

usage: impacket-client.py HOST DIALECT USER PASSWORD [SHARE] [STEP USER2 PASS2]...
  DIALECT: smb1 | smb2_02 | smb2_10 | smb3_00 | default
  USER '' = anonymous; 'guest' with empty password = guest (map to guest = bad user)
  STEP (all on the same TCP connection, several allowed, in this order of effect):
    --pre-login   try USER2/PASS2 first (a failure is printed, not fatal), then log
                  in as USER
    --reauth      after the USER login and the listing, send another Session Setup
                  for USER2 on the same SessionId (impacket re-authenticates)
    --relogin     after that, log off and log in again as USER2 (a new SessionId on
                  the same connection) and list the shares again
"""
import sys

from impacket import smb
from impacket.smb3structs import SMB2_DIALECT_002, SMB2_DIALECT_21, SMB2_DIALECT_30
from impacket.smbconnection import SMBConnection, SessionError

DIALECTS = {
    "smb1": smb.SMB_DIALECT,          # "NT LM 0.12", SMB1 only
    "smb2_02": SMB2_DIALECT_002,      # 0x0202
    "smb2_10": SMB2_DIALECT_21,       # 0x0210
    "smb3_00": SMB2_DIALECT_30,       # 0x0300
    "default": None,                  # SMB1 multi-protocol negotiate, upgrade to SMB2
}

DIALECT_NAMES = {
    smb.SMB_DIALECT: "NT LM 0.12",
    SMB2_DIALECT_002: "2.0.2",
    SMB2_DIALECT_21: "2.1",
    SMB2_DIALECT_30: "3.0",
}


STEPS = ("--pre-login", "--reauth", "--relogin")


def parse_steps(argv):
    """Split the STEP USER PASS triples off the positional arguments."""
    steps, args, i = {}, [], 0
    while i < len(argv):
        if argv[i] in STEPS:
            if i + 2 >= len(argv):
                return None, args
            steps[argv[i]] = (argv[i + 1], argv[i + 2])
            i += 3
        else:
            args.append(argv[i])
            i += 1
    return steps, args


def forget_trees(conn):
    """After a new Session Setup, impacket's SMB2 code still holds the tree ids of
    the previous session (and reuses them, getting STATUS_NETWORK_NAME_DELETED);
    drop them so that the next listing connects its trees again."""
    sess = getattr(conn.getSMBServer(), "_Session", None)
    if isinstance(sess, dict) and "TreeConnectTable" in sess:
        sess["TreeConnectTable"] = {}


def login_again(conn, creds, what):
    """Another Session Setup on the same connection, then list the shares again."""
    conn.login(creds[0], creds[1])
    print("%s %r, guest session: %s" % (what, creds[0], conn.isGuestSession()))
    forget_trees(conn)
    list_shares(conn, None)


def list_shares(conn, share):
    shares = conn.listShares()
    names = [s["shi1_netname"][:-1] for s in shares]
    print("shares: %s" % ", ".join(names))
    if share:
        files = conn.listPath(share, "*")
        print("listed %s: %d entries" % (share, len(files)))


def main(argv):
    steps, args = parse_steps(argv[1:])
    if steps is None or len(args) not in (4, 5) or args[1] not in DIALECTS:
        sys.stderr.write(__doc__)
        return 2
    host, dialect, user, password = args[0:4]
    share = args[4] if len(args) == 5 else None
    step = "connect"
    try:
        conn = SMBConnection(host, host, sess_port=445, timeout=10,
                             preferredDialect=DIALECTS[dialect])
        d = conn.getDialect()
        print("negotiated dialect: %s (%r)" % (DIALECT_NAMES.get(d, hex(d) if isinstance(d, int) else d), d))
        print("server signing required: %s" % conn.isSigningRequired())
        if "--pre-login" in steps:
            u, p = steps["--pre-login"]
            try:
                conn.login(u, p)
                print("pre-login as %r succeeded (not expected)" % u)
            except SessionError as e:
                print("pre-login as %r failed: %s" % (u, e))
        step = "login"
        conn.login(user, password)
        print("logged in as %r, guest session: %s" % (user, conn.isGuestSession()))
        step = "listShares"
        list_shares(conn, share)
        if "--reauth" in steps:
            step = "reauth"
            login_again(conn, steps["--reauth"], "re-authenticated as")
        if "--relogin" in steps:
            step = "logoff before relogin"
            conn.logoff()
            step = "relogin"
            login_again(conn, steps["--relogin"], "logged in again as")
        step = "logoff"
        conn.logoff()
        print("OK")
        return 0
    except SessionError as e:
        print("FAILED at %s: %s" % (step, e))
        return 1
    except Exception as e:  # socket errors, protocol errors from impacket
        print("FAILED at %s: %s: %s" % (step, type(e).__name__, e))
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
