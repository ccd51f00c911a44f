#!/usr/bin/python3
"""Minimal python3-impacket SMB client used by make-captures.sh.

Connects to HOST:445 with impacket.smbconnection.SMBConnection, optionally pinning
the dialect, logs in (user or guest), lists the shares, optionally lists one share,
prints what happened and exits 0 on success, 1 on any failure.

usage: impacket-client.py HOST DIALECT USER PASSWORD [SHARE]
  DIALECT: smb1 | smb2_02 | smb2_10 | smb3_00 | default
  USER '' = anonymous; 'guest' with empty password = guest (map to guest = bad user)
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


def main(argv):
    if len(argv) not in (5, 6) or argv[2] not in DIALECTS:
        sys.stderr.write(__doc__)
        return 2
    host, dialect, user, password = argv[1:5]
    share = argv[5] if len(argv) == 6 else None
    step = "connect"
    try:
        conn = SMBConnection(host, host, sess_port=445, timeout=10,
                             preferredDialect=DIALECTS[dialect])
        d = conn.getDialect()
        print("negotiated dialect: %s (%r)" % (DIALECT_NAMES.get(d, hex(d) if isinstance(d, int) else d), d))
        print("server signing required: %s" % conn.isSigningRequired())
        step = "login"
        conn.login(user, password)
        print("logged in as %r, guest session: %s" % (user, conn.isGuestSession()))
        step = "listShares"
        shares = conn.listShares()
        names = [s["shi1_netname"][:-1] for s in shares]
        print("shares: %s" % ", ".join(names))
        if share:
            step = "listPath"
            files = conn.listPath(share, "*")
            print("listed %s: %d entries" % (share, len(files)))
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
