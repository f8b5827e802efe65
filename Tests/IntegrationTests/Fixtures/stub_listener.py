#!/usr/bin/env python3
"""A fake server for connection-layer tests, on 127.0.0.1:PORT (a listener that never
answers is `Listener` in DevServer.swift).

Usage: stub_listener.py PORT MODE READY_FILE [BASE]
  redirect  answers every request with 307 and Location: BASE + the request's path, as a
            standby does; logs each request's path and whether it carried a token to stdout
  sealed    a sealed, initialised server (threshold 3 of 5): seal status and health say so,
            everything else is 503 "Vault is sealed"
"""
import http.server
import json
import socketserver
import sys

PORT, MODE, READY = int(sys.argv[1]), sys.argv[2], sys.argv[3]
BASE = sys.argv[4] if len(sys.argv) > 4 else ""

SEAL = {"type": "shamir", "initialized": True, "sealed": True, "t": 3, "n": 5, "progress": 0, "nonce": "",
        "version": "2.7.2", "build_date": None, "migration": False, "recovery_seal": False, "storage_type": "inmem"}
HEALTH = {"initialized": True, "sealed": True, "standby": True, "performance_standby": False,
          "replication_performance_mode": "disabled", "replication_dr_mode": "disabled",
          "server_time_utc": 1, "version": "2.7.2"}


class Redirect(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def reply(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if MODE == "sealed":
            path = self.path.split("?")[0]
            if path.startswith("/v1/sys/seal-status"):
                return self.reply(200, json.dumps(SEAL).encode())
            if path.startswith("/v1/sys/health"):
                return self.reply(200, json.dumps(HEALTH).encode())
            return self.reply(503, b'{"errors": ["Vault is sealed"]}')
        print(self.command, self.path, "token" if self.headers.get("X-Vault-Token") else "no-token", flush=True)
        self.send_response(307)
        self.send_header("Location", BASE + self.path)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_LIST = handle_any

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


server = Server(("127.0.0.1", PORT), Redirect)
open(READY, "w").close()
server.serve_forever()
