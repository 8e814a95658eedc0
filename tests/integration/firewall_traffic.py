#!/usr/bin/env python3
"""Real traffic for the firewall integration test (run inside the test's network namespaces).

  serve READY_FILE PROTO:PORT...      listen on each port (TCP: send "hello <port>" to each
                                      client; UDP: answer each datagram); write READY_FILE when
                                      bound; run until killed (at most 120 s)
  try ADDRESS TIMEOUT PROTO:PORT...   print "PROTO:PORT open" or "PROTO:PORT closed" per port,
                                      all tried at once; open means the server's answer arrived
"""
import socket
import sys
import threading
import time


def family_of(address):
    return socket.AF_INET6 if ":" in address else socket.AF_INET


def serve(ready_file, specs):
    sockets = []
    for spec in specs:
        proto, port = spec.split(":")
        port = int(port)
        kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
        s = socket.socket(socket.AF_INET6, kind)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("::", port))
        if kind == socket.SOCK_STREAM:
            s.listen(16)
        sockets.append((proto, port, s))

    def tcp_loop(port, s):
        while True:
            c, _ = s.accept()
            try:
                c.sendall(b"hello %d\n" % port)
            finally:
                c.close()

    def udp_loop(port, s):
        while True:
            data, peer = s.recvfrom(2048)
            s.sendto(b"hello %d " % port + data, peer)

    for proto, port, s in sockets:
        loop = tcp_loop if proto == "tcp" else udp_loop
        threading.Thread(target=loop, args=(port, s), daemon=True).start()
    with open(ready_file, "w") as f:
        f.write("ready\n")
    time.sleep(120)


def try_one(address, timeout, spec, results):
    proto, port = spec.split(":")
    port = int(port)
    expected = b"hello %d" % port
    try:
        if proto == "tcp":
            with socket.create_connection((address, port), timeout=timeout) as s:
                s.settimeout(timeout)
                ok = s.recv(64).startswith(expected)
        else:
            with socket.socket(family_of(address), socket.SOCK_DGRAM) as s:
                s.settimeout(timeout)
                s.sendto(b"ping", (address, port))
                ok = s.recvfrom(64)[0].startswith(expected)
    except OSError:
        ok = False
    results[spec] = "open" if ok else "closed"


def try_all(address, timeout, specs):
    results = {}
    threads = [threading.Thread(target=try_one, args=(address, float(timeout), spec, results)) for spec in specs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for spec in specs:
        print(spec, results[spec])


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2], sys.argv[3:])
    else:
        try_all(sys.argv[2], sys.argv[3], sys.argv[4:])
