#!/usr/bin/env python3
"""A fake Vault for hostile-input tests: answers the handshake (seal status, health, token
lookup) properly, then answers every request whose path starts with TARGET in the way MODE
says (malformed JSON, wrong types, a huge or endless body, silence...), and everything else
with an empty 404 as a server with nothing in it would.

Usage: hostile_server.py PORT MODE TARGET READY_FILE
"""
import http.server
import json
import socketserver
import sys
import time

PORT, MODE, TARGET, READY = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]

SEAL = {"type": "shamir", "initialized": True, "sealed": False, "t": 1, "n": 1, "progress": 0, "nonce": "",
        "version": "2.7.2", "build_date": None, "commit_date": "2026-10-26T20:32:27Z", "migration": False,
        "recovery_seal": False, "storage_type": "inmem"}
HEALTH = {"initialized": True, "sealed": False, "standby": False, "performance_standby": False,
          "replication_performance_mode": "disabled", "replication_dr_mode": "disabled",
          "server_time_utc": 1, "version": "2.7.2", "cluster_name": "fake", "cluster_id": "fake"}
LOOKUP = {"data": {"policies": ["root"], "ttl": 0, "display_name": "root", "accessor": "x", "id": "fake-token",
                   "path": "auth/token/root", "renewable": False, "type": "service"}}

BODIES = {
    "truncated": (200, b'{"data": {"keys": ["a", "b"'),
    "not-json": (200, b"<html><body>502 Bad Gateway</body></html>"),
    "empty-200": (200, b""),
    "null": (200, b"null"),
    "array-data": (200, b'{"data": ["sys/", "secret/"]}'),
    "string-data": (200, b'{"data": "everything"}'),
    "number-fields": (200, b'{"data": {"keys": [1, 2, {"x": null}], "type": 7, "policy": 12, "options": "v2", "config": []}}'),
    "wrong-nesting": (200, b'{"data": {"secret/": "kv", "transit/": [1], "approle/": {"config": "none", "options": 3}}}'),
    "deep": (200, b'{"data": ' + b"[" * 100000 + b"]" * 100000 + b"}"),
    "invalid-utf8": (200, b'{"data": {"keys": ["\xff\xfe\xfd"], "policy": "path \xc3 {"}}'),
    "errors-500": (500, b'{"errors": ["internal error: \\u0000 nul and \\ud800 lone surrogate"]}'),
    "errors-garbage": (400, b'{"errors": "not a list"}'),
    "html-503": (503, b"<html>Service Unavailable</html>"),
    "huge": None,
    "slow": None,
    "reset": None,
}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def reply(self, status, body, content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        path = self.path.split("?")[0]
        if path.startswith("/v1/sys/seal-status"):
            return self.reply(200, json.dumps(SEAL).encode())
        if path.startswith("/v1/sys/health"):
            return self.reply(200, json.dumps(HEALTH).encode())
        if path.startswith("/v1/auth/token/lookup-self"):
            return self.reply(200, json.dumps(LOOKUP).encode())
        if not path.startswith("/v1/" + TARGET):
            if self.command in ("GET", "LIST"):
                return self.reply(404, b'{"errors": []}')
            return self.reply(204, b"")
        if MODE == "huge":
            # 40 MiB of a JSON string that never closes: the client must give up, not swallow it all.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(40 << 20))
            self.end_headers()
            chunk = b'{"data": {"policy": "' + b"A" * (1 << 20)
            try:
                for _ in range(40):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if MODE == "slow":
            time.sleep(30)
            return self.reply(200, b'{"data": {}}')
        if MODE == "reset":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b'{"data": {"ke')
            self.wfile.flush()
            self.connection.close()
            return
        status, body = BODIES[MODE]
        self.reply(status, body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any

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
