#!/usr/bin/env python3
"""A small HTTP proxy for Taupage's tests: CONNECT tunnels (for https) and absolute-form requests
(for http), on a loopback port chosen at start. Every request it receives is appended to
DIR/proxy.jsonl ({"method", "target", "auth"}). How it behaves comes from DIR/proxy-mode, read
for each request:
  tunnel            relay (default)
  refuse            answer 403 Forbidden to everything
  close-midstream   accept CONNECT, relay the request, pass on only the first 64 KiB of the
                    answer, then close both sides (the TLS session is cut mid-stream)
  close-once        close-midstream for the next request only, then tunnel
With --auth USER:PASSWORD a request without that Proxy-Authorization gets 407.

Usage: connect_proxy.py --dir DIR [--auth USER:PASSWORD]; writes DIR/proxy-port when ready.
"""
import argparse
import base64
import json
import os
import select
import socket
import socketserver
import sys
import threading

LOCK = threading.Lock()
ARGS = None


def mode():
    path = os.path.join(ARGS.dir, "proxy-mode")
    with LOCK:
        try:
            with open(path) as f:
                value = f.read().strip() or "tunnel"
        except FileNotFoundError:
            return "tunnel"
        if value == "close-once":
            with open(path, "w") as f:
                f.write("tunnel\n")
            return "close-midstream"
        return value


def record(entry):
    with LOCK, open(os.path.join(ARGS.dir, "proxy.jsonl"), "a") as f:
        f.write(json.dumps(entry) + "\n")


def relay(a, b, limit_b_to_a=None):
    passed = 0
    sockets = [a, b]
    while True:
        readable, _, _ = select.select(sockets, [], [], 30)
        if not readable:
            return
        for s in readable:
            data = s.recv(65536)
            if not data:
                return
            if s is b:
                if limit_b_to_a is not None:
                    data = data[: max(0, limit_b_to_a - passed)]
                    passed += len(data)
                a.sendall(data)
                if limit_b_to_a is not None and passed >= limit_b_to_a:
                    return
            else:
                b.sendall(data)


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        conn = self.request
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(4096)
            if not chunk:
                return
            head += chunk
        head, _, rest = head.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        auth = headers.get("proxy-authorization", "")
        record({"method": method, "target": target, "auth": bool(auth)})
        how = mode()
        if how == "refuse":
            conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        if ARGS.auth and auth != "Basic " + base64.b64encode(ARGS.auth.encode()).decode():
            conn.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                         b"Content-Length: 0\r\nConnection: close\r\n\r\n")
            return
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            try:
                upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
            except OSError:
                conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            if rest:
                upstream.sendall(rest)
            relay(conn, upstream, 65536 if how == "close-midstream" else None)
            upstream.close()
            return
        # Absolute form: http://host:port/path; sent on as origin form, one request per connection.
        if not target.startswith("http://"):
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        authority, _, path = target[len("http://"):].partition("/")
        host, _, port = authority.rpartition(":") if ":" in authority else (authority, "", "80")
        upstream = socket.create_connection((host.strip("[]"), int(port or 80)), timeout=10)
        kept = [l for l in lines[1:] if not l.lower().startswith(("proxy-authorization:", "connection:"))]
        upstream.sendall((f"{method} /{path} HTTP/1.1\r\n" + "\r\n".join(kept) + "\r\nConnection: close\r\n\r\n").encode("latin-1") + rest)
        relay(conn, upstream, 65536 if how == "close-midstream" else None)
        upstream.close()


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True)
    parser.add_argument("--auth", default="")
    ARGS = parser.parse_args()
    server = Server(("127.0.0.1", 0), Handler)
    with open(os.path.join(ARGS.dir, "proxy-port.tmp"), "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(os.path.join(ARGS.dir, "proxy-port.tmp"), os.path.join(ARGS.dir, "proxy-port"))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
