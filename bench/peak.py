"""Run a command; report its wall time and peak memory on a file descriptor.

    python -I -S bench/peak.py FD COMMAND [ARGUMENT...]

Linux carries the peak memory of the process a child is spawned from into
the child's ``ru_maxrss`` (it survives exec). Measured straight from the
benchmark, which has psycopg loaded, every peak would be at least that big;
spawned from this small interpreter, the floor is its own size instead.
Run by path with the standard library only; the exit status is the command's.
"""

import os
import sys
import time


def main() -> int:
    report, *command = sys.argv[1:]
    fd = int(report)
    os.set_inheritable(fd, False)

    start = time.perf_counter()
    pid = os.posix_spawnp(command[0], command, os.environ)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start

    os.write(fd, f"{seconds!r} {usage.ru_maxrss}\n".encode())
    os.close(fd)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
