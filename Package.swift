// swift-tools-version:6.0
import PackageDescription

/// One settings list for every target (STYLE §1.9).
let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "signet",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "signet", targets: ["SignetCLI"]),
        .library(name: "SignetServer", targets: ["SignetServer"]),
        // For the separate Benchmarks/ package, which depends on this one by path.
        .library(name: "SignetDomain", targets: ["SignetDomain"]),
        .library(name: "SignetNotary", targets: ["SignetNotary"]),
        .library(name: "SignetStorage", targets: ["SignetStorage"]),
        .library(name: "SignetWire", targets: ["SignetWire"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // The domain: value types, entities, services, store protocols. No HTTP, no storage library.
        .target(
            name: "SignetDomain",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: settings
        ),
        // Notary Project signatures: payloads, JWS envelopes, the certificate authority, trust policy and verification.
        .target(
            name: "SignetNotary",
            dependencies: [
                "SignetDomain",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: settings
        ),
        // Stores: in-memory actors, SQLite (GRDB) metadata, file-system blobs. No HTTP.
        .target(
            name: "SignetStorage",
            dependencies: ["SignetDomain", "SignetNotary", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: settings
        ),
        // Wire formats: AWS JSON 1.1 / rest-json framing, DTOs, error mapping. Knows HTTPTypes, not Hummingbird.
        .target(
            name: "SignetWire",
            dependencies: [
                "SignetDomain",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: settings
        ),
        // The server: Hummingbird application, controllers, middleware.
        .target(
            name: "SignetServer",
            dependencies: [
                "SignetDomain", "SignetStorage", "SignetWire", "SignetNotary",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: settings
        ),
        .executableTarget(
            name: "SignetCLI",
            dependencies: [
                "SignetServer", "SignetDomain", "SignetNotary", "SignetWire",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: settings
        ),
        .testTarget(name: "SignetDomainTests", dependencies: ["SignetDomain"], swiftSettings: settings),
        .testTarget(name: "SignetNotaryTests", dependencies: ["SignetNotary", "SignetDomain"], swiftSettings: settings),
        .testTarget(
            name: "SignetStorageTests", dependencies: ["SignetStorage", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: settings),
        .testTarget(
            name: "SignetWireTests", dependencies: ["SignetWire", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: settings),
        .testTarget(
            name: "SignetServerTests",
            dependencies: [
                "SignetServer", "SignetStorage", "SignetDomain", "SignetNotary", "SignetWire",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
            ],
            swiftSettings: settings
        ),
        // Replays the recorded HTTP contract (http-tests/**/*.json) and checks openapi.yaml's routes against the router.
        .testTarget(
            name: "SignetContractTests",
            dependencies: [
                "SignetServer", "SignetStorage", "SignetDomain", "SignetWire",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: settings
        ),
        // Drives the real `signet` binary with real clients (aws CLI); built by `swift build` before `swift test`.
        .testTarget(name: "SignetEndToEndTests", swiftSettings: settings),
    ]
)
