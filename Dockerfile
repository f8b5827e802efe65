# vaultform in a container: built with the Swift image, run on a slim Debian with libcurl and
# CA certificates as a non-root user. Not built or tested on the development machine (it has
# no container runtime); `make release` and its tarball test are what CI checks.
#
#   docker build -t vaultform .
#   docker run --rm -e VAULT_ADDR -e VAULT_TOKEN -v "$PWD:/work" vaultform plan /work/manifests/hoodcloud

FROM swift:6.2-bookworm AS build
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libcurl4-openssl-dev binutils \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN swift build -c release --static-swift-stdlib --product vaultform \
    && install -D -m 0755 "$(swift build -c release --static-swift-stdlib --show-bin-path)/vaultform" /out/vaultform \
    && strip /out/vaultform

FROM debian:bookworm-slim
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libcurl4 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /home/vaultform --create-home vaultform
COPY --from=build /out/vaultform /usr/local/bin/vaultform
USER vaultform
WORKDIR /home/vaultform
ENTRYPOINT ["vaultform"]
CMD ["--help"]
