#!/usr/bin/env python3
"""dnsdelay.py - a DNS forwarder on loopback that delays every answer

Usage
  dnsdelay.py [-d MS] [-l LOGFILE] LISTEN_PORT:UPSTREAM_PORT...

For each pair, listens on 127.0.0.1@LISTEN_PORT (UDP and TCP) and passes
each query unchanged to 127.0.0.1@UPSTREAM_PORT at once; the answer is
held MS milliseconds (default 20) before it goes back to the client, so
that every lookup costs one simulated round trip of MS.  The query ID is
rewritten on the way up and restored on the way down (many clients, one
upstream socket); nothing else in the packet is touched.  With -l, one
line per query ("PROTO QNAME QTYPE") is appended to LOGFILE, so that the
caller can count the queries each phase of a run made.

Python standard library only; one thread for UDP, one per TCP connection.
Runs until SIGTERM or SIGINT.  Never binds anything but 127.0.0.1.
"""

import heapq
import selectors
import signal
import socket
import struct
import sys
import threading
import time

HOST = "127.0.0.1"


def qinfo(pkt):
    """(QNAME, QTYPE) of a query, for the log; ('?', 0) when malformed."""
    try:
        labels, i = [], 12
        while pkt[i]:
            n = pkt[i]
            labels.append(pkt[i + 1:i + 1 + n].decode("ascii", "replace"))
            i += 1 + n
        qtype = struct.unpack("!H", pkt[i + 1:i + 3])[0]
        return ".".join(labels) + ".", qtype
    except (IndexError, struct.error):
        return "?", 0


class Log:
    def __init__(self, path):
        self.f = open(path, "a", buffering=1) if path else None
        self.lock = threading.Lock()

    def query(self, proto, pkt):
        if self.f is None:
            return
        name, qtype = qinfo(pkt)
        with self.lock:
            self.f.write("%s %s %d\n" % (proto, name, qtype))


def udp_loop(pairs, delay, log, stop):
    sel = selectors.DefaultSelector()
    pending = {}            # (upstream sock, new id) -> (listen sock, addr, old id)
    heap = []               # (due, seq, sock, data, addr)
    seq = 0
    for lport, uport in pairs:
        ls = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        ls.bind((HOST, lport))
        us = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        us.connect((HOST, uport))
        ls.setblocking(False)
        us.setblocking(False)
        sel.register(ls, selectors.EVENT_READ, ("listen", us))
        sel.register(us, selectors.EVENT_READ, ("up", ls))
    nextid = {}
    while not stop.is_set():
        timeout = 0.5
        if heap:
            timeout = max(0.0, min(timeout, heap[0][0] - time.monotonic()))
        for key, _ in sel.select(timeout):
            kind, peer = key.data
            s = key.fileobj
            while True:
                try:
                    data, addr = s.recvfrom(65535)
                except (BlockingIOError, InterruptedError):
                    break
                except OSError:
                    break
                if len(data) < 12:
                    continue
                if kind == "listen":
                    log.query("udp", data)
                    nid = nextid.get(peer, 0)
                    nextid[peer] = (nid + 1) & 0xFFFF
                    pending[(peer, nid)] = (s, addr, data[:2])
                    try:
                        peer.send(struct.pack("!H", nid) + data[2:])
                    except OSError:
                        pass
                else:
                    nid = struct.unpack("!H", data[:2])[0]
                    ent = pending.pop((s, nid), None)
                    if ent is None:
                        continue
                    ls, caddr, oid = ent
                    seq += 1
                    heapq.heappush(heap, (time.monotonic() + delay, seq, ls,
                                          oid + data[2:], caddr))
        now = time.monotonic()
        while heap and heap[0][0] <= now:
            _, _, ls, data, caddr = heapq.heappop(heap)
            try:
                ls.sendto(data, caddr)
            except OSError:
                pass


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def tcp_conn(c, uport, delay, log):
    try:
        with c, socket.create_connection((HOST, uport), timeout=10) as u:
            c.settimeout(30)
            while True:
                hdr = recv_exact(c, 2)
                if hdr is None:
                    return
                q = recv_exact(c, struct.unpack("!H", hdr)[0])
                if q is None:
                    return
                log.query("tcp", q)
                u.sendall(hdr + q)
                ahdr = recv_exact(u, 2)
                if ahdr is None:
                    return
                a = recv_exact(u, struct.unpack("!H", ahdr)[0])
                if a is None:
                    return
                time.sleep(delay)
                c.sendall(ahdr + a)
    except OSError:
        return


def tcp_listen(lport, uport, delay, log, stop):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((HOST, lport))
    ls.listen(64)
    ls.settimeout(0.5)
    while not stop.is_set():
        try:
            c, _ = ls.accept()
        except socket.timeout:
            continue
        threading.Thread(target=tcp_conn, args=(c, uport, delay, log),
                         daemon=True).start()


def main():
    args = sys.argv[1:]
    delay, logpath, pairs = 0.020, None, []
    while args:
        a = args.pop(0)
        if a == "-d" and args:
            delay = float(args.pop(0)) / 1000.0
        elif a == "-l" and args:
            logpath = args.pop(0)
        elif ":" in a:
            lp, up = a.split(":", 1)
            pairs.append((int(lp), int(up)))
        else:
            sys.stderr.write("usage: dnsdelay.py [-d MS] [-l LOGFILE] "
                             "LISTEN_PORT:UPSTREAM_PORT...\n")
            sys.exit(2)
    if not pairs:
        sys.stderr.write("dnsdelay.py: no LISTEN_PORT:UPSTREAM_PORT\n")
        sys.exit(2)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    log = Log(logpath)
    for lport, uport in pairs:
        threading.Thread(target=tcp_listen,
                         args=(lport, uport, delay, log, stop),
                         daemon=True).start()
    sys.stderr.write("dnsdelay.py: %d ms on %s\n" % (
        delay * 1000, ", ".join("%s@%d -> %d" % (HOST, l, u) for l, u in pairs)))
    sys.stderr.flush()
    udp_loop(pairs, delay, log, stop)


if __name__ == "__main__":
    main()
