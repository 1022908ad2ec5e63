#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""HTTP clients for tests/exporter.sh (stdlib only), against the exporter
at HOST:PORT.

  exporter_http.py get HOST PORT PATH [ACCEPT]
      One GET; prints the status, the Content-Type and the body.
  exporter_http.py bad HOST PORT
      The requests an exporter on the open network meets, each on its own
      connection, then a valid scrape: one JSON object per line,
      {"case": ..., "status": N or null, "ok": bool}. ok: the status is the
      one the case must get (a malformed header line 400, bytes that are
      not HTTP 400 or a closed connection, HTTP/9.9 505, an oversized
      header 431, unknown path 404, POST 405, a body 413, HTTP/1.0
      served, a slow client cut off by the timeout while another is
      served).
  exporter_http.py load HOST PORT N CONC
      N scrapes of /metrics from CONC threads at once; prints one JSON
      object: {"n": N, "ok": scrapes answered 200 with the exporter's own
      metrics in them, "errors": [...the first few...], "s": seconds}.
"""
import json
import socket
import sys
import threading
import time
import urllib.request


def get(host, port, path, accept=None):
    req = urllib.request.Request("http://%s:%d%s" % (host, port, path))
    if accept:
        req.add_header("Accept", accept)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers.get("Content-Type"), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode()


def raw(host, port, data, wait=10.0, shut=True):
    """Send bytes, read the reply; its status code, or None."""
    s = socket.create_connection((host, port), timeout=wait)
    try:
        s.sendall(data)
        if shut:
            s.shutdown(socket.SHUT_WR)
        buf = b""
        while True:
            try:
                b = s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                break
            if not b:
                break
            buf += b
            if b"\r\n\r\n" in buf and not shut:
                break
        line = buf.split(b"\r\n", 1)[0].split()
        return int(line[1]) if len(line) > 1 and line[1].isdigit() else None
    finally:
        s.close()


def bad(host, port):
    out = []

    def case(name, status, want):
        out.append({"case": name, "status": status, "ok": status in want})

    case("malformed header line",
         raw(host, port, b"GET /metrics HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n"), (400,))
    # not HTTP at all: libmicrohttpd closes the connection without a word
    case("not HTTP", raw(host, port, b"GARBAGE\r\n\r\n"), (400, None))
    case("HTTP/9.9", raw(host, port, b"GET /metrics HTTP/9.9\r\nHost: x\r\n\r\n"), (505,))
    case("oversized header",
         raw(host, port, b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " +
             b"a" * 200000 + b"\r\n\r\n"), (431,))
    case("unknown path", raw(host, port, b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"), (404,))
    case("POST", raw(host, port, b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"), (405,))
    case("a request body",
         raw(host, port, b"GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"),
         (413, 400))
    case("HTTP/1.0", raw(host, port, b"GET /metrics HTTP/1.0\r\n\r\n"), (200,))
    case("index", raw(host, port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"), (200,))
    # a slow client: half a request line, then nothing; meanwhile a scrape
    slow = socket.create_connection((host, port), timeout=60)
    slow.sendall(b"GET /met")
    t0 = time.monotonic()
    st, _, body = get(host, port, "/metrics")
    case("a scrape while a slow client waits", st, (200,))
    try:
        cut = slow.recv(100) == b""
    except (socket.timeout, ConnectionResetError):
        cut = True
    slow.close()
    case("the slow client is cut off by the timeout (s)",
         round(time.monotonic() - t0), range(1, 31) if cut else ())
    st, _, body = get(host, port, "/metrics")
    case("a scrape after all that", st, (200,))
    for o in out:
        print(json.dumps(o))


def load(host, port, n, conc):
    lock = threading.Lock()
    res = {"n": n, "ok": 0, "errors": []}
    left = [n]

    def worker():
        while True:
            with lock:
                if left[0] == 0:
                    return
                left[0] -= 1
            try:
                st, _, body = get(host, port, "/metrics")
                good = st == 200 and "tcpsm_exporter_scrape_errors_total" in body
                err = None if good else "status %s" % st
            except Exception as e:  # noqa: BLE001 (any failure counts)
                good, err = False, repr(e)
            with lock:
                if good:
                    res["ok"] += 1
                elif len(res["errors"]) < 5:
                    res["errors"].append(err)

    t0 = time.monotonic()
    ts = [threading.Thread(target=worker) for _ in range(conc)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    res["s"] = round(time.monotonic() - t0, 3)
    print(json.dumps(res))


def main():
    cmd, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if cmd == "get":
        st, ct, body = get(host, port, sys.argv[4],
                           sys.argv[5] if len(sys.argv) > 5 else None)
        print(st)
        print(ct)
        sys.stdout.write(body)
    elif cmd == "bad":
        bad(host, port)
    elif cmd == "load":
        load(host, port, int(sys.argv[4]), int(sys.argv[5]))
    else:
        sys.exit("usage: see the docstring")


if __name__ == "__main__":
    main()
