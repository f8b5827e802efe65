#!/usr/bin/env python3
"""Export benchmark: `vaultform export` of a server holding N policies, N AppRole roles and
N/10 KV v2 mounts with config (default N = 1000), then `vaultform plan` of what it wrote,
which must be "No changes". Reports export wall time, requests and peak RSS, and the plan's.

Usage: python3 Benchmarks/export_benchmark.py [N ...]
"""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plan_benchmark as common  # noqa: E402


def timed(binary, arguments, env):
    """(wall seconds, exit code, peak RSS in MiB) of one vaultform run."""
    wall, _, rss, code = common.run_measured([binary] + arguments, env)
    return wall, code, rss


def bench(n, binary):
    with tempfile.TemporaryDirectory(prefix="vf-export-bench-") as workdir:
        state = os.path.join(workdir, "server")
        address, token = common.start_server(state)
        try:
            log = os.path.join(workdir, "audit.log")
            common.load_objects(n, address, token, workdir, log)

            env = dict(os.environ, VAULT_ADDR=address, VAULT_TOKEN=token, NO_COLOR="1")
            out = os.path.join(workdir, "exported")
            before = common.count_requests(log)
            export_s, code, export_rss = timed(binary, ["export", "--output", out], env)
            if code != 0:
                raise SystemExit("export failed with %d" % code)
            export_requests = common.count_requests(log) - before
            plan_s, code, plan_rss = timed(binary, ["plan", out, "--detailed-exitcode"], env)
            if code != 0:
                raise SystemExit("the exported manifest does not plan as no changes (exit %d)" % code)
            return n, export_s, export_requests, export_rss, plan_s, plan_rss
        finally:
            subprocess.run(["bash", os.path.join(common.ROOT, "scripts/dev-server.sh"), "stop", state], capture_output=True)


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [1000]
    binary = common.release_binary()
    print("| N | export (s) | export requests | export peak RSS (MiB) | plan of the export (s) | plan peak RSS (MiB) | plan says |")
    print("|---:|---:|---:|---:|---:|---:|---|")
    for n in sizes:
        r = bench(n, binary)
        print("| %d | %.2f | %d | %.1f | %.2f | %.1f | No changes |" % r)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
