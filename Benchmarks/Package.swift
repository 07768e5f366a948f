// swift-tools-version: 6.1
// Micro-benchmarks of Signet's hot paths, with ordo-one/benchmark:
//
//     cd Benchmarks && swift package benchmark
//
// A package of its own, so the root package (and its CI) never builds it or resolves its dependencies.
// It uses the root package's library products through the path dependency below.
import PackageDescription

let package = Package(
    name: "SignetBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "signet", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    ],
    targets: [
        // The plugin finds benchmark targets under Benchmarks/<target name>/.
        .executableTarget(
            name: "SignetMicro",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SignetDomain", package: "signet"),
                .product(name: "SignetNotary", package: "signet"),
                .product(name: "SignetStorage", package: "signet"),
                .product(name: "SignetWire", package: "signet"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Benchmarks/SignetMicro",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
