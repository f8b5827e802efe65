// swift-tools-version:6.0
import PackageDescription

// The targets follow the pipeline (docs/architecture.md): the manifest stage knows YAML and
// nothing of HTTP, the server client is the only code that speaks HTTP, the core's planner
// does no I/O, rendering turns values into bytes, and the command line wires them together.
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
    ],
    targets: [
        .target(name: "VaultformPolicy"),
        // The one check for names that become API path segments, shared by the manifest and the client.
        .target(name: "VaultPath"),
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
        .target(
            name: "VaultAPI",
            dependencies: ["CCurl", "VaultWire", "VaultPath", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "VaultformCore",
            dependencies: ["VaultformManifest", "VaultformPolicy", "VaultPath", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "VaultformServer",
            dependencies: [
                "VaultAPI", "VaultformCore", "VaultformManifest", "VaultformPolicy", "VaultformSecrets", "VaultPath",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "VaultformSecrets",
            dependencies: [
                "VaultformManifest", "VaultWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "VaultformRender",
            dependencies: ["VaultformManifest", "VaultformCore", "VaultformPolicy", "VaultPath", .product(name: "Yams", package: "Yams")]
        ),
        .executableTarget(
            name: "vaultform",
            dependencies: [
                "VaultformManifest", "VaultformCore", "VaultformRender", "VaultAPI", "VaultformServer", "VaultPath",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "VaultformManifestTests",
            dependencies: ["VaultformManifest"],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "VaultformPolicyTests", dependencies: ["VaultformPolicy"]),
        .testTarget(name: "VaultWireTests", dependencies: ["VaultWire"]),
        .testTarget(name: "VaultAPITests", dependencies: ["VaultAPI", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "VaultformCoreTests", dependencies: ["VaultformCore", "VaultformManifest", "VaultformPolicy", "VaultWire", "VaultPath"]),
        .testTarget(
            name: "VaultformRenderTests",
            dependencies: ["VaultformRender", "VaultformManifest", "VaultformCore", "VaultformPolicy"],
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
            dependencies: ["VaultformServer", "VaultAPI", "VaultformCore", "VaultformManifest", "VaultformPolicy", "TestSupport"]
        ),
        .testTarget(
            name: "VaultformCLITests",
            dependencies: ["vaultform", "TestSupport"]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "VaultAPI", "VaultformServer", "VaultformCore", "VaultformManifest", "VaultformPolicy", "VaultformRender", "vaultform",
                "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
