import Foundation
import HTTPTypes
import NIOCore
import Testing
import UadeDomain
import UadeReports
import UadeServices
import UadeStorage
import UadeTestSupport

@testable import UadeHTTP

@Suite struct WebPieceTests {
    @Test func multipartFormsGiveFieldsAndFiles() throws {
        let body =
            "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\ntoken-1\r\n"
            + "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"q3.csv\"\r\nContent-Type: text/csv\r\n\r\n"
            + "indicator_code;value\r\nA-1;--5\r\n\r\n--XyZ--\r\n"
        let form = try WebForm.multipart(ByteBuffer(string: body), boundary: "XyZ")
        #expect(form.string("_csrf") == "token-1")
        let file = try #require(form.files["file"])
        #expect(file.filename == "q3.csv")
        #expect(String(buffer: file.data) == "indicator_code;value\r\nA-1;--5\r\n")
        #expect(WebForm.boundary("multipart/form-data; boundary=\"XyZ\"") == "XyZ")
    }

    @Test func urlencodedFormsDecodeEveryValue() {
        let form = WebForm.urlencoded("value=12%2C5&comment=%D0%BF%D0%BE+%D0%B4%D0%B0%D0%BD%D0%BD%D1%8B%D0%BC&codes=A&codes=B&empty=")
        #expect(form.string("value") == "12,5")
        #expect(form.string("comment") == "по данным")
        #expect(form.all("codes") == ["A", "B"])
        #expect(form.string("empty") == nil)
    }

    @Test func apiFieldNamesLandNextToTheirInputs() {
        let errors = FormErrors(
            APIError(
                .unprocessableContent, kind: .invalidFields, detail: "x",
                fields: [
                    .init(field: "body.value", reason: "must be finite"), .init(field: "body.officials[2].territory", reason: "outside"),
                ]))
        #expect(errors.byField["value"] == "must be finite")
        #expect(errors.byField["officials"] == "outside")
    }

    @Test func onlyLocalPathsAreFollowedAfterLogin() {
        #expect(WebController.safeNext("/due?status=missing") == "/due?status=missing")
        #expect(WebController.safeNext("//evil.example/") == "/")
        #expect(WebController.safeNext("https://evil.example/") == "/")
        #expect(WebController.safeNext(nil) == "/")
    }

    @Test func urlsWithNulOrBrokenUTF8AreRefused() {
        typealias Sanity = InputSanityMiddleware<AppRequestContext>
        #expect(Sanity.isClean("/api/v1/due?territory=430000000&section=%D0%96%D0%9A"))
        #expect(!Sanity.isClean("/api/v1/due?territory=43%00"))
        #expect(!Sanity.isClean("/api/v1/due?territory=%FF%FE"))
        #expect(!Sanity.isClean("/api/v1/due?territory=%4"))
        #expect(!Sanity.isClean("/api/v1/due?territory=%zz"))
    }

    @Test func jsonBodiesKeepTheirTypes() throws {
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(#"{"a":true,"b":1,"c":"x ","d":null,"e":[0,false],"f":2.5}"#.utf8)))
        guard case .object(let object) = JSONBody.JSONValue(parsed) else {
            Issue.record("not an object")
            return
        }
        let body = JSONBody(object: object, raw: ByteBuffer())
        var problems: [FieldProblem] = []
        #expect(body.number("b", problems: &problems) == 1 && body.number("f", problems: &problems) == 2.5)
        #expect(body.string("c", problems: &problems) == "x")
        #expect(body.string("b", problems: &problems) == "1")
        #expect(body.string("d", required: true, problems: &problems) == nil)
        _ = body.number("a", problems: &problems)
        #expect(problems.map(\.field) == ["body.d", "body.a"], "a boolean is not a number")
        if case .array(let items) = object["e"] { #expect(items.count == 2) } else { Issue.record("e is not an array") }
        #expect(" \n".trimmedOfWhitespace.isEmpty && "  é x \t".trimmedOfWhitespace == "é x")
    }

    /// The hand-written "due" list is the document JSONEncoder would give.
    @Test func dueListsWriteWhatTheEncoderWould() throws {
        func item(_ name: String, latest: (Double, Int64, Date)?, kato: String?, target: Double) -> DueItem {
            DueItem(
                indicatorCode: "HOU-01", indicatorID: 3, indicatorName: name, sectionCode: "HOUSING", unit: "m²", direction: .higherIsBetter,
                accumulation: .cumulative, territoryID: 22, territoryKato: kato, territoryName: "Қызылорда облысы", period: Period(code: "2026-Q3")!,
                target: target, latestValue: latest?.0, latestEntryID: latest?.1, latestEnteredAt: latest?.2)
        }
        let items = [
            item(
                "Тұрғын үй \"жаңа\" \\ line\nbreak\u{1}", latest: (41, 7, Date(timeIntervalSince1970: 1_795_000_123.9)), kato: "431010000",
                target: 2.5),
            item("plain", latest: nil, kato: nil, target: -1e20),
            item("small", latest: (0.1 + 0.2, 9, Date(timeIntervalSince1970: -86_399)), kato: "431010000", target: 1234567.125),
            item("large", latest: (-7, 9_007_199_254_740_000, Date(timeIntervalSince1970: 4_102_444_799)), kato: nil, target: 0),
        ]
        let today = Day(iso: "2026-11-21")!
        let written = DueList(items: items, total: 3, limit: 50, offset: 0, today: today).json()
        let encoded = try AppRequestContext.encoder.encode(
            ListDTO(items: items.map { DueItemDTO($0, today: today) }, total: 3, limit: 50, offset: 0))
        let ours = try #require(try JSONSerialization.jsonObject(with: Data(written)) as? NSDictionary)
        let theirs = try #require(try JSONSerialization.jsonObject(with: encoded) as? NSDictionary)
        #expect(ours == theirs)
    }

    /// A client learns every code a problem document can carry from the OpenAPI document.
    @Test func everyProblemCodeIsDocumented() throws {
        let document = try String(contentsOf: TestDatabase.packageRoot.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        for code in ProblemCode.allCases { #expect(document.contains("`\(code.rawValue)`"), "\(code.rawValue)") }
    }

    /// Every `{{t.key}}` in a template has a label in Kazakh, Russian and English.
    @Test func everyLabelATemplateUsesIsTranslated() throws {
        let folder = try #require(PageRenderer.resources).appendingPathComponent("templates")
        var used = Set<String>()
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            var rest = Substring(text)
            while let range = rest.range(of: "{{t.") {
                let tail = rest[range.upperBound...]
                let key = tail.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                used.insert(String(key))
                rest = tail
            }
        }
        #expect(used.count > 50)
        for key in used.sorted() {
            for language in Language.allCases {
                let text = try #require(WebText.labels(language)[key], "no label \(key) in \(language)")
                #expect(!text.isEmpty, "label \(key) is empty in \(language)")
            }
        }
        // The templates parse.
        _ = try PageRenderer()
    }
}

@Suite("Pages and reports use the same words")
struct SameWordsTests {
    @Test func statusesFlagKindsAndRolesOnThePagesComeFromTheOneTable() {
        for language in Language.allCases {
            let t = WebText.labels(language)
            for status in EvaluationStatus.allCases { #expect(t["status_\(status.rawValue)"] == status.heading(language)) }
            for kind in FlagKind.allCases { #expect(t["flag_\(kind.rawValue)"] == kind.heading(language)) }
            for role in Role.allCases { #expect(t["role_\(role.rawValue)"] == role.heading(language)) }
        }
        // The disagreement the two tables had: missed is «не достигнуто» on a page and in a report.
        #expect(WebText.labels(.ru)["status_missed"] == "Не достигнуто")
        #expect(Label.summary.text(.ru) == "Сводка")
    }
}

@Suite("Labels the page code names")
struct PageCodeLabelTests {
    /// Every `text("key", …)` and `t.text("key")` in the page code has its label in all three languages.
    @Test func everyLabelThePageCodeNamesIsTranslated() throws {
        let web = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/UadeHTTP/Web").standardized
        var used = Set<String>()
        for name in try FileManager.default.contentsOfDirectory(atPath: web.path) where name.hasSuffix(".swift") {
            let code = try String(contentsOf: web.appendingPathComponent(name), encoding: .utf8)
            for match in code.matches(of: /(?:[\s(\[]|\bt\.)text\("([a-z_]+)"/) { used.insert(String(match.1)) }
        }
        #expect(used.count > 20)
        for key in used.sorted() {
            for language in Language.allCases { #expect(WebText.labels(language)[key] != nil, "no label \(key) in \(language)") }
        }
    }
}

@Suite("Refusals in words")
struct RefusalWordsTests {
    /// Every refusal the access policy can give has its words in the three languages.
    @Test func everyRefusalOfThePolicyIsWorded() throws {
        let access = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/UadeDomain/Access")
            .standardized
        var reasons = Set<String>()
        for name in try FileManager.default.contentsOfDirectory(atPath: access.path) where name.hasSuffix(".swift") {
            let code = try String(contentsOf: access.appendingPathComponent(name), encoding: .utf8)
            for match in code.matches(of: /\.deny\("([^"\\]+)"\)/) { reasons.insert(String(match.1)) }
        }
        #expect(reasons.count >= 5)
        for reason in reasons.sorted() { #expect(RefusalWords.words(for: reason) != nil, "no words for \(reason)") }
        #expect(
            RefusalWords.words(for: "query.territory: outside the territories this account may read")?.ru
                == "Вне территорий, доступных этой учётной записи.")
    }
}
