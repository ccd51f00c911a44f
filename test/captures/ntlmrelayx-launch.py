#!/usr/bin/python3
"""Run Debian 12's impacket ntlmrelayx.py (python3-impacket 0.10.0-4) for
make-captures.sh.

ntlmrelayx imports every attack plugin at start-up, and the LDAP one imports the
`dsinternals` package, which Debian does not package (python3-impacket lacks that
dependency), so the stock script dies with ModuleNotFoundError before it listens.
The SMB relay and its SMB attack never use dsinternals.  This launcher registers
empty placeholder modules for the `dsinternals.*` names (any attribute is a dummy
class), then runs the unmodified ntlmrelayx.py with the given arguments.  Nothing
here touches the SMB code or the traffic.

usage: ntlmrelayx-launch.py EXAMPLES_DIR [ntlmrelayx arguments...]
"""
import importlib.abc
import importlib.machinery
import os
import runpy
import sys
import threading
import types


class _Placeholder(types.ModuleType):
    __path__ = []          # a package, so that dotted sub-modules resolve

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return type(name, (), {})


class _EndlessInput:
    """sys.stdin for a background ntlmrelayx: read() waits until the process is
    killed."""

    def read(self, *args):
        threading.Event().wait()
        return ""

    def readline(self, *args):
        return self.read()


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path, target=None):
        if fullname == "dsinternals" or fullname.startswith("dsinternals."):
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        return _Placeholder(spec.name)

    def exec_module(self, module):
        pass


def main():
    if len(sys.argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    script = os.path.join(sys.argv[1], "ntlmrelayx.py")
    try:
        import dsinternals  # noqa: F401  (the real package, when installed)
    except ImportError:
        sys.meta_path.append(_Finder())
    sys.stdin = _EndlessInput()
    sys.argv = [script] + sys.argv[2:]
    sys.path.insert(0, os.path.dirname(script))
    runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
