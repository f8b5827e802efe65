#!/usr/bin/env python3
"""Access benchmark: the access map, lint and access diff of the plan benchmark's workload.

For each N it writes the manifest plan_benchmark.py plans (N policies, N AppRole roles with
CIDR bindings, N/10 KV v2 mounts) and measures, as the median of 5 runs of the release
binary (process start to exit, manifest loading included):

  * access map --format json (every principal's merged grants, deciding rules and places);
  * lint (escalation, policy-rule, AppRole, CIDR and unused-policy checks);
  * access diff between the manifest and a copy with one policy widened;
  * the floor: validate --format json of the same manifest, which loads and checks it as
    every access command must first (validate also runs lint, so its wall includes lint).

No server is involved. Usage: python3 Benchmarks/access_benchmark.py [N ...] (default: 100 1000)
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plan_benchmark import manifest_text, release_binary  # noqa: E402

RUNS = 5


def timed(binary, arguments):
    start = time.perf_counter()
    result = subprocess.run([binary] + arguments, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 2):
        raise SystemExit("%s failed (%d): %s" % (" ".join(arguments), result.returncode, result.stderr))
    return elapsed


def bench(n, binary):
    with tempfile.TemporaryDirectory(prefix="vf-access-bench-") as workdir:
        mounts = ["kv%d" % i for i in range(max(1, n // 10))]
        manifest = os.path.join(workdir, "manifest.yaml")
        text = manifest_text(n, mounts)
        with open(manifest, "w") as handle:
            handle.write(text)
        widened = os.path.join(workdir, "widened.yaml")
        with open(widened, "w") as handle:
            handle.write(text.replace('"secret/data/p0/*" { capabilities = ["read"] }', '"secret/data/*" { capabilities = ["read", "list"] }'))
        commands = {
            "map": ["access", "map", "--manifest", manifest, "--format", "json"],
            "lint": ["lint", manifest, "--fail-on", "never"],
            "diff": ["access", "diff", manifest, widened, "--format", "json"],
            "floor": ["validate", manifest, "--format", "json"],
        }
        for arguments in commands.values():
            timed(binary, arguments)  # warm the file cache
        times = {name: [] for name in commands}
        for _ in range(RUNS):
            for name, arguments in commands.items():
                times[name].append(timed(binary, arguments))
        return {name: statistics.median(values) for name, values in times.items()}


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [100, 1000]
    binary = release_binary()
    print("| N | access map (s) | lint (s) | access diff (s) | floor: validate (s) | map / floor | diff / floor |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        r = bench(n, binary)
        print("| %d | %.3f | %.3f | %.3f | %.3f | %.2f× | %.2f× |" % (
            n, r["map"], r["lint"], r["diff"], r["floor"], r["map"] / r["floor"], r["diff"] / r["floor"]))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
