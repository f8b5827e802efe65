#!/usr/bin/env python3
"""Apply benchmark: `vaultform apply` from an empty server, against the sequential write
floor (every object written once, one request after another over one kept-alive connection,
by curl, on its own fresh server in the same run), against a shell script that calls the
`bao` CLI once per object (how vault-init.sh works), and a second apply on the converged
server (which must write nothing).

For each N (default 10 100 1000): N policies, N AppRole roles, N/10 KV v2 mounts with config.
Writes are counted from each server's file audit log (create, update and delete operations).
apply runs once per --parallelism value (default: 1 and vaultform's default, 8), each on a
fresh server.

Usage: python3 Benchmarks/apply_benchmark.py [--no-script] [--parallelism 1,8] [N ...]
  --no-script  skip the bao script (at N = 10,000 it alone takes about an hour)
"""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plan_benchmark as common  # noqa: E402

WRITES = ('"operation":"create"', '"operation":"update"', '"operation":"delete"')


def count_writes(log):
    """(object writes, lock writes): the apply lock's own writes (its mount, claim, renewals,
    release, and the fingerprint key beside it) are counted apart from the managed objects'."""
    objects = lock = 0
    with open(log) as handle:
        for line in handle:
            if '"type":"request"' not in line or not any(w in line for w in WRITES):
                continue
            if '"path":"vaultform-lock/' in line or '"path":"sys/mounts/vaultform-lock"' in line:
                lock += 1
            else:
                objects += 1
    return objects, lock


def writes_since(log, before):
    objects, lock = count_writes(log)
    return objects - before[0], lock - before[1]


def fresh_server(workdir, name):
    state = os.path.join(workdir, name)
    address, token = common.start_server(state)
    log = os.path.join(state, "audit.log")
    common.curl_parallel([("PUT", "sys/audit/file", {"type": "file", "options": {"file_path": log}})], address, token, state)
    # A dev server mounts KV v2 at secret/; the benchmark's objects live elsewhere.
    return state, address, token, log


def bao_script(n, mounts, path):
    lines = ["set -e"]
    for m in mounts:
        lines.append("bao secrets enable -path=%s -version=2 kv >/dev/null" % m)
        lines.append("bao write %s/config max_versions=7 >/dev/null" % m)
    lines.append("bao auth enable approle >/dev/null")
    for i in range(n):
        lines.append("printf '%%s' 'path \"secret/data/p%d/*\" { capabilities = [\"read\"] }' | bao policy write p%d - >/dev/null"
                     % (i, i))
    for i in range(n):
        lines.append("bao write auth/approle/role/r%d token_ttl=1h token_policies=p%d token_bound_cidrs=10.0.%d.%d/32 >/dev/null"
                     % (i, i, i // 250, i % 250 + 1))
    with open(path, "w") as handle:
        handle.write("\n".join(lines) + "\n")


def floor_requests(n, mounts):
    """Every object of the workload written once, in two parts: mounts, the auth method,
    policies and roles; then the KV configs, once the new KV v2 mounts finished upgrading."""
    requests = [("POST", "sys/mounts/%s" % m, {"type": "kv", "options": {"version": "2"}}) for m in mounts]
    requests.append(("POST", "sys/auth/approle", {"type": "approle"}))
    requests += [("PUT", "sys/policies/acl/p%d" % i, {"policy": 'path "secret/data/p%d/*" { capabilities = ["read"] }' % i})
                 for i in range(n)]
    requests += [("POST", "auth/approle/role/r%d" % i, {"token_ttl": "1h", "token_policies": ["p%d" % i],
                                                         "token_bound_cidrs": ["10.0.%d.%d/32" % (i // 250, i % 250 + 1)]})
                 for i in range(n)]
    return requests, [("POST", "%s/config" % m, {"max_versions": 7}) for m in mounts]


def bench(n, binary, with_script=True, parallelisms=(1, 8)):
    with tempfile.TemporaryDirectory(prefix="vf-apply-bench-") as workdir:
        mounts = ["kv%d" % i for i in range(max(1, n // 10))]
        manifest = os.path.join(workdir, "manifest.yaml")
        with open(manifest, "w") as handle:
            handle.write(common.manifest_text(n, mounts))
        results = {"n": n, "runs": []}

        state, address, token, log = fresh_server(workdir, "floor")
        try:
            time.sleep(1)  # the dev server's own secret/ upgrade
            before = count_writes(log)
            first, configs = floor_requests(n, mounts)
            server_before, children_before = common.server_cpu(state), os.times()
            results["floor_s"] = common.curl_parallel(first, address, token, state, connections=1)
            results["floor_server_cpu"] = common.server_cpu(state) - server_before
            time.sleep(2)  # the new mounts' upgrade, not timed
            server_before = common.server_cpu(state)
            results["floor_s"] += common.curl_parallel(configs, address, token, state, connections=1)
            results["floor_server_cpu"] += common.server_cpu(state) - server_before
            children_after = os.times()
            results["floor_cpu"] = (children_after.children_user + children_after.children_system
                                    - children_before.children_user - children_before.children_system)
            results["floor_writes"] = sum(writes_since(log, before))
        finally:
            subprocess.run(["bash", os.path.join(common.ROOT, "scripts/dev-server.sh"), "stop", state], capture_output=True)

        for parallelism in parallelisms:
            results["runs"].append(apply_run(n, binary, manifest, workdir, parallelism))

        if not with_script:
            results["script_s"], results["script_writes"] = float("nan"), 0
            return results
        state, address, token, log = fresh_server(workdir, "script")
        try:
            script = os.path.join(workdir, "init.sh")
            bao_script(n, mounts, script)
            env = dict(os.environ, BAO_ADDR=address, BAO_TOKEN=token, HOME=workdir)
            before = count_writes(log)
            started = time.perf_counter()
            subprocess.run(["bash", script], env=env, check=True)
            results["script_s"] = time.perf_counter() - started
            results["script_writes"] = sum(writes_since(log, before))
        finally:
            subprocess.run(["bash", os.path.join(common.ROOT, "scripts/dev-server.sh"), "stop", state], capture_output=True)
        return results


def apply_run(n, binary, manifest, workdir, parallelism):
    """Apply from empty at `parallelism` on a fresh server, then a second apply."""
    results = {"parallelism": parallelism}
    state, address, token, log = fresh_server(workdir, "vaultform-p%d" % parallelism)
    try:
        env = dict(os.environ, VAULT_ADDR=address, VAULT_TOKEN=token, NO_COLOR="1")
        before = count_writes(log)
        server_before, children_before = common.server_cpu(state), os.times()
        started = time.perf_counter()
        result = subprocess.run([binary, "apply", manifest, "--auto-approve", "--parallelism", str(parallelism)],
                                env=env, capture_output=True, text=True)
        results["apply_s"] = time.perf_counter() - started
        children_after = os.times()
        results["apply_cpu"] = (children_after.children_user + children_after.children_system
                                - children_before.children_user - children_before.children_system)
        results["apply_server_cpu"] = common.server_cpu(state) - server_before
        if result.returncode != 0:
            raise SystemExit("apply failed:\n" + result.stderr[-3000:])
        results["apply_writes"], results["apply_lock_writes"] = writes_since(log, before)
        before = count_writes(log)
        started = time.perf_counter()
        result = subprocess.run([binary, "apply", manifest, "--auto-approve"], env=env, capture_output=True, text=True)
        results["second_s"] = time.perf_counter() - started
        results["second_writes"] = sum(writes_since(log, before))
        if result.returncode != 0 or "No changes." not in result.stdout:
            raise SystemExit("second apply did not converge:\n" + result.stdout[-2000:] + result.stderr[-2000:])
    finally:
        subprocess.run(["bash", os.path.join(common.ROOT, "scripts/dev-server.sh"), "stop", state], capture_output=True)
    return results


def main():
    arguments = sys.argv[1:]
    with_script = "--no-script" not in arguments
    parallelisms = (1, 8)
    if "--parallelism" in arguments:
        at = arguments.index("--parallelism")
        parallelisms = tuple(int(p) for p in arguments[at + 1].split(","))
        del arguments[at:at + 2]
    sizes = [int(a) for a in arguments if a != "--no-script"] or [10, 100, 1000]
    binary = common.release_binary()
    print("Machine: " + common.machine())
    print()
    print("| N | parallelism | apply (s) | apply writes (+ lock) | write floor (s) | floor writes | apply / floor "
          "| CPU (s): vaultform / its server | CPU (s): floor's curl / its server | server share of apply's CPU "
          "| bao script (s) | apply / script | second apply (s) | second apply writes |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        r = bench(n, binary, with_script, parallelisms)
        for run in r["runs"]:
            print("| %d | %d | %.2f | %d (+ %d) | %.2f | %d | %.2f× | %.2f / %.2f | %.2f / %.2f | %.0f%% | %.2f | %.3f× | %.2f | %d |" % (
                n, run["parallelism"], run["apply_s"], run["apply_writes"], run["apply_lock_writes"], r["floor_s"],
                r["floor_writes"], run["apply_s"] / r["floor_s"], run["apply_cpu"], run["apply_server_cpu"],
                r["floor_cpu"], r["floor_server_cpu"],
                100 * run["apply_server_cpu"] / max(1e-9, run["apply_cpu"] + run["apply_server_cpu"]),
                r["script_s"], run["apply_s"] / r["script_s"], run["second_s"], run["second_writes"]))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
