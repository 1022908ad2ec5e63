#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""CLOSE_WAIT traffic for tests/closewait.sh and tests/alerts.sh: leaking
servers, their clients, and a prompt server under load. Loopback only
(127.0.0.1, ::1), in the caller's network namespace.

  cw_traffic.py agent [CTL_FIFO]
      A process driven by the test: one command per line on CTL_FIFO (or
      stdin), one JSON reply per line on stdout, in order ({"ok": true|false,
      "cmd": ..., "pid": its pid, "mono": CLOCK_MONOTONIC s at the reply}).
      The same program plays the server (listen/close/status) and the
      client (leak/connect/waitcw); the tests run one of each, so that the
      sockets a server leaks belong to the server's pid alone.
      Server commands:
        listen FAM PORT      listen on 127.0.0.1 (4) or ::1 (6, V6ONLY)
                             PORT; a thread accepts every connection and
                             keeps it open (never reads, never closes)
        waitaccept PORT N    wait until N connections to PORT are accepted
        status               per local port: accepted sockets kept, how many
                             of them are in CLOSE_WAIT (TCP_INFO), inodes
        close PORT [N]       close the N oldest kept sockets of PORT (all)
      Client commands:
        leak FAM PORT N [PERIOD]
                             N connections to PORT, each closed by the client
                             first, so that the server's end sits in
                             CLOSE_WAIT. Without PERIOD all N connect, then
                             all shut down their sending side at once; with
                             PERIOD one every PERIOD s, at a steady pace
                             (connection i at start + i * PERIOD). A leak is
                             confirmed when the client's end is in
                             FIN_WAIT_2: the server's end has acknowledged
                             the FIN, and a socket enters CLOSE_WAIT as it
                             takes the FIN, before acknowledging it. The
                             client's end is then closed (orphaned).
                             Reply: "lports" (the clients' local ports);
                             per leak, in CLOCK_MONOTONIC seconds (the clock
                             of tcpsm's alarm ts), "sent_mono" (just before
                             its FIN was sent: no earlier can its server's
                             end enter CLOSE_WAIT) and "confirmed_mono";
                             "t_first_mono", "t_last_mono" (the first and
                             last leaks' sent), "t_confirmed_mono" (the
                             last confirmation); "t_first_wall" and
                             "t_last_wall" in time.time() seconds.
        connect FAM PORT N   N connections to PORT kept open by the client
        waitcw               wait until every kept client connection is in
                             CLOSE_WAIT (its server closed it): client-side
                             CLOSE_WAIT sockets on the clients' local ports
      Both: pid, quit.

  cw_traffic.py churn --family 4|6 --port P --seconds S --rate R --workers W
                     [--connections N --max-seconds M]
      A prompt server (closes each connection as soon as it reads its EOF)
      and W client processes, paced at R connections/s in all, for S
      seconds; with N, also until the clients made N connections in all
      (each its share), but for no more than M seconds (default 4 S). Each client shuts down its sending side, waits for the
      server's FIN, then closes and starts the next connection: at any
      moment at most W server sockets are in CLOSE_WAIT, each for as long
      as the server takes to react. One JSON line: connections made,
      served, achieved rate, errors.

  cw_traffic.py stamp
      Copy JSON lines from stdin to stdout, adding "seen_mono" (the
      CLOCK_MONOTONIC seconds at which each line was read) and "seen_wall".
      Lines that are not JSON objects are wrapped: {"raw": LINE, ...}.
"""
import json
import os
import selectors
import signal
import socket
import sys
import threading
import time

TCP_FIN_WAIT2 = 5
TCP_CLOSE_WAIT = 8
TIMEOUT = float(os.environ.get("CW_TRAFFIC_TIMEOUT", "30"))


def lo(fam):
    return ("127.0.0.1", socket.AF_INET) if fam == 4 else ("::1", socket.AF_INET6)


def tcp_state(s):
    """The kernel's TCP state of socket s (tcpi_state, first byte of TCP_INFO)."""
    return s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]


def mono():
    """CLOCK_MONOTONIC, in seconds: the clock of tcpsm's alarm "ts"."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def wait_states(socks, state, timeout=TIMEOUT):
    """Poll until every socket in socks is in state; return the time
    (CLOCK_MONOTONIC) when the last one was seen there, or None."""
    end = time.monotonic() + timeout
    left = list(socks)
    while True:
        left = [s for s in left if tcp_state(s) != state]
        if not left:
            return mono()
        if time.monotonic() > end:
            return None
        time.sleep(0.001)


class Agent:
    def __init__(self):
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        self.accepted = {}      # local port -> [socket, ...] oldest first
        self.listeners = {}     # (fam, port) -> socket
        self.kept = []          # client connections kept open
        self.errors = []

    # --- server side
    def _accept_loop(self, lsock):
        port = lsock.getsockname()[1]
        while True:
            try:
                s, _ = lsock.accept()
            except OSError as e:
                with self.cond:
                    self.errors.append("accept %d: %s" % (port, e))
                return
            with self.cond:
                self.accepted.setdefault(port, []).append(s)
                self.cond.notify_all()

    def listen(self, fam, port):
        fam, port = int(fam), int(port)
        addr, af = lo(fam)
        s = socket.socket(af, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if af == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind((addr, port))
        s.listen(4096)
        self.listeners[(fam, port)] = s
        threading.Thread(target=self._accept_loop, args=(s,), daemon=True).start()
        return {"family": fam, "port": port}

    def waitaccept(self, port, n):
        port, n = int(port), int(n)
        end = time.monotonic() + TIMEOUT
        with self.cond:
            while len(self.accepted.get(port, [])) < n:
                left = end - time.monotonic()
                if left <= 0:
                    return {"ok": False, "port": port,
                            "accepted": len(self.accepted.get(port, []))}
                self.cond.wait(left)
            return {"port": port, "accepted": len(self.accepted[port])}

    def status(self):
        ports = {}
        with self.lock:
            for port, socks in sorted(self.accepted.items()):
                ports[str(port)] = {
                    "kept": len(socks),
                    "close_wait": sum(1 for s in socks
                                      if tcp_state(s) == TCP_CLOSE_WAIT),
                    "inodes": [os.fstat(s.fileno()).st_ino for s in socks],
                }
            errors = list(self.errors)
        return {"ports": ports, "kept_clients": len(self.kept),
                "errors": errors}

    def close(self, port, n=None):
        port = int(port)
        with self.lock:
            socks = self.accepted.get(port, [])
            k = len(socks) if n is None else min(int(n), len(socks))
            gone, self.accepted[port] = socks[:k], socks[k:]
        for s in gone:
            s.close()
        return {"port": port, "closed": len(gone),
                "left": len(self.accepted[port])}

    # --- client side
    def _connect(self, fam, port):
        addr, af = lo(fam)
        c = socket.socket(af, socket.SOCK_STREAM)
        c.connect((addr, port))
        return c

    def leak(self, fam, port, n, period=None):
        fam, port, n = int(fam), int(port), int(n)
        sent, confirmed, lports = [], [], []
        wall_first = wall_last = None
        if period is None:
            conns = [self._connect(fam, port) for _ in range(n)]
            lports = [c.getsockname()[1] for c in conns]
            for i, c in enumerate(conns):
                t = mono()
                if i == 0:
                    wall_first = time.time()
                if i == n - 1:
                    wall_last = time.time()
                sent.append(t)
                c.shutdown(socket.SHUT_WR)
            t = wait_states(conns, TCP_FIN_WAIT2)
            if t is None:
                return {"ok": False, "error": "FINs not acknowledged in %d s" % TIMEOUT}
            confirmed = [t] * n
            for c in conns:
                c.close()
        else:
            period = float(period)
            start = mono()
            for i in range(n):
                due = start + i * period
                now = mono()
                if due > now:
                    time.sleep(due - now)
                c = self._connect(fam, port)
                lports.append(c.getsockname()[1])
                t = mono()
                if i == 0:
                    wall_first = time.time()
                if i == n - 1:
                    wall_last = time.time()
                sent.append(t)
                c.shutdown(socket.SHUT_WR)
                t = wait_states([c], TCP_FIN_WAIT2)
                if t is None:
                    return {"ok": False, "error": "FIN not acknowledged in %d s" % TIMEOUT}
                confirmed.append(t)
                c.close()
        return {"family": fam, "port": port, "n": n, "period": period,
                "lports": lports, "sent_mono": sent, "confirmed_mono": confirmed,
                "t_first_mono": sent[0], "t_last_mono": sent[-1],
                "t_confirmed_mono": max(confirmed),
                "t_first_wall": wall_first, "t_last_wall": wall_last}

    def connect(self, fam, port, n):
        fam, port, n = int(fam), int(port), int(n)
        conns = [self._connect(fam, port) for _ in range(n)]
        self.kept += conns
        return {"family": fam, "port": port, "n": n,
                "lports": [c.getsockname()[1] for c in conns]}

    def waitcw(self):
        t = wait_states(self.kept, TCP_CLOSE_WAIT)
        if t is None:
            return {"ok": False, "error": "not all in CLOSE_WAIT",
                    "states": [tcp_state(c) for c in self.kept]}
        return {"n": len(self.kept),
                "lports": [c.getsockname()[1] for c in self.kept]}

    def run(self, ctl=None):
        # A control FIFO is opened read-write: it never reads EOF, and each
        # `echo CMD > FIFO` of the test finds a reader at once.
        src = os.fdopen(os.open(ctl, os.O_RDWR), "r") if ctl else sys.stdin
        cmds = {"listen": self.listen, "waitaccept": self.waitaccept,
                "status": self.status, "close": self.close, "leak": self.leak,
                "connect": self.connect, "waitcw": self.waitcw,
                "pid": lambda: {}}
        while True:
            line = src.readline()
            if not line:
                break
            words = line.split()
            if not words:
                continue
            if words[0] == "quit":
                break
            reply = {"cmd": words[0], "pid": os.getpid()}
            try:
                r = cmds[words[0]](*words[1:])
                reply["ok"] = True
                reply.update(r)
            except Exception as e:   # report, and stay up for the next one
                reply.update(ok=False, error="%s: %s" % (type(e).__name__, e))
            reply["mono"] = mono()
            sys.stdout.write(json.dumps(reply) + "\n")
            sys.stdout.flush()


# --- churn -------------------------------------------------------------------
def churn_server(lsock, stop_fd, result_fd):
    """Accept, read until EOF, close at once; count connections served."""
    sel = selectors.DefaultSelector()
    lsock.setblocking(False)
    sel.register(lsock, selectors.EVENT_READ, "listen")
    sel.register(stop_fd, selectors.EVENT_READ, "stop")
    served = errors = 0
    running = True
    while running:
        for key, _ in sel.select():
            if key.data == "stop":
                running = False
            elif key.data == "listen":
                while True:
                    try:
                        s, _ = lsock.accept()
                    except BlockingIOError:
                        break
                    s.setblocking(False)
                    sel.register(s, selectors.EVENT_READ, "conn")
            else:
                s = key.fileobj
                try:
                    data = s.recv(4096)
                except OSError:
                    data, errors = b"", errors + 1
                if not data:
                    sel.unregister(s)
                    s.close()
                    served += 1
    os.write(result_fd, json.dumps({"served": served, "errors": errors}).encode())


def churn_client(fam, port, end, share, deadline, rate, result_fd):
    """Connect and close until END, and until SHARE connections are made
    (0: no share), but never past DEADLINE."""
    addr, af = lo(fam)
    conns = errors = 0
    start = time.monotonic()
    while True:
        now = time.monotonic()
        if now >= deadline or (now >= end and conns >= share):
            break
        try:
            c = socket.socket(af, socket.SOCK_STREAM)
            c.settimeout(5)
            c.connect((addr, port))
            c.shutdown(socket.SHUT_WR)
            while c.recv(4096):     # the server's FIN: it closed its end
                pass
            c.close()
            conns += 1
        except OSError:
            errors += 1
            time.sleep(0.01)
        if rate > 0:
            due = start + conns / rate
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
    os.write(result_fd, json.dumps({"connections": conns, "errors": errors}).encode())


def churn(argv):
    opts = {"--family": "4", "--port": "0", "--seconds": "10", "--rate": "1000",
            "--workers": "4", "--connections": "0", "--max-seconds": "0"}
    for k, v in zip(argv[::2], argv[1::2]):
        if k not in opts:
            sys.exit("churn: unknown option %s" % k)
        opts[k] = v
    fam, port = int(opts["--family"]), int(opts["--port"])
    seconds, rate = float(opts["--seconds"]), float(opts["--rate"])
    workers = int(opts["--workers"])
    wanted = int(opts["--connections"])
    most = float(opts["--max-seconds"]) or 4 * seconds
    addr, af = lo(fam)
    lsock = socket.socket(af, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((addr, port))
    lsock.listen(4096)
    port = lsock.getsockname()[1]

    stop_r, stop_w = os.pipe()
    srv_r, srv_w = os.pipe()
    spid = os.fork()
    if spid == 0:
        os.close(stop_w)
        os.close(srv_r)
        churn_server(lsock, stop_r, srv_w)
        os._exit(0)
    os.close(stop_r)
    os.close(srv_w)
    lsock.close()

    t0 = time.monotonic()
    end, deadline = t0 + seconds, t0 + max(seconds, most)
    cl = []
    for i in range(workers):
        share = wanted // workers + (1 if i < wanted % workers else 0)
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            churn_client(fam, port, end, share, deadline, rate / workers, w)
            os._exit(0)
        os.close(w)
        cl.append((pid, r))
    conns = errors = reported = 0
    for pid, r in cl:
        data = os.read(r, 4096)
        os.waitpid(pid, 0)
        if data:
            d = json.loads(data)
            conns += d["connections"]
            errors += d["errors"]
            reported += 1
    elapsed = time.monotonic() - t0
    os.write(stop_w, b"x")
    data = os.read(srv_r, 4096)
    os.waitpid(spid, 0)
    srv = json.loads(data) if data else {"served": -1, "errors": -1}
    print(json.dumps({
        "ok": reported == workers and srv["served"] == conns,
        "family": fam, "port": port, "workers": workers,
        "rate_asked": rate, "seconds": round(elapsed, 3),
        "connections_asked": wanted, "max_seconds": max(seconds, most),
        "connections": conns, "served": srv["served"],
        "rate": round(conns / elapsed, 1) if elapsed > 0 else 0,
        "errors": errors, "server_errors": srv["errors"]}), flush=True)


def stamp():
    for line in sys.stdin:
        t, w = time.monotonic(), time.time()
        line = line.rstrip("\n")
        try:
            o = json.loads(line)
            if not isinstance(o, dict):
                raise ValueError
        except ValueError:
            o = {"raw": line}
        o["seen_mono"] = t
        o["seen_wall"] = w
        sys.stdout.write(json.dumps(o) + "\n")
        sys.stdout.flush()


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd = sys.argv[1]
    if cmd == "agent":
        Agent().run(sys.argv[2] if len(sys.argv) > 2 else None)
    elif cmd == "churn":
        churn(sys.argv[2:])
    elif cmd == "stamp":
        stamp()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
