#!/usr/bin/env python3
"""An HTTP proxy between vaultform and a real OpenBao server that injects one fault at the
k-th write (any request that is not GET, HEAD or LIST), then forwards everything faithfully.

Faults:
  drop-before  close the client's connection without forwarding the write
  drop-after   forward the write (the server acts on it), then close without an answer
  reset-mid    forward, then send half of the answer and close
  delay        hold the write for 4 s (FAULT_DELAY_SECONDS) before forwarding (longer than the client's timeout)
  status-503   answer 503 without forwarding
  seal         seal the server, then forward the write (which meets a sealed server)

Usage: fault_proxy.py LISTEN_PORT UPSTREAM_URL FAULT K TOKEN READY_FILE LOG_FILE [COUNT]
COUNT is "writes" (the default) or "requests", to hit the k-th request of any method (for
plan, which only reads). The log records one line per request: "METHOD PATH -> STATUS" or
the fault applied.
"""
import http.client
import http.server
import os
import socketserver
import sys
import threading
import time
import urllib.parse

PORT, UPSTREAM, FAULT, K, TOKEN, READY, LOG = sys.argv[1:8]
COUNT = sys.argv[8] if len(sys.argv) > 8 else "writes"
PORT, K = int(PORT), int(K)
upstream = urllib.parse.urlsplit(UPSTREAM)
lock = threading.Lock()
writes = 0


def log(line):
    with lock, open(LOG, "a") as out:
        out.write(line + "\n")


def forward(method, path, headers, body):
    connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=60)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, response.getheaders(), data


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def handle_any(self):
        global writes
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection", "content-length")}
        fault = None
        if COUNT == "requests" or self.command not in ("GET", "HEAD", "LIST"):
            with lock:
                writes += 1
                if writes == K:
                    fault = FAULT
        if fault == "drop-before":
            log("%s %s -> dropped before forwarding" % (self.command, self.path))
            self.close_connection = True
            self.connection.close()
            return
        if fault == "status-503":
            log("%s %s -> 503 injected" % (self.command, self.path))
            payload = b'{"errors":["injected: service unavailable"]}'
            self.send_response(503)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        if fault == "delay":
            delay = float(os.environ.get("FAULT_DELAY_SECONDS", "4"))
            log("%s %s -> delayed %g s" % (self.command, self.path, delay))
            time.sleep(delay)
        if fault == "seal":
            forward("PUT", "/v1/sys/seal", {"X-Vault-Token": TOKEN}, None)
            log("%s %s -> server sealed first" % (self.command, self.path))
        status, response_headers, data = forward(self.command, self.path, headers, body)
        if fault == "drop-after":
            log("%s %s -> forwarded (%d), answer dropped" % (self.command, self.path, status))
            self.close_connection = True
            self.connection.close()
            return
        self.send_response(status)
        for name, value in response_headers:
            if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if fault == "reset-mid":
            log("%s %s -> forwarded (%d), answer cut" % (self.command, self.path, status))
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.close()
            return
        self.wfile.write(data)
        log("%s %s -> %d" % (self.command, self.path, status))

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = handle_any

    def do_LIST(self):
        self.handle_any()

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


server = Server(("127.0.0.1", PORT), Handler)
open(READY, "w").close()
server.serve_forever()
