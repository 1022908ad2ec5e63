#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A leaking service for `make demo` (scripts/demo-guest.sh), on loopback.

A server on 127.0.0.1:PORT accepts and never closes; a client connects
and closes once every PERIOD seconds, so the server's sockets pile up in
CLOSE_WAIT (the leak tcpsm's CLOSE_WAIT_LEAK alarm is about). After LEAKS
of them it holds them for HOLD seconds, then closes them all (the fix
being deployed: the alarm clears), and starts again. The process calls
itself 'leaky-app', the name `tcpsm closewait` shows as the owner.

  demo-leak.py [--port 8090] [--period 1.5] [--leaks 24] [--hold 30]
"""
import argparse
import ctypes
import socket
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8090)
    ap.add_argument("--period", type=float, default=1.5)
    ap.add_argument("--leaks", type=int, default=24)
    ap.add_argument("--hold", type=float, default=30)
    a = ap.parse_args()
    try:  # PR_SET_NAME
        ctypes.CDLL(None).prctl(15, b"leaky-app", 0, 0, 0)
    except OSError:
        pass
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", a.port))
    srv.listen(128)
    while True:
        kept = []
        for _ in range(a.leaks):
            c = socket.create_connection(("127.0.0.1", a.port))
            kept.append(srv.accept()[0])
            c.close()
            time.sleep(a.period)
        time.sleep(a.hold)
        for s in kept:
            s.close()
        time.sleep(a.hold / 2)


if __name__ == "__main__":
    main()
