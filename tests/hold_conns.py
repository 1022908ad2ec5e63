#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Hold loopback connections open in the current network namespace.

  hold_conns.py FILE INITIAL PER_SIGNAL [up]

With "up", first bring lo up (a namespace made by unshare --net). Listen
on 127.0.0.1, open INITIAL connections to it and keep both ends, then
write the listener's port to FILE (atomically). At each SIGUSR1 open
PER_SIGNAL more and append a line to FILE.n. Runs until killed.
Used by tests/allnetns.sh and tests/exporter.sh.
"""
import os
import signal
import socket
import subprocess
import sys


def main(argv):
    path, initial, per_signal = argv[1], int(argv[2]), int(argv[3])
    if len(argv) > 4 and argv[4] == "up":
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    lsn = socket.socket()
    lsn.bind(("127.0.0.1", 0))
    lsn.listen(64)
    keep = []

    def connect(n):
        for _ in range(n):
            c = socket.create_connection(lsn.getsockname())
            s, _ = lsn.accept()
            keep.extend([c, s])

    connect(initial)
    with open(path + ".tmp", "w") as f:
        f.write("%d\n" % lsn.getsockname()[1])
    os.rename(path + ".tmp", path)
    signal.signal(signal.SIGUSR1, lambda *a: None)
    while True:
        signal.pause()
        connect(per_signal)
        with open(path + ".n", "a") as f:
            f.write("1\n")


if __name__ == "__main__":
    main(sys.argv)
