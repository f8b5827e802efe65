# The two commands README.md promises: `make demo` and `make test`. Each installs what is
# missing first, so they work on a fresh Debian machine with the Swift toolchain.
SWIFT ?= swift
BUILD_FLAGS ?=

.PHONY: deps build test demo schema clean-demo

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

# Unit tests (no server) and integration tests (each starts its own `bao server -dev`).
test: deps
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build $(BUILD_FLAGS)

# Validates the HoodCloud manifest for each environment, then starts a local OpenBao dev
# server on a free loopback port, shows it is reachable with `vaultform status`, and stops it.
demo: build
	@bash scripts/demo.sh

# Regenerates the committed JSON Schema after a change to the manifest language.
schema: build
	$(SWIFT) run vaultform schema --output schema/vaultform.schema.json
