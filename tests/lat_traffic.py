#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Connections with known times in each state, for tests/latency.sh.

  lat_traffic.py server ADDR PORT N CLOSE_AFTER
      listen on ADDR:PORT; print {"ready": true}; accept N connections;
      each: read until the peer's FIN, then wait CLOSE_AFTER seconds in
      CLOSE_WAIT and close (one select loop for all). Print {"done": N}
      when all are closed.
  lat_traffic.py client ADDR PORT N HOLD
      open N connections to ADDR:PORT, 20 ms apart; close each HOLD
      seconds after it was established (so each is ESTABLISHED for HOLD
      s, whatever the pace of the opening), in the order they were
      established, and never two within 20 ms (FIN first: the client
      goes FIN_WAIT_1, FIN_WAIT_2, TIME_WAIT).
      Print {"ports": [...], "connect_ms": [...]}: the local ports, and
      how long each connect took as the client saw it (from before
      connect() to writable, so never less than the kernel's SYN_SENT),
      once closed.
  lat_traffic.py ports ADDR FIRST COUNT
      listen on COUNT ports from FIRST and connect once to each; close
      all. Print {"ports": COUNT}.

One JSON line on stdout; errors on stderr, exit 1.
"""
import json
import select
import socket
import sys
import time


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def server(addr, port, n, close_after):
    """One thread, one select loop: a close falls due CLOSE_AFTER after
    the FIN was read, however many FINs come at once (a thread per
    connection, on a slow guest, woke seconds late)."""
    ls = socket.socket(family(addr), socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(max(n, 128))
    print(json.dumps({"ready": True}), flush=True)

    due = {}            # connection -> when to close it (None: no FIN yet)
    accepted = closed = 0
    while closed < n:
        reading = [c for c, d in due.items() if d is None]
        if accepted < n:
            reading.append(ls)
        timers = [d for d in due.values() if d is not None]
        wait = max(0, min(timers) - time.monotonic()) if timers else None
        r, _w, _x = select.select(reading, [], [], wait)
        for s in r:
            if s is ls:
                c, _peer = ls.accept()
                due[c] = None
                accepted += 1
            elif not s.recv(4096):
                due[s] = time.monotonic() + close_after
        now = time.monotonic()
        for c, d in list(due.items()):
            if d is not None and d <= now:
                c.close()
                del due[c]
                closed += 1
    ls.close()
    print(json.dumps({"done": n}), flush=True)


# between two connects, and two closes: a burst of 50 handshakes or FINs
# under TCG measures the emulator's queue, not the round trip
SPACING = 0.02


def client(addr, port, n, hold):
    socks, pending, began, est = [], [], {}, []

    def collect(until, pace):
        """Note the connects done (writable) until monotonic time until,
        or (not pace) until none is pending."""
        while True:
            left = until - time.monotonic()
            if left <= 0 or not pending:
                break
            _r, w, _x = select.select([], pending, [], left)
            for s in w:
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    raise OSError(err, "connect failed")
                est.append((time.monotonic(), s))
                pending.remove(s)
        if pace:
            time.sleep(max(0, until - time.monotonic()))

    for _ in range(n):
        s = socket.socket(family(addr), socket.SOCK_STREAM)
        s.setblocking(False)
        began[s] = time.monotonic()
        s.connect_ex((addr, port))
        socks.append(s)
        pending.append(s)
        collect(time.monotonic() + SPACING, True)
    collect(time.monotonic() + 30, False)
    if pending:
        raise OSError(f"{len(pending)} connections not established in 30 s")
    ports = [s.getsockname()[1] for s in socks]
    # each closed HOLD s after it was seen established: the last opened
    # is established about N * SPACING after the first, so a common
    # hold after the last would give the first ones that much longer.
    # But never two closes within SPACING: where the client saw several
    # established at once (a slow guest), their FINs would come as a burst
    last = float("-inf")
    for t, s in est:
        time.sleep(max(0, max(t + hold, last + SPACING) - time.monotonic()))
        s.close()
        last = time.monotonic()
    print(json.dumps({"ports": ports, "connect_ms": sorted(
        round((t - began[s]) * 1000, 3) for t, s in est)}), flush=True)


def ports(addr, first, count):
    ls = []
    for p in range(first, first + count):
        s = socket.socket(family(addr), socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, p))
        s.listen(4)
        ls.append(s)
    for p in range(first, first + count):
        c = socket.create_connection((addr, p), timeout=30)
        a, _ = ls[p - first].accept()
        c.close()
        a.close()
    for s in ls:
        s.close()
    print(json.dumps({"ports": count}), flush=True)


def main(argv):
    try:
        if argv[1] == "server":
            server(argv[2], int(argv[3]), int(argv[4]), float(argv[5]))
        elif argv[1] == "client":
            client(argv[2], int(argv[3]), int(argv[4]), float(argv[5]))
        elif argv[1] == "ports":
            ports(argv[2], int(argv[3]), int(argv[4]))
        else:
            raise ValueError("unknown mode " + argv[1])
    except (OSError, ValueError, IndexError) as e:
        print(f"lat_traffic.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
