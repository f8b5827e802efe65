#!/usr/bin/env bash
# `make release`: an optimised vaultform with the Swift runtime linked in
# (--static-swift-stdlib), stripped, in a tarball with the man page, the shell completions,
# the JSON Schema, the licence, the README and the changelog, and a SHA256SUMS file beside it
# (and one inside, over the files). What the binary still loads from the system: libcurl,
# libstdc++, libgcc_s, libm and libc (README.md, "Release build").
#
# Writes dist/vaultform-VERSION-linux-ARCH.tar.gz and dist/SHA256SUMS. The build goes to
# .build-static/ (kept between runs: the first build of the dependencies takes minutes).
# The commit is recorded for `vaultform --version` by writing it into
# Sources/vaultform/BuildInfo.swift for the build and putting the file back afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

SWIFT="${SWIFT:-swift}"
scratch="$PWD/.build-static"
version="$(sed -n 's/^    static let version = "\(.*\)"$/\1/p' Sources/vaultform/Vaultform.swift)"
[ -n "$version" ] || { echo "release: cannot read the version from Sources/vaultform/Vaultform.swift" >&2; exit 1; }
arch="$(uname -m)"
name="vaultform-$version-linux-$arch"

commit="$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
if [ "$commit" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    commit="$commit-dirty"
fi

info=Sources/vaultform/BuildInfo.swift
backup="$(mktemp)"
cp "$info" "$backup"
restore() { cp "$backup" "$info"; rm -f "$backup"; }
trap restore EXIT
sed -i "s/^    static let commit: String? = nil$/    static let commit: String? = \"$commit\"/" "$info"
grep -q "static let commit: String? = \"$commit\"" "$info" || { echo "release: could not record the commit in $info" >&2; exit 1; }

echo "release: building vaultform $version ($commit), optimised, Swift runtime linked statically" >&2
"$SWIFT" build -c release --static-swift-stdlib --product vaultform --scratch-path "$scratch"
binary="$("$SWIFT" build -c release --static-swift-stdlib --scratch-path "$scratch" --show-bin-path)/vaultform"
restore
trap - EXIT

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
root="$stage/$name"
mkdir -p "$root/bin" "$root/share/man/man1" "$root/share/completions" "$root/share/schema"
cp "$binary" "$root/bin/vaultform"
strip "$root/bin/vaultform"

"$root/bin/vaultform" --version | grep -q "commit $commit" || { echo "release: the binary does not report commit $commit" >&2; exit 1; }
for shell in bash zsh fish; do
    "$root/bin/vaultform" --generate-completion-script "$shell" > "$root/share/completions/vaultform.$shell"
done
"$root/bin/vaultform" schema > "$root/share/schema/vaultform.schema.json"
# The man page: swift-argument-parser's generate-manual tool, built in the same scratch
# directory (the plugin behind `make man` would build the whole package again).
"$SWIFT" build -c release --static-swift-stdlib --product generate-manual --scratch-path "$scratch" >&2
"$(dirname "$binary")/generate-manual" "$root/bin/vaultform" --date "$(git log -1 --format=%cs 2>/dev/null || date +%F)" \
    --output-directory "$root/share/man/man1"
ls "$root/share/man/man1"/vaultform*.1 >/dev/null
cp LICENSE README.md CHANGELOG.md "$root/"
(cd "$root" && find . -type f ! -name SHA256SUMS | LC_ALL=C sort | xargs sha256sum > SHA256SUMS)

mkdir -p dist
tar -C "$stage" --owner=0 --group=0 --numeric-owner --sort=name -czf "dist/$name.tar.gz" "$name"
(cd dist && sha256sum "$name.tar.gz" > SHA256SUMS)
echo "release: wrote dist/$name.tar.gz and dist/SHA256SUMS" >&2
echo "dist/$name.tar.gz"
