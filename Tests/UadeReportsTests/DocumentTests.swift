import Foundation
import PostgresNIO
import Testing
import UadeDomain
import UadeHTTP
import UadeReports
import UadeServices
import UadeStorage
import UadeTestSupport
import ZIPFoundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The documents as their readers get them: the DOCX opened by LibreOffice and turned into a
/// PDF, the HTML rendered by Chromium into a PNG kept in `.build/artefacts` (not committed).
/// Both programs come from Debian packages that `scripts/test` installs.
@Suite("Report documents")
struct DocumentTests {
    static let artefacts = TestDatabase.packageRoot.appendingPathComponent(".build/artefacts")

    /// Runs a program to its end; its exit status and output.
    static func run(_ program: String, _ arguments: [String]) async throws -> (Int32, String) {
        let candidates = ["/usr/bin/\(program)", "/usr/local/bin/\(program)"]
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            Issue.record("\(program) is not installed (scripts/test installs libreoffice-writer-nogui, poppler-utils and chromium)")
            return (-1, "")
        }
        // A converter that hangs fails the test (killed: 137) instead of holding the suite.
        let (status, output) = try await ChildProcess.run(path, arguments, timeout: 240)
        return (status, output)
    }

    /// Element names in a part of the DOCX, counted.
    final class ElementCounter: NSObject, XMLParserDelegate {
        var counts: [String: Int] = [:]
        var styles: [String] = []
        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]
        ) {
            counts[name, default: 0] += 1
            if name == "w:pStyle", let style = attributes["w:val"] { styles.append(style) }
        }
    }

    static func part(_ archive: Archive, _ path: String) throws -> Data {
        let entry = try #require(archive[path], "\(path) is missing")
        var data = Data()
        _ = try archive.extract(entry) { data.append($0) }
        return data
    }

    @Test("the DOCX is Office Open XML with headings, repeated table headers and page numbers, and LibreOffice opens it")
    func docxOpensInLibreOffice() async throws {
        let (rendered, report) = try await withTestDatabase(.hearings) { client, _ throws in
            let service = ReportService(client: client, logger: TestDatabase.logger)
            let rendered = try #require(try await service.render(hearingID: 2, format: .docx, language: .ru))
            let hearing = try #require(try await HearingRepository(client: client, logger: TestDatabase.logger).hearing(id: 2))
            let facts = try await ReportRepository(client: client, logger: TestDatabase.logger).facts(for: hearing)
            return (rendered, ReportBuilder.build(facts, language: .ru))
        }
        #expect(rendered.contentType == "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        let archive = try Archive(data: rendered.data, accessMode: .read)
        for path in [
            "[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml", "word/footer1.xml", "word/_rels/document.xml.rels",
        ] {
            #expect(archive[path] != nil, "\(path)")
        }
        let counter = ElementCounter()
        let parser = XMLParser(data: try Self.part(archive, "word/document.xml"))
        parser.delegate = counter
        #expect(parser.parse(), "document.xml is well-formed XML")
        // Cover; part 1's worst shortfalls and summary; one per section, the missed list,
        // scorecards, two measure lists (or a "none" line), the data-quality counts, its rows,
        // unowned items; the report's facts at the end.
        let measureTables = [report.overdueMeasures, report.openResolutions].filter { !$0.isEmpty }.count
        let slippingTables = report.slipping.isEmpty ? 0 : 2
        let expectedTables =
            1 + 1 + report.sections.count + slippingTables + 1 + measureTables + 1
            + (report.dataQuality.rows.isEmpty ? 0 : 1) + (report.dataQuality.unownedBySection.isEmpty ? 0 : 1) + 1
        #expect(counter.counts["w:tbl"] == expectedTables)
        #expect(counter.counts["w:tblHeader"] == expectedTables)
        #expect(counter.styles.filter { $0 == "Heading1" }.count == 8)
        #expect(counter.styles.filter { $0 == "Heading2" }.count >= report.sections.count)
        let footer = String(decoding: try Self.part(archive, "word/footer1.xml"), as: UTF8.self)
        #expect(footer.contains(" PAGE ") && footer.contains(" NUMPAGES "))

        // LibreOffice headless converts it; the PDF carries the title, every section and page numbers.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("uade-docx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let docx = directory.appendingPathComponent(rendered.fileName)
        try rendered.data.write(to: docx)
        let (status, log) = try await Self.run(
            "soffice",
            [
                "-env:UserInstallation=file://\(directory.path)/profile", "--headless", "--norestore",
                "--convert-to", "pdf", "--outdir", directory.path, docx.path,
            ])
        #expect(status == 0, "\(log)")
        let pdf = directory.appendingPathComponent(rendered.fileName.replacingOccurrences(of: ".docx", with: ".pdf"))
        #expect(FileManager.default.fileExists(atPath: pdf.path), "no PDF: \(log)")
        let text = directory.appendingPathComponent("report.txt")
        let (textStatus, textLog) = try await Self.run("pdftotext", ["-layout", pdf.path, text.path])
        #expect(textStatus == 0, "\(textLog)")
        let content = try String(contentsOf: text, encoding: .utf8)
        let flat = content.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flat.contains(report.cover.title))
        for section in report.sections {
            #expect(flat.contains(section.name) && !flat.contains("\(section.code). \(section.name)"), "\(section.code)")
        }
        #expect(flat.contains("Страница 1 из"))
        #expect(flat.contains("3. Недостигнутые показатели и показатели в зоне риска"))
        // The first two pages are the hearing: part 1 whole, and no fingerprint before it ends.
        let secondPageEnds = try #require(flat.range(of: "Страница 2 из"), "a second page").lowerBound
        let briefEnds = try #require(flat.range(of: "Полные списки — в приложениях")).lowerBound
        #expect(flat.range(of: "1. Главное к заслушиванию")!.lowerBound < briefEnds)
        #expect(briefEnds < secondPageEnds, "part 1 fits the first two pages")
        #expect(!flat[..<secondPageEnds].contains(report.cover.fingerprint), "fingerprints are at the end")
        try FileManager.default.createDirectory(at: Self.artefacts, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: Self.artefacts.appendingPathComponent("hearing-kyzylorda-ru.pdf"))
        try FileManager.default.copyItem(at: pdf, to: Self.artefacts.appendingPathComponent("hearing-kyzylorda-ru.pdf"))
    }

    @Test("the Kyzylorda Region hearing rendered by headless Chromium", arguments: [Language.ru, .kk])
    func htmlInChromium(_ language: Language) async throws {
        let rendered = try await withTestDatabase(.hearings) { client, _ throws in
            try #require(try await ReportService(client: client, logger: TestDatabase.logger).render(hearingID: 2, format: .html, language: language))
        }
        try FileManager.default.createDirectory(at: Self.artefacts, withIntermediateDirectories: true)
        let html = Self.artefacts.appendingPathComponent("hearing-kyzylorda-\(language.rawValue).html")
        let png = Self.artefacts.appendingPathComponent("hearing-kyzylorda-\(language.rawValue).png")
        try rendered.data.write(to: html)
        try? FileManager.default.removeItem(at: png)
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("uade-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let (status, log) = try await Self.run(
            "chromium",
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(profile.path)",
                "--window-size=1240,1754", "--screenshot=\(png.path)", html.absoluteString,
            ])
        #expect(status == 0, "\(log)")
        let image = try Data(contentsOf: png)
        #expect(image.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG")
        #expect(image.count > 20_000, "a page with content, not a blank one")
    }
}

/// Texts people wrote reach the documents as they wrote them, but can neither break the XML of a
/// DOCX nor run as a formula when a CSV is opened in a spreadsheet.
@Suite("Hostile texts in documents")
struct HostileTextTests {
    /// Every C0 control but NUL, which no text can hold (refused at the door, and by PostgreSQL).
    static let controls = String(String.UnicodeScalarView((1..<0x20).compactMap { Unicode.Scalar($0) }))

    @Test func everyControlCharacterLeavesTheDOCXWellFormedAndFormulasInert() async throws {
        let (docx, csv) = try await withTestDatabase(.hearings) { client, _ throws in
            try await client.query(
                """
                UPDATE hearings SET title = \("Заслушивание" + Self.controls + "\u{FFFE}\u{FFFF} конец") WHERE id = 2
                """, logger: TestDatabase.logger)
            try await client.query(
                """
                UPDATE flags SET explanation = \("=HYPERLINK(\"http://evil.example\",\"click\")" + Self.controls), explained_at = now()
                 WHERE id IN (SELECT id FROM flags WHERE territory_id IN (SELECT id FROM territories WHERE kato LIKE '43%') ORDER BY id LIMIT 400)
                """, logger: TestDatabase.logger)
            let service = ReportService(client: client, logger: TestDatabase.logger)
            let docx = try #require(try await service.render(hearingID: 2, format: .docx, language: .ru))
            let csv = try #require(try await service.render(hearingID: 2, format: .csv, language: .ru))
            return (docx, csv)
        }
        let archive = try Archive(data: docx.data, accessMode: .read)
        for path in ["word/document.xml", "docProps/core.xml"] {
            let parser = XMLParser(data: try DocumentTests.part(archive, path))
            #expect(parser.parse(), "\(path) is well-formed XML: \(String(describing: parser.parserError))")
        }
        let text = String(decoding: csv.data, as: UTF8.self)
        let table = try CSVTable.parse(text)
        let explanations = table.records.compactMap { record -> String? in
            guard let column = table.column("coordinator_explanation"), column < record.fields.count else { return nil }
            let value = record.fields[column]
            return value.isEmpty ? nil : value
        }
        #expect(!explanations.isEmpty, "the report carries the explanations")
        for value in explanations { #expect(value.hasPrefix("'="), "\(value.prefix(20))") }
        for record in table.records {
            for field in record.fields { #expect(!["=", "+", "@"].contains(field.first ?? " "), "\(field.prefix(20))") }
        }

        // And LibreOffice opens the DOCX.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("uade-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent(docx.fileName)
        try docx.data.write(to: file)
        let (status, log) = try await DocumentTests.run(
            "soffice",
            [
                "-env:UserInstallation=file://\(directory.path)/profile", "--headless", "--norestore",
                "--convert-to", "pdf", "--outdir", directory.path, file.path,
            ])
        #expect(status == 0, "\(log)")
        #expect(
            FileManager.default.fileExists(
                atPath: directory.appendingPathComponent(docx.fileName.replacingOccurrences(of: ".docx", with: ".pdf")).path),
            "LibreOffice refused the file: \(log)")
    }
}
