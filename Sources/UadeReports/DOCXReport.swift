import Foundation
import UadeDomain
import ZIPFoundation

public enum ReportRenderingError: Error, Sendable {
    case archive(String)
}

/// An Office Open XML document (Word, LibreOffice): real headings, tables whose header rows
/// repeat on every page, and "page N of M" in the footer. Zipped in memory with ZIPFoundation;
/// every entry carries the run's time, so the same report gives the same bytes.
public enum DOCXReport {
    public static func render(_ report: HearingReport, modified: Date) throws -> Data {
        guard let language = Language(rawValue: report.language) else { throw ReportRenderingError.archive("unknown language") }
        let parts: [(String, String)] = [
            ("[Content_Types].xml", contentTypes),
            ("_rels/.rels", rootRelationships),
            ("docProps/core.xml", core(report)),
            ("word/_rels/document.xml.rels", documentRelationships),
            ("word/styles.xml", styles),
            ("word/footer1.xml", footer(language)),
            ("word/document.xml", document(report, language: language)),
        ]
        let archive: Archive
        do {
            archive = try Archive(accessMode: .create)
        } catch {
            throw ReportRenderingError.archive("cannot create an archive in memory: \(error)")
        }
        for (path, text) in parts {
            let data = Data(text.utf8)
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: modified,
                permissions: 0o644, compressionMethod: .deflate
            ) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw ReportRenderingError.archive("the archive has no data") }
        return data
    }

    static func x(_ text: String) -> String { HTML.escape(text) }

    static let contentTypes = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>\
        <Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>\
        <Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>\
        <Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
        </Types>
        """

    static let rootRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>\
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>\
        </Relationships>
        """

    static let documentRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>\
        </Relationships>
        """

    static func core(_ report: HearingReport) -> String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
        xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
        xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\
        <dc:title>\(x(report.cover.title))</dc:title><dc:language>\(report.language)</dc:language>\
        <dc:identifier>\(report.cover.fingerprint)</dc:identifier>\
        <dcterms:created xsi:type="dcterms:W3CDTF">\(report.cover.generatedAt)</dcterms:created>\
        </cp:coreProperties>
        """
    }

    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">\
        <w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="DejaVu Sans" w:hAnsi="DejaVu Sans" w:cs="DejaVu Sans"/><w:sz w:val="20"/><w:lang w:val="ru-RU"/></w:rPr></w:rPrDefault>\
        <w:pPrDefault><w:pPr><w:spacing w:after="80"/></w:pPr></w:pPrDefault></w:docDefaults>\
        <w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>\
        <w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>\
        <w:pPr><w:spacing w:after="240"/></w:pPr><w:rPr><w:b/><w:sz w:val="40"/></w:rPr></w:style>\
        <w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>\
        <w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:color w:val="1D3557"/><w:sz w:val="30"/></w:rPr></w:style>\
        <w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>\
        <w:pPr><w:keepNext/><w:spacing w:before="200" w:after="80"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:sz w:val="24"/></w:rPr></w:style>\
        <w:style w:type="paragraph" w:styleId="Note"><w:name w:val="Note"/><w:basedOn w:val="Normal"/><w:rPr><w:color w:val="444444"/><w:sz w:val="18"/></w:rPr></w:style>\
        <w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblCellMar>\
        <w:left w:w="80" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>\
        <w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:rPr><w:sz w:val="16"/></w:rPr><w:tblPr><w:tblBorders>\
        <w:top w:val="single" w:sz="4" w:color="A0A0A0"/><w:left w:val="single" w:sz="4" w:color="A0A0A0"/><w:bottom w:val="single" w:sz="4" w:color="A0A0A0"/>\
        <w:right w:val="single" w:sz="4" w:color="A0A0A0"/><w:insideH w:val="single" w:sz="4" w:color="A0A0A0"/><w:insideV w:val="single" w:sz="4" w:color="A0A0A0"/>\
        </w:tblBorders></w:tblPr></w:style>\
        </w:styles>
        """

    static func footer(_ language: Language) -> String {
        func field(_ name: String) -> String {
            "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> \(name) </w:instrText></w:r>"
                + "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
        }
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:pPr><w:jc w:val="center"/></w:pPr>\
            <w:r><w:t xml:space="preserve">\(x(Label.page.text(language))) </w:t></w:r>\(field("PAGE"))\
            <w:r><w:t xml:space="preserve"> \(x(Label.of.text(language))) </w:t></w:r>\(field("NUMPAGES"))</w:p></w:ftr>
            """
    }

    static func paragraph(_ text: String, style: String? = nil, pageBreakBefore: Bool = false, bold: Bool = false) -> String {
        var p = "<w:p>"
        if style != nil || pageBreakBefore {
            p += "<w:pPr>" + (style.map { "<w:pStyle w:val=\"\($0)\"/>" } ?? "") + (pageBreakBefore ? "<w:pageBreakBefore/>" : "") + "</w:pPr>"
        }
        return p + "<w:r>" + (bold ? "<w:rPr><w:b/></w:rPr>" : "") + "<w:t xml:space=\"preserve\">\(x(text))</w:t></w:r></w:p>"
    }

    /// A table whose first row repeats on every page; `widths` in percent of the text width.
    static func table(header: [String], rows: [[String]], widths: [Int], numeric: Set<Int> = []) -> String {
        let total = 9_638  // A4 text width in twentieths of a point with the margins below
        let columns = widths.map { total * $0 / 100 }
        var t =
            "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"5000\" w:type=\"pct\"/><w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid>"
        for width in columns { t += "<w:gridCol w:w=\"\(width)\"/>" }
        t += "</w:tblGrid>"
        func cell(_ text: String, _ index: Int, header: Bool) -> String {
            var c =
                "<w:tc><w:tcPr><w:tcW w:w=\"\(columns[index])\" w:type=\"dxa\"/>"
                + (header ? "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"EEF1F5\"/>" : "") + "</w:tcPr><w:p>"
            if numeric.contains(index) && !header { c += "<w:pPr><w:jc w:val=\"right\"/></w:pPr>" }
            c +=
                "<w:r><w:rPr>" + (header ? "<w:b/>" : "")
                + "<w:sz w:val=\"16\"/></w:rPr><w:t xml:space=\"preserve\">\(x(text))</w:t></w:r></w:p></w:tc>"
            return c
        }
        t += "<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>" + header.enumerated().map { cell($1, $0, header: true) }.joined() + "</w:tr>"
        for row in rows {
            t += "<w:tr><w:trPr><w:cantSplit/></w:trPr>" + row.enumerated().map { cell($1, $0, header: false) }.joined() + "</w:tr>"
        }
        return t + "</w:tbl>" + paragraph("")
    }

    static func document(_ report: HearingReport, language: Language) -> String {
        var b = ""
        for part in ReportLayout.parts(report) {
            if let number = part.number {
                // Part 1 follows the short cover on the first page: the hearing starts there.
                b += paragraph("\(number). \(part.title)", style: "Heading1", pageBreakBefore: number != 1)
                for block in part.blocks { b += self.block(block, language: language) }
            } else {
                for block in part.blocks {
                    // The cover: the kind of report, then the title, then its facts.
                    if case .table = block { b += paragraph(part.title, style: "Title") }
                    b += self.block(block, language: language)
                }
            }
        }
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>\(b)\
            <w:sectPr><w:footerReference w:type="default" r:id="rId2"/><w:pgSz w:w="11906" w:h="16838"/>\
            <w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr>\
            </w:body></w:document>
            """
    }

    static func block(_ block: ReportBlock, language: Language) -> String {
        switch block {
        case .heading(let text): return paragraph(text, style: "Heading2")
        case .text(let text): return paragraph(text)
        case .note(let text): return paragraph(text, style: "Note")
        case .numbered(let items): return items.enumerated().map { paragraph("\($0.offset + 1). \($0.element)") }.joined()
        case .statusBars(let statuses):
            // Bars of block characters: a chart a word processor shows without drawing objects.
            let largest = Double(max(1, statuses.map(\.count).max() ?? 1))
            return statuses.map { s in
                let bar = String(repeating: "█", count: Int((Double(s.count) / largest * 30).rounded()))
                return paragraph("\(Charts.style(s.status).sign) \(s.label): \(bar) \(NumberFormat.format(Double(s.count), language))", style: "Note")
            }.joined()
        case .table(let table):
            // A column of charts is left out: a word processor's table cell has no room to draw one,
            // and the HTML version carries it. The other columns share its width.
            let kept = table.columns.indices.filter { index in
                !(!table.rows.isEmpty && table.rows.allSatisfy { if case .trend = $0[index] { true } else { false } })
            }
            let keptWidth = max(1, kept.map { table.columns[$0].width }.reduce(0, +))
            var widths = kept.map { table.columns[$0].width * 100 / keptWidth }
            if let last = widths.indices.last { widths[last] += 100 - widths.reduce(0, +) }
            return self.table(
                header: kept.map { table.columns[$0].title }, rows: table.rows.map { row in kept.map { text(row[$0]) } }, widths: widths,
                numeric: Set(kept.indices.filter { table.columns[kept[$0]].numeric }))
        }
    }

    static func text(_ cell: ReportTable.Cell) -> String {
        switch cell {
        case .text(let text), .label(let text), .number(let text): text
        case .status(let code, let label): code.map { Charts.style($0).sign + " " + (label ?? "") } ?? "—"
        case .trend: ""
        case .annotated(let text, let note): text + (note.map { " " + $0 } ?? "")
        }
    }
}
