// swift-tools-version:5.9
// The Swift package of imcloud: `import imcloud` (the typed clients) over `ImcloudFFI` (the UniFFI
// glue) over `ImcloudFFIFFI` (the Rust core, a binary target: an XCFramework of static libraries).
//
// From a clone (macOS): `scripts/build-xcframework.sh` builds the XCFramework and generates the glue
// into bindings-uniffi/swift/, then `swift build`. A release (.github/workflows/release.yml) builds the
// same XCFramework on macOS runners, zips it, attaches it to the GitHub release and sets
// IMCLOUD_XCFRAMEWORK_URL / _CHECKSUM below in the tagged commit's Package.swift, so that
// `.package(url: "https://github.com/imcloud/imcloud", from: "0.1.0")` needs no Rust toolchain.
//
// Not compiled on the machines this repository is developed on (Linux without Swift): there the
// Swift surface is checked textually (scripts/check-swift.sh). XCFrameworks are Apple-only; server
// Swift on Linux would link the static library from the release's Linux archive instead (not done yet).
import PackageDescription

let releaseURL: String? = nil       // IMCLOUD_XCFRAMEWORK_URL (set by the release workflow)
let releaseChecksum: String? = nil  // IMCLOUD_XCFRAMEWORK_CHECKSUM (set by the release workflow)

let core: Target = {
    if let url = releaseURL, let checksum = releaseChecksum {
        return .binaryTarget(name: "ImcloudFFIFFI", url: url, checksum: checksum)
    }
    return .binaryTarget(name: "ImcloudFFIFFI", path: "bindings-uniffi/swift/build/ImcloudFFIFFI.xcframework")
}()

let package = Package(
    name: "imcloud",
    platforms: [.macOS(.v12), .iOS(.v15)],
    products: [
        .library(name: "imcloud", targets: ["imcloud"]),
    ],
    targets: [
        core,
        .target(
            name: "ImcloudFFI",
            dependencies: ["ImcloudFFIFFI"],
            path: "bindings-uniffi/swift/generated",
            exclude: ["ImcloudFFIFFI.h", "ImcloudFFIFFI.modulemap"],
            sources: ["ImcloudFFI.swift"]
        ),
        .target(
            name: "imcloud",
            dependencies: ["ImcloudFFI"],
            path: "bindings-uniffi/swift/Imcloud"
        ),
    ]
)
