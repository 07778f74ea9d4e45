import Foundation

/// Runs a program and waits for it alone, with posix_spawn and waitpid. Foundation's `Process`
/// is not used: `pg_ctl start` leaves a server running that inherits the descriptors `Process`
/// watches, and with several programs started at once its wait for one was seen never to end.
public enum ChildProcess {
    /// The exit status (128 + signal when killed) and what the program wrote to stdout and stderr.
    /// With `timeout`, a program still running after that many seconds is killed (status 137):
    /// a hung converter then fails its caller instead of holding it for ever.
    public static func run(_ executable: String, _ arguments: [String], timeout: Double? = nil) throws -> (status: Int32, output: String) {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("uade-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { return (127, "cannot start \(executable): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        if let timeout {
            let deadline = Date().addingTimeInterval(timeout)
            while true {
                let waited = waitpid(pid, &status, WNOHANG)
                if waited == pid || (waited == -1 && errno != EINTR) { break }
                if Date() >= deadline {
                    kill(pid, SIGKILL)
                    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                    break
                }
                usleep(50_000)
            }
        } else {
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        }
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = (status & 0x7f) == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), text)
    }

    /// The same on a thread of its own, so that a long program does not hold a cooperative thread.
    public static func run(_ executable: String, _ arguments: [String], timeout: Double? = nil) async throws -> (status: Int32, output: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try run(executable, arguments, timeout: timeout) }) }.start()
        }
    }
}
