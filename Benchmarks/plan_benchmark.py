#!/usr/bin/env python3
"""Plan benchmark: `vaultform plan` against a matching manifest, and the floor.

For each N it starts a real OpenBao dev server (with a file audit device, which counts
requests), loads N policies, N AppRole roles and N/10 KV v2 mounts with KV config, writes
a manifest that matches them exactly, and measures:

  * vaultform plan: wall time (median of 5 runs, process start to exit, manifest loading
    included), HTTP requests (from the server's audit log), peak RSS;
  * the floor: the same requests issued by `curl --parallel --parallel-max 8`, a minimal
    concurrent HTTP loop over 8 connections, in the same run (median of 5, interleaved).

It also reports the CPU time of one plan and of one floor run, and the server's CPU time
during each, so the server's share of the work is visible.

Usage: python3 Benchmarks/plan_benchmark.py [N ...]   (default: 10 100 1000)
Prints a Markdown table; docs/performance.md records the figures.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = 5
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sh(*args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs).stdout


def start_server(state):
    sh("bash", os.path.join(ROOT, "scripts/dev-server.sh"), "start", state)
    address = open(os.path.join(state, "address")).read().strip()
    token = open(os.path.join(state, "token")).read().strip()
    return address, token


def curl_parallel(requests, address, token, workdir, connections=8):
    """Runs (method, path, body) requests through curl with 8 parallel connections (or
    `connections`; 1 sends them one after another over one kept-alive connection)."""
    config = os.path.join(workdir, "curl.cfg")
    with open(config, "w") as out:
        for index, (method, path, body) in enumerate(requests):
            if index:
                out.write("next\n")  # options before `next` belong to one request only
            out.write('url = "%s/v1/%s"\n' % (address, path))
            out.write('request = "%s"\n' % method)
            out.write('header = "X-Vault-Token: %s"\n' % token)
            if body is not None:
                body_file = os.path.join(workdir, "body%d.json" % index)
                with open(body_file, "w") as handle:
                    json.dump(body, handle)
                out.write('data = "@%s"\n' % body_file)
            out.write('output = "/dev/null"\n')
    started = time.perf_counter()
    result = subprocess.run(["curl", "--silent", "--show-error", "--fail", "--no-progress-meter", "--parallel",
                             "--parallel-max", str(connections), "-K", config], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit("curl failed: %s" % result.stderr)
    return time.perf_counter() - started


def server_cpu(state):
    """The dev server's CPU seconds so far (user + system), from /proc/PID/stat."""
    pid = int(open(os.path.join(state, "pid")).read().strip())
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_measured(argv, env):
    """Runs argv to completion; (wall seconds, CPU seconds of the process and its children,
    peak RSS in MiB, exit code)."""
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.execve(argv[0], argv, env)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, os.waitstatus_to_exitcode(status)


def machine():
    """One line about the machine: CPUs, their model, memory."""
    model = "unknown CPU"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory = int(open("/proc/meminfo").readline().split()[1]) // (1024 * 1024)
    return "%d CPUs (%s), %d GiB, %s" % (os.cpu_count(), model, memory, sh("bao", "version").strip())


def count_requests(log):
    count = 0
    with open(log) as handle:
        for line in handle:
            if '"type":"request"' in line:
                count += 1
    return count


def manifest_text(n, mounts):
    lines = ["version: 1", "secrets_engines:"]
    for m in mounts:
        lines.append("  - { path: %s, type: kv-v2, kv_config: { max_versions: 7 } }" % m)
    lines += ["auth_methods: [{ path: approle, type: approle }]", "policies:"]
    for i in range(n):
        lines.append('  - { name: p%d, hcl: \'path "secret/data/p%d/*" { capabilities = ["read"] }\' }' % (i, i))
    lines.append("approle_roles:")
    for i in range(n):
        lines.append("  - { name: r%d, token_ttl: 1h, token_policies: [p%d], token_bound_cidrs: [10.0.%d.%d/32] }"
                     % (i, i, i // 250, i % 250 + 1))
    return "\n".join(lines) + "\n"


def run_vaultform(binary, manifest, address, token):
    env = dict(os.environ, VAULT_ADDR=address, VAULT_TOKEN=token, NO_COLOR="1")
    started = time.perf_counter()
    result = subprocess.run([binary, "plan", manifest, "--detailed-exitcode"], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit("vaultform plan exited %d (expected 0, no changes):\n%s%s"
                         % (result.returncode, result.stdout, result.stderr))
    return elapsed


def load_objects(n, address, token, workdir, log):
    """A file audit device at `log` (it counts requests), N/10 KV v2 mounts with config, the
    AppRole method, N policies and N roles, loaded with curl; returns the mount names."""
    mounts = ["kv%d" % i for i in range(max(1, n // 10))]
    load = [("PUT", "sys/audit/file", {"type": "file", "options": {"file_path": log}})]
    load += [("POST", "sys/mounts/%s" % m, {"type": "kv", "options": {"version": "2"}}) for m in mounts]
    load += [("POST", "sys/auth/approle", {"type": "approle"})]
    curl_parallel(load, address, token, workdir)
    load = [("POST", "%s/config" % m, {"max_versions": 7}) for m in mounts]
    load += [("PUT", "sys/policies/acl/p%d" % i,
              {"policy": 'path "secret/data/p%d/*" {\n  capabilities = ["read"]\n}\n' % i}) for i in range(n)]
    load += [("POST", "auth/approle/role/r%d" % i,
              {"token_ttl": "60m", "token_policies": "p%d" % i,
               "token_bound_cidrs": "10.0.%d.%d/32" % (i // 250, i % 250 + 1)}) for i in range(n)]
    curl_parallel(load, address, token, workdir)
    return mounts


def bench(n, binary):
    with tempfile.TemporaryDirectory(prefix="vf-bench-") as workdir:
        state = os.path.join(workdir, "server")
        address, token = start_server(state)
        try:
            log = os.path.join(workdir, "audit.log")
            mounts = load_objects(n, address, token, workdir, log)

            manifest = os.path.join(workdir, "manifest.yaml")
            with open(manifest, "w") as handle:
                handle.write(manifest_text(n, mounts))

            # vaultform: warm once, then the median of RUNS runs (interleaved with the floor's,
            # so load from elsewhere on the machine hits both alike).
            run_vaultform(binary, manifest, address, token)
            before = count_requests(log)
            run_vaultform(binary, manifest, address, token)
            requests = count_requests(log) - before
            # Peak RSS and CPU (vaultform's own and the server's) of one more plan.
            env = dict(os.environ, VAULT_ADDR=address, VAULT_TOKEN=token, NO_COLOR="1")
            server_before = server_cpu(state)
            _, plan_cpu, rss, _ = run_measured([binary, "plan", manifest], env)
            plan_server_cpu = server_cpu(state) - server_before

            # The floor: the same reads, 8 connections.
            floor_requests = [("GET", "sys/mounts", None), ("GET", "sys/auth", None), ("LIST", "sys/policies/acl", None),
                              ("LIST", "auth/approle/role", None)]
            floor_requests += [("GET", "%s/config" % m, None) for m in mounts]
            floor_requests += [("GET", "sys/policies/acl/p%d" % i, None) for i in range(n)]
            floor_requests += [("GET", "auth/approle/role/r%d" % i, None) for i in range(n)]
            floor_requests += [("GET", "auth/token/lookup-self", None), ("GET", "sys/seal-status", None)]
            curl_parallel(floor_requests, address, token, workdir)  # warm
            server_before, children_before = server_cpu(state), os.times()
            curl_parallel(floor_requests, address, token, workdir)
            children_after = os.times()
            floor_cpu = (children_after.children_user + children_after.children_system
                         - children_before.children_user - children_before.children_system)
            floor_server_cpu = server_cpu(state) - server_before
            before = count_requests(log)
            curl_parallel(floor_requests, address, token, workdir)
            floor_count = count_requests(log) - before
            plans, floors = [], []
            for _ in range(RUNS):
                plans.append(run_vaultform(binary, manifest, address, token))
                floors.append(curl_parallel(floor_requests, address, token, workdir))
            return {"n": n, "plan_s": statistics.median(plans), "floor_s": statistics.median(floors),
                    "requests": requests, "floor_requests": floor_count, "rss_mib": rss,
                    "plan_cpu": plan_cpu, "plan_server_cpu": plan_server_cpu, "floor_cpu": floor_cpu,
                    "floor_server_cpu": floor_server_cpu}
        finally:
            subprocess.run(["bash", os.path.join(ROOT, "scripts/dev-server.sh"), "stop", state], capture_output=True)


def release_binary():
    """Builds vaultform as `make release` ships it (optimised, the Swift runtime linked
    statically, in the same .build-static/ scratch directory scripts/release.sh uses); its
    path. The static runtime matters to the figures: it starts faster and calls the runtime
    (retain, release) without going through the dynamic linker's tables."""
    command = ["swift", "build", "-c", "release", "--static-swift-stdlib", "--scratch-path",
               os.path.join(ROOT, ".build-static")]
    subprocess.run(command + ["--product", "vaultform"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return os.path.join(sh(*command, "--show-bin-path", cwd=ROOT).strip(), "vaultform")


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [10, 100, 1000]
    binary = release_binary()
    print("Machine: " + machine())
    print()
    print("| N | plan wall (s) | floor wall (s) | plan / floor | plan requests | floor requests | peak RSS (MiB) "
          "| CPU (s): vaultform / its server | CPU (s): curl / its server | server share of plan's CPU |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        r = bench(n, binary)
        print("| %d | %.3f | %.3f | %.2f× | %d | %d | %.1f | %.2f / %.2f | %.2f / %.2f | %.0f%% |" % (
            r["n"], r["plan_s"], r["floor_s"], r["plan_s"] / r["floor_s"], r["requests"], r["floor_requests"],
            r["rss_mib"], r["plan_cpu"], r["plan_server_cpu"], r["floor_cpu"], r["floor_server_cpu"],
            100 * r["plan_server_cpu"] / max(1e-9, r["plan_cpu"] + r["plan_server_cpu"])))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
