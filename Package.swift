// swift-tools-version:6.0
import PackageDescription

// The targets follow the pipeline (docs/architecture.md, Sources/VaultformCore/Pipeline.swift):
// the manifest stage knows YAML and nothing of HTTP; VaultAPI is the only code that speaks
// HTTP; VaultformCore resolves the desired state and plans without I/O; VaultformServer runs
// the stages that talk to the server (read, apply, lock, secrets); rendering turns values
// into bytes; the command line wires them together. Leaves (VaultWire, VaultPath,
// VaultformPolicy, VaultformSecrets) hold what several stages share. Each library has a test
// target of its own; IntegrationTests holds the tests that start `bao server -dev`.
let package = Package(
    name: "vaultform",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "vaultform", targets: ["vaultform"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-certificates", exact: "1.21.1"),
        // Already in the graph through swift-crypto; named so VaultformSecrets reads DER with it.
        .package(url: "https://github.com/apple/swift-asn1", exact: "1.7.4"),
    ],
    targets: [
        // ACL policies: parser, comparison by meaning, canonical HCL, evaluation; ExactText.
        .target(name: "VaultformPolicy"),
        // Who can do what: the server's ACL evaluation over the manifest's policies (pure).
        .target(name: "VaultformAccess", dependencies: ["VaultformPolicy", "VaultformManifest", "VaultPath"]),
        // The one check for names that become API path segments and the one mount-path
        // normalisation (MountPath), shared by the manifest, the core, the client and the server stages.
        .target(name: "VaultPath"),
        // Manifest files → Manifest: YAML, shapes and JSON Schema, variables, validation.
        .target(
            name: "VaultformManifest",
            dependencies: ["VaultformPolicy", "VaultPath", .product(name: "Yams", package: "Yams")]
        ),
        // The wire's value types (JSON values, HTTP methods): a leaf, so pure targets need no
        // HTTP client. VaultAPI re-exports it.
        .target(name: "VaultWire"),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // The server client: connection settings, login and token lifecycle, retries and
        // redirects, errors, server status and ServerBehaviour (every Vault/OpenBao difference).
        .target(
            name: "VaultAPI",
            dependencies: ["CCurl", "VaultWire", "VaultPath", .product(name: "Logging", package: "swift-log")]
        ),
        // Addresses, kinds and their definitions, desired and live state, the pure planner
        // (secrets included), plan files and digests, Pipeline.
        .target(
            name: "VaultformCore",
            dependencies: [
                "VaultformManifest", "VaultformPolicy", "VaultformSecrets", "VaultPath", "VaultWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // The stages that talk to the server: reading (LiveReader, SecretReader), applying
        // (Applier, SecretApplier), the apply lock, bootstrap's operator actions, secret IDs.
        .target(
            name: "VaultformServer",
            dependencies: [
                "VaultAPI", "VaultformAccess", "VaultformCore", "VaultformManifest", "VaultformPolicy", "VaultformSecrets", "VaultPath",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Secret values without I/O: checks, coercions, shapes, keyed fingerprints, generators,
        // PEM/DER key inspection.
        .target(
            name: "VaultformSecrets",
            dependencies: [
                "VaultformManifest", "VaultWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // Values → bytes: diagnostics, plans (text, JSON, Markdown), drift reports, export, kinds.md.
        .target(
            name: "VaultformRender",
            dependencies: ["VaultformManifest", "VaultformCore", "VaultformPolicy", "VaultPath", "VaultformAccess", .product(name: "Yams", package: "Yams")]
        ),
        // The command line: a file per subcommand in Commands/, connection options, signals, terminal.
        .executableTarget(
            name: "vaultform",
            dependencies: [
                "VaultformManifest", "VaultformCore", "VaultformRender", "VaultAPI", "VaultformServer", "VaultPath", "VaultformAccess",
                "VaultWire", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "VaultformManifestTests",
            dependencies: ["VaultformManifest", "VaultformCore"],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "VaultformPolicyTests", dependencies: ["VaultformPolicy"]),
        .testTarget(name: "VaultformAccessTests", dependencies: ["VaultformAccess", "VaultformPolicy", "VaultformManifest"]),
        .testTarget(name: "VaultWireTests", dependencies: ["VaultWire"]),
        .testTarget(name: "VaultAPITests", dependencies: ["VaultAPI", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "VaultformCoreTests", dependencies: ["VaultformCore", "VaultformManifest", "VaultformPolicy", "VaultWire", "VaultPath"]),
        .testTarget(
            name: "VaultformRenderTests",
            dependencies: ["VaultformRender", "VaultformManifest", "VaultformCore", "VaultformPolicy", "VaultformAccess"],
            exclude: ["Golden"]
        ),
        .testTarget(
            name: "VaultformSecretsTests",
            dependencies: [
                "VaultformSecrets", "VaultformManifest", "VaultWire", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Fuzz targets (Fuzz/run.sh builds them with libFuzzer; plain builds replay inputs).
        .executableTarget(name: "FuzzManifest", dependencies: ["VaultformManifest", "VaultformPolicy"], path: "Fuzz/FuzzManifest"),
        .executableTarget(name: "FuzzPolicy", dependencies: ["VaultformPolicy"], path: "Fuzz/FuzzPolicy"),
        // Test-only helpers (running child processes without blocking a cooperative thread).
        .target(name: "TestSupport", dependencies: [.product(name: "Logging", package: "swift-log")], path: "Tests/TestSupport"),
        // VaultformServer's types tested without a server (lock decisions, write requests,
        // state permissions); tests that start `bao server -dev` are in IntegrationTests.
        .testTarget(
            name: "VaultformServerTests",
            dependencies: [
                "VaultformServer", "VaultAPI", "VaultformCore", "VaultformManifest", "VaultformPolicy", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "VaultformCLITests",
            dependencies: ["vaultform", "TestSupport"]
        ),
        // Tests against a real `bao server -dev` (DevServer), and the CLI end to end.
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "VaultAPI", "VaultformServer", "VaultformCore", "VaultformManifest", "VaultformPolicy", "VaultformRender", "vaultform",
                "VaultformAccess", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
