import Foundation

/// Finds files that ship beside the binary rather than inside it (`schema/`, `docs/`):
/// an explicit directory, the working directory, the build tree above the executable, or the
/// installed copy under `/usr/share/uade`.
public enum ProjectFiles {
    public static func locate(_ relativePath: String, explicitRoot: String? = ProcessInfo.processInfo.environment["UADE_HOME"]) -> URL? {
        var roots: [URL] = []
        if let explicitRoot, !explicitRoot.isEmpty { roots.append(URL(fileURLWithPath: explicitRoot)) }
        roots.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            roots.append(directory)
            directory = directory.deletingLastPathComponent()
        }
        roots.append(URL(fileURLWithPath: "/usr/share/uade"))
        for root in roots {
            let candidate = root.appendingPathComponent(relativePath)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        return nil
    }
}
