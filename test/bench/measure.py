#!/usr/bin/env python3
"""Run one command and print its wall seconds and CPU seconds (user + system, of it
and every descendant it waited for), from wait4's rusage: microseconds, unlike
/usr/bin/time's 10 ms. bench.sh runs `/usr/bin/time -f %M` under it for the peak RSS
(not taken from here: a child forked from Python starts with Python's RSS).

usage: measure.py OUT -- COMMAND [ARG...]     (stdout to OUT, stderr to OUT.err)
exit: the command's exit status (1 when it was killed by a signal)
"""
import os
import sys
import time


def main():
    if len(sys.argv) < 4 or sys.argv[2] != '--':
        sys.exit(__doc__)
    out, cmd = sys.argv[1], sys.argv[3:]
    with open(out, 'wb') as o, open(out + '.err', 'wb') as e:
        t0 = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            os.dup2(o.fileno(), 1)
            os.dup2(e.fileno(), 2)
            try:
                os.execvp(cmd[0], cmd)
            finally:
                os._exit(127)
        _, status, ru = os.wait4(pid, 0)
        wall = time.perf_counter() - t0
    print('%.6f %.6f' % (wall, ru.ru_utime + ru.ru_stime))
    sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 1)


if __name__ == '__main__':
    main()
