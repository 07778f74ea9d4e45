import HummingbirdBcrypt
import NIOPosix
import UadeDomain

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
        problemWords(with: password, username: username)?.en
    }

    /// The same in the three languages, for the pages.
    public static func problemWords(with password: String, username: String) -> LocalizedText? {
        if password.count < 10 {
            return LocalizedText(kk: "кемінде 10 таңба болуы керек", ru: "не короче 10 символов", en: "must be at least 10 characters")
        }
        if password.lowercased() == username.lowercased() {
            return LocalizedText(
                kk: "пайдаланушы атымен бірдей болмауы керек", ru: "не должен совпадать с именем пользователя", en: "must not be the username")
        }
        if password.count > 72 {
            return LocalizedText(
                kk: "ең көбі 72 таңба болуы керек", ru: "не длиннее 72 символов", en: "must be at most 72 characters (bcrypt reads no further)")
        }
        return nil
    }

    /// A password's problem as a field problem, worded for the pages.
    public static func fieldProblem(_ field: String, password: String, username: String) -> FieldProblem? {
        problemWords(with: password, username: username).map { FieldProblem(field: field, reason: $0.en ?? "", words: $0) }
    }
}
