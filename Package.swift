// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "uade",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "uade", targets: ["uade"])
    ],
    dependencies: [
        // HTTP server, routing, request contexts, test client.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        // Sessions, bearer/basic authenticators and bcrypt.
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        // Server-rendered pages and printable reports.
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        // PostgreSQL wire protocol, connection pool, COPY, LISTEN.
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        // Already in the graph through postgres-nio: SHA-256 for checksums, fingerprints, token hashes.
        .package(url: "https://github.com/apple/swift-crypto.git", "3.9.0"..<"5.0.0"),
        // Already in the graph through postgres-nio: TLS settings for DATABASE_URL's sslmode.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.25.0"),
        // Already in the graph through hummingbird: header names.
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        // DOCX reports are ZIP packages: writing the archive format ourselves would be the larger dependency.
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        // Already in the graph through hummingbird: long-running work (evaluations) owned by the service group.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        // Pure domain types and rules; no I/O, no server packages.
        .target(
            name: "UadeDomain",
            swiftSettings: swiftSettings
        ),
        // PostgreSQL: configuration, migrations, embedded cluster, repositories, demo data.
        .target(
            name: "UadeStorage",
            dependencies: [
                "UadeDomain",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // The pool's own errors (no connection can be made, the pool is shut down):
                // a 503, not a 500.
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // One evaluation run: facts from the repositories, the pure rules, a frozen snapshot.
        .target(
            name: "UadeEvaluator",
            dependencies: [
                "UadeDomain",
                "UadeStorage",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The demo programme, its history, runs and hearings, and the synthetic national-scale
        // dataset: for `uade demo`, the tests and the benchmarks, never for a real party's data.
        .target(
            name: "UadeDemo",
            dependencies: [
                "UadeDomain",
                "UadeStorage",
                "UadeEvaluator",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        // Hearing reports: the model built from a run's facts, and its HTML, DOCX, CSV and JSON forms.
        .target(
            name: "UadeReports",
            dependencies: [
                "UadeDomain",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),
        // XLSX workbooks read and written as streams (the roadmap workbook): ZIPFoundation and a
        // push parser, no whole sheet in memory.
        .target(
            name: "UadeWorkbook",
            dependencies: [
                "UadeDomain",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),
        // One service per workflow, shared by the API, the pages and the command line: typed
        // inputs, results and failures; authorization by the one access policy. No HTTP here.
        .target(
            name: "UadeServices",
            dependencies: [
                "UadeDomain",
                "UadeStorage",
                "UadeEvaluator",
                "UadeReports",
                "UadeWorkbook",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP application: configuration, context, middleware, routes.
        .target(
            name: "UadeHTTP",
            dependencies: [
                "UadeDomain",
                "UadeStorage",
                "UadeEvaluator",
                "UadeReports",
                "UadeServices",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // Page templates and the stylesheet: served by the application itself.
            resources: [.copy("Web/Resources")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "uade",
            dependencies: [
                "UadeDomain",
                "UadeStorage",
                "UadeEvaluator",
                "UadeHTTP",
                "UadeReports",
                "UadeServices",
                "UadeDemo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test support: a throwaway PostgreSQL cluster and per-test databases cloned from a template.
        .target(
            name: "UadeTestSupport",
            dependencies: [
                "UadeDomain",
                "UadeStorage",
                "UadeEvaluator",
                "UadeDemo",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/UadeTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "UadeWorkbookTests",
            dependencies: [
                "UadeDomain", "UadeWorkbook", "UadeStorage", "UadeTestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "UadeDomainTests",
            dependencies: ["UadeDomain"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "UadeStorageTests",
            dependencies: [
                "UadeDomain",
                "UadeStorage",
                "UadeDemo",
                "UadeTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "UadeEvaluatorTests",
            dependencies: [
                "UadeDomain",
                "UadeStorage",
                "UadeEvaluator",
                "UadeTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "UadeReportsTests",
            dependencies: [
                "UadeDomain",
                "UadeStorage",
                "UadeEvaluator",
                "UadeReports",
                "UadeHTTP",
                "UadeServices",
                "UadeTestSupport",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "UadeHTTPTests",
            dependencies: [
                "UadeDomain",
                "UadeEvaluator",
                "UadeStorage",
                "UadeDemo",
                "UadeHTTP",
                "UadeServices",
                "UadeWorkbook",
                "UadeTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
