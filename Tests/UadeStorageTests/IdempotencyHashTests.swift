import Testing
import UadeStorage

/// A retried write must hash the same; two different writes never may, whatever their texts hold.
@Suite("Idempotency request hashes")
struct IdempotencyHashTests {
    @Test(
        "different writes give different hashes",
        arguments: [
            (["comment": "a|evidence=b", "evidence": nil], ["comment": "a", "evidence": "b"]),
            (["comment": "", "evidence": nil], ["comment": nil, "evidence": ""]),
            (["comment": "1:2", "evidence": nil], ["comment": "1", "evidence": "2"]),
            (["comment": "x", "evidence": "y"], ["comment": "y", "evidence": "x"]),
        ] as [([String: String?], [String: String?])])
    func distinct(_ first: [String: String?], _ second: [String: String?]) {
        #expect(hash(first) != hash(second))
    }

    @Test("the same write gives the same hash, and the kind of write counts")
    func stable() {
        #expect(hash(["comment": "a", "evidence": nil]) == hash(["comment": "a", "evidence": nil]))
        #expect(IdempotencyKey.hash("progress", ["value": "1.0"]) != IdempotencyKey.hash("correction", ["value": "1.0"]))
    }

    func hash(_ fields: [String: String?]) -> String {
        IdempotencyKey.hash("progress", ["comment": fields["comment"] ?? nil, "evidence": fields["evidence"] ?? nil])
    }
}
