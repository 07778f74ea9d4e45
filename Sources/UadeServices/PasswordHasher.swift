import HummingbirdBcrypt
import NIOPosix

/// bcrypt, run on NIO's thread pool: it is slow on purpose and must not block the cooperative pool.
public struct PasswordHasher: Sendable {
    public let cost: UInt8

    public init(cost: UInt8 = 12) {
        self.cost = cost
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, against hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// Compared against when the username is unknown, so that the answer takes as long.
    public static let decoy = Bcrypt.hash("decoy password that never matches", cost: 12)

    /// Rules for a new password.
    public static func problem(with password: String, username: String) -> String? {
        if password.count < 10 { return "must be at least 10 characters" }
        if password.lowercased() == username.lowercased() { return "must not be the username" }
        if password.count > 72 { return "must be at most 72 characters (bcrypt reads no further)" }
        return nil
    }
}
