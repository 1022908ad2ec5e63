#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Make a few loopback TCP connections with known ports, one step at a time,
and print, as one JSON object per socket, the edges each socket must have
taken in the operator's state machine, in order (for tests/events.sh).

  events_conns.py FAMILY PORT_BASE     FAMILY: 4 or 6

Sockets (server port PORT_BASE, client ports PORT_BASE+1..):
  the listener                 CLOSED -> LISTEN ... LISTEN -> CLOSED
  active close  (client first) client ends in TIME_WAIT, server in CLOSED
  passive close (server first) server ends in TIME_WAIT, client in CLOSED
  reset (client SO_LINGER 0)   both ESTABLISHED -> CLOSED
Each step waits for the previous one to land (loopback, no loss), so the
order of each socket's edges is fixed; TIME_WAIT sockets stay behind.
"""
import json
import socket
import struct
import sys
import time

OPEN_CLIENT = [("CLOSED", "SYN_SENT"), ("SYN_SENT", "ESTABLISHED")]
OPEN_SERVER = [("LISTEN", "SYN_RCVD"), ("SYN_RCVD", "ESTABLISHED")]
CLOSE_FIRST = [("ESTABLISHED", "FIN_WAIT_1"), ("FIN_WAIT_1", "FIN_WAIT_2"),
               ("FIN_WAIT_2", "TIME_WAIT")]
CLOSE_SECOND = [("ESTABLISHED", "CLOSE_WAIT"), ("CLOSE_WAIT", "LAST_ACK"),
                ("LAST_ACK", "CLOSED")]
RESET = [("ESTABLISHED", "CLOSED")]
SETTLE = 0.3


def main():
    fam = socket.AF_INET if sys.argv[1] == "4" else socket.AF_INET6
    addr = "127.0.0.1" if fam == socket.AF_INET else "::1"
    any_addr = "0.0.0.0" if fam == socket.AF_INET else "::"
    port = int(sys.argv[2])
    out = []

    def expect(sport, dport, edges, daddr=addr):
        out.append({"saddr": addr, "sport": sport, "daddr": daddr,
                    "dport": dport, "edges": [list(e) for e in edges]})

    lst = socket.socket(fam, socket.SOCK_STREAM)
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind((addr, port))
    lst.listen(8)

    def connect(cport):
        c = socket.socket(fam, socket.SOCK_STREAM)
        c.bind((addr, cport))
        c.connect((addr, port))
        s, _ = lst.accept()
        time.sleep(SETTLE)
        return c, s

    # active close: the client closes first
    c, s = connect(port + 1)
    c.close()
    time.sleep(SETTLE)
    s.close()
    time.sleep(SETTLE)
    expect(port + 1, port, OPEN_CLIENT + CLOSE_FIRST)
    expect(port, port + 1, OPEN_SERVER + CLOSE_SECOND)

    # passive close: the server closes first
    c, s = connect(port + 2)
    s.close()
    time.sleep(SETTLE)
    c.close()
    time.sleep(SETTLE)
    expect(port + 2, port, OPEN_CLIENT + CLOSE_SECOND)
    expect(port, port + 2, OPEN_SERVER + CLOSE_FIRST)

    # reset: the client aborts
    c, s = connect(port + 3)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
    time.sleep(SETTLE)
    s.close()
    expect(port + 3, port, OPEN_CLIENT + RESET)
    expect(port, port + 3, OPEN_SERVER + RESET)

    lst.close()
    expect(port, 0, [("CLOSED", "LISTEN"), ("LISTEN", "CLOSED")],
           daddr=any_addr)
    time.sleep(SETTLE)
    for o in out:
        print(json.dumps(o))


if __name__ == "__main__":
    main()
