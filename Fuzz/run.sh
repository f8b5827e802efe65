#!/usr/bin/env bash
# Fuzzes the manifest loader and the policy parser/renderer with libFuzzer for a bounded
# time each (default 60 s; FUZZ_SECONDS=600 for longer), starting from the committed seed
# corpus. A crash leaves a crash-* file here: replay it with the plain build
# (swift run FuzzManifest FILE) and add it as a regression test.
#   bash Fuzz/run.sh            # both targets
#   bash Fuzz/run.sh policy     # one
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"
targets=("${@:-manifest policy}")
# Seeds: the committed corpus plus the repository's own manifests, fixtures and policies.
declare -A seeds=(
    [manifest]="Fuzz/corpus/manifest manifests/hoodcloud examples Tests/VaultformManifestTests/Fixtures/invalid Tests/VaultformManifestTests/Fixtures/valid"
    [policy]="Fuzz/corpus/policy manifests/hoodcloud/policies"
)
build=.build-fuzz
for target in ${targets[@]}; do
    product="Fuzz$(tr '[:lower:]' '[:upper:]' <<< "${target:0:1}")${target:1}"
    swift build -c release --product "$product" --build-path "$build" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING 2>&1 | tail -1
    work="$build/corpus-$target"
    mkdir -p "$work"
    echo "fuzzing $product for ${seconds}s (corpus Fuzz/corpus/$target, new inputs in $work)"
    # Leak detection is off: the Swift runtime's caches (type metadata, Foundation) are never
    # freed by design and would be reported at exit as leaks of the empty input.
    ASAN_OPTIONS=detect_leaks=0 "$build/release/$product" -max_total_time="$seconds" -print_final_stats=1 -detect_leaks=0 -artifact_prefix=Fuzz/ \
        "$work" ${seeds[$target]} 2>&1 | grep -E "^(#[0-9]+.*(DONE|pulse)|stat::|==[0-9]+==|SUMMARY|artifact)" | tail -8 || true
    if ls Fuzz/crash-* Fuzz/timeout-* >/dev/null 2>&1; then echo "fuzz: $product found a crash (Fuzz/crash-*)"; exit 1; fi
done
