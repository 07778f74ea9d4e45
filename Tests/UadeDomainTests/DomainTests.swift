import Testing
import UadeDomain

@Suite("Languages")
struct LanguageTests {
    @Test func tags() {
        #expect(Language(tag: "kk") == .kk)
        #expect(Language(tag: "kz") == .kk)
        #expect(Language(tag: "ru-RU") == .ru)
        #expect(Language(tag: "EN") == .en)
        #expect(Language(tag: "de") == nil)
    }

    @Test func fallback() {
        let onlyRussian = LocalizedText(kk: nil, ru: "Доступное жильё", en: "Affordable housing")
        #expect(onlyRussian.resolved(.kk) == "Доступное жильё")
        #expect(onlyRussian.resolved(.en) == "Affordable housing")
        let onlyKazakh = LocalizedText(kk: "Қолжетімді тұрғын үй", ru: "", en: nil)
        #expect(onlyKazakh.resolved(.ru) == "Қолжетімді тұрғын үй")
        #expect(onlyKazakh.resolved(.en) == "Қолжетімді тұрғын үй")
        #expect(LocalizedText(kk: nil, ru: nil, en: nil).resolved(.kk) == "")
    }
}

@Suite("Territories")
struct TerritoryTests {
    func territory(_ id: Int64, _ parent: Int64?, _ kind: TerritoryKind, validTo: Day? = nil) -> Territory {
        Territory(
            id: id, kato: nil, kind: kind, parentID: parent, name: LocalizedText(kk: "t\(id)", ru: "t\(id)", en: nil),
            validFrom: Day(iso: "2022-06-08")!, validTo: validTo)
    }

    @Test func kato() {
        #expect(KATOCode("430000000")?.value == "430000000")
        #expect(KATOCode(" 430000000 ")?.value == "430000000")
        #expect(KATOCode("43000000") == nil)
        #expect(KATOCode("43000000a") == nil)
        #expect(KATOCode("٤٣٠٠٠٠٠٠٠") == nil)
    }

    @Test func subtreeAndAncestry() {
        let tree = TerritoryTree([
            territory(1, nil, .republic), territory(2, 1, .region), territory(3, 2, .district),
            territory(4, 2, .city), territory(5, 1, .cityRepublican), territory(6, 5, .cityDistrict),
        ])
        #expect(tree.subtree(of: 2) == [2, 3, 4])
        #expect(tree.subtree(of: 1).count == 6)
        #expect(tree.subtree(of: 3) == [3])
        #expect(tree.ancestry(of: 6) == [6, 5, 1])
        #expect(tree.contains(3, within: 1))
        #expect(!tree.contains(3, within: 5))
        #expect(tree.roots.map(\.id) == [1])
        #expect(tree.find("4")?.id == 4 && tree.find("999999999") == nil && tree.find("x") == nil)
    }

    @Test func validity() {
        let t = territory(1, nil, .republic, validTo: Day(iso: "2024-01-01"))
        #expect(!t.isValid(on: Day(iso: "2022-06-07")!))
        #expect(t.isValid(on: Day(iso: "2022-06-08")!))
        #expect(t.isValid(on: Day(iso: "2023-12-31")!))
        #expect(!t.isValid(on: Day(iso: "2024-01-01")!))
    }

    @Test func allowedChildren() {
        #expect(TerritoryKind.republic.allowedChildren.contains(.region))
        #expect(!TerritoryKind.district.allowedChildren.contains(.region))
    }
}

@Suite("Indicators")
struct IndicatorRuleTests {
    @Test(
        "direction decides whether a value meets its target",
        arguments: [
            (Direction.higherIsBetter, 10.0, 10.0, true),
            (.higherIsBetter, 9.99, 10.0, false),
            (.higherIsBetter, -1.0, -2.0, true),
            (.lowerIsBetter, 0.0, 0.0, true),
            (.lowerIsBetter, 0.1, 0.0, false),
            (.lowerIsBetter, 5.0, 7.0, true),
        ])
    func meets(_ direction: Direction, _ actual: Double, _ target: Double, _ expected: Bool) {
        #expect(direction.meets(actual, target: target) == expected)
    }

    @Test func unitsBoundValues() {
        let percent = MeasurementUnit(code: "percent", name: .init(kk: "%", ru: "%", en: "%"), minimum: 0, maximum: 100)
        #expect(percent.admits(0) && percent.admits(100) && percent.admits(55.5))
        #expect(!percent.admits(100.01) && !percent.admits(-0.1) && !percent.admits(.nan) && !percent.admits(.infinity))
        let money = MeasurementUnit(code: "tenge_mln", name: .init(kk: nil, ru: nil, en: nil), minimum: nil, maximum: nil)
        #expect(money.admits(-5) && !money.admits(.infinity))
    }

    @Test func paging() throws {
        #expect(try PageRequest.validated(limit: nil, offset: nil) == PageRequest(limit: 100, offset: 0))
        #expect(throws: PageRequest.Problem.limitOutOfRange(0)) { try PageRequest.validated(limit: 0, offset: nil) }
        #expect(throws: PageRequest.Problem.limitOutOfRange(1001)) { try PageRequest.validated(limit: 1001, offset: nil) }
        #expect(throws: PageRequest.Problem.negativeOffset(-1)) { try PageRequest.validated(limit: 10, offset: -1) }
    }

    @Test func seededGeneratorIsDeterministic() {
        var a = SeededGenerator(seed: 42)
        var b = SeededGenerator(seed: 42)
        var c = SeededGenerator(seed: 43)
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        #expect(first != (0..<5).map { _ in c.next() })
    }
}
