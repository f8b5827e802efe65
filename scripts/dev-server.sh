#!/usr/bin/env bash
# A throw-away OpenBao dev server for demos and manual testing.
#
#   scripts/dev-server.sh start [STATE_DIR]   start one on a free loopback port, wait until healthy
#   scripts/dev-server.sh stop  [STATE_DIR]   stop it (SIGTERM, then SIGKILL after 10 s)
#   scripts/dev-server.sh env   [STATE_DIR]   print export lines: eval "$(scripts/dev-server.sh env)"
#
# STATE_DIR (default .vaultform-dev) holds config.hcl, server.log and the files address,
# token (mode 600) and pid. The server runs in memory: stopping it loses everything. Its
# configuration sets unsafe_allow_api_audit_creation = true, so audit devices can be enabled
# through the API as the manifests expect. The root token is random and never printed by
# start; `env` prints it, for eval.
set -euo pipefail

usage() {
    echo "usage: $0 start|stop|env [STATE_DIR]" >&2
    exit 2
}

[ $# -ge 1 ] && [ $# -le 2 ] || usage
command="$1"
state="${2:-.vaultform-dev}"
mkdir -p "$state"
state="$(cd "$state" && pwd)"

log() { printf 'dev-server: %s\n' "$*" >&2; }

# Whether PID is alive and is a bao dev server (guards against a reused PID).
is_dev_server() {
    local pid="$1"
    kill -0 "$pid" 2>/dev/null || return 1
    [ -r "/proc/$pid/cmdline" ] || return 0
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- 'server -dev'
}

running_pid() {
    local pid
    [ -f "$state/pid" ] || return 1
    pid="$(cat "$state/pid")"
    [ -n "$pid" ] && is_dev_server "$pid" && printf '%s\n' "$pid"
}

# A loopback port that is free, with the port above it free too (the dev server's cluster
# listener takes it).
free_port() {
    python3 - <<'PY'
import socket
for _ in range(50):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    t = socket.socket()
    try:
        t.bind(("127.0.0.1", port + 1))
    except OSError:
        continue
    finally:
        t.close()
    print(port)
    break
else:
    raise SystemExit("no free pair of loopback ports")
PY
}

log_tail() {
    local token="$1"
    tail -n 15 "$state/server.log" 2>/dev/null | sed "s/$token/<root token>/g" >&2 || true
}

start() {
    local pid
    if pid="$(running_pid)"; then
        log "already running at $(cat "$state/address") (pid $pid)"
        return 0
    fi
    command -v bao >/dev/null 2>&1 || { log "bao not found; run scripts/install-deps.sh"; exit 1; }
    chmod 700 "$state"
    printf 'unsafe_allow_api_audit_creation = true\n' >"$state/config.hcl"
    rm -f "$state/address" "$state/token" "$state/pid"

    # Settings in the environment must not change the server (BAO_DEV_ROOT_TOKEN_ID, …).
    local unset_args=() name
    while read -r name; do unset_args+=(-u "$name"); done < <(compgen -e | grep -E '^(VAULT|BAO)_' || true)

    local attempt port token address
    for attempt in 1 2 3; do
        port="$(free_port)"
        token="vfdev-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
        address="http://127.0.0.1:$port"
        # HOME points into the state dir so nothing the server writes lands in the real home.
        env "${unset_args[@]}" HOME="$state" nohup bao server -dev -dev-no-store-token \
            -dev-root-token-id="$token" -dev-listen-address="127.0.0.1:$port" \
            -config="$state/config.hcl" </dev/null >"$state/server.log" 2>&1 &
        pid=$!

        local deadline=$((SECONDS + 30)) healthy=no
        while [ $SECONDS -lt $deadline ]; do
            kill -0 "$pid" 2>/dev/null || break
            # Exit status 0: initialised and unsealed.
            if env "${unset_args[@]}" bao status -address="$address" >/dev/null 2>&1; then
                healthy=yes
                break
            fi
            sleep 0.2
        done

        if [ "$healthy" = yes ]; then
            printf '%s\n' "$address" >"$state/address"
            (umask 077 && printf '%s\n' "$token" >"$state/token")
            printf '%s\n' "$pid" >"$state/pid"
            log "running at $address (pid $pid); state in $state"
            log "use it with: eval \"\$($0 env $state)\""
            return 0
        fi

        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
            log "the server was not healthy within 30 s; last lines of $state/server.log:"
            log_tail "$token"
            exit 1
        fi
        wait "$pid" 2>/dev/null || true
        if grep -q 'address already in use' "$state/server.log"; then
            log "port $port was taken; trying another"
            continue
        fi
        log "the server exited during startup; last lines of $state/server.log:"
        log_tail "$token"
        exit 1
    done
    log "could not find a free port after 3 attempts"
    exit 1
}

stop() {
    local pid
    if ! pid="$(running_pid)"; then
        log "not running (state in $state)"
        rm -f "$state/pid"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    local waited=0
    while is_dev_server "$pid" && [ $waited -lt 50 ]; do
        sleep 0.2
        waited=$((waited + 1))
    done
    if is_dev_server "$pid"; then
        log "pid $pid ignored SIGTERM for 10 s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null && [ $waited -lt 75 ]; do
            sleep 0.2
            waited=$((waited + 1))
        done
    fi
    rm -f "$state/pid"
    log "stopped (pid $pid)"
}

print_env() {
    local address token
    running_pid >/dev/null || { log "not running (state in $state); start it first"; exit 1; }
    address="$(cat "$state/address")"
    token="$(cat "$state/token")"
    printf "export VAULT_ADDR='%s'\n" "$address"
    printf "export VAULT_TOKEN='%s'\n" "$token"
    printf "export BAO_ADDR='%s'\n" "$address"
    printf "export BAO_TOKEN='%s'\n" "$token"
}

case "$command" in
    start) start ;;
    stop) stop ;;
    env) print_env ;;
    *) usage ;;
esac
