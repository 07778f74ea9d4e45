import UadeDomain

extension PageRequest {
    /// A list's page with the list's total. Lists count with `count(*) OVER ()`, which rides on
    /// the page's rows: past the end there is no row to carry it, and the total read 0. Then the
    /// first row is read again for the real total.
    func listing<Item>(_ fetch: (PageRequest) async throws -> (items: [Item], total: Int)) async throws -> (items: [Item], total: Int) {
        let found = try await fetch(self)
        guard found.items.isEmpty, offset > 0 else { return found }
        return (found.items, try await fetch(PageRequest(limit: 1, offset: 0)).total)
    }

    func listing<Item, Extra>(_ fetch: (PageRequest) async throws -> (items: [Item], total: Int, counts: Extra)) async throws
        -> (items: [Item], total: Int, counts: Extra)
    {
        let found = try await fetch(self)
        guard found.items.isEmpty, offset > 0 else { return found }
        let first = try await fetch(PageRequest(limit: 1, offset: 0))
        return (found.items, first.total, first.counts)
    }
}
