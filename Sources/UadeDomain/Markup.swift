/// Text for markup: HTML pages and reports, and the XML of DOCX and XLSX parts.
public enum Markup {
    /// Escapes text for HTML and for XML (DOCX and XLSX parts). Characters XML 1.0 forbids (C0 controls
    /// other than tab, LF and CR; U+FFFE and U+FFFF) become a space: one vertical tab pasted from
    /// Word would otherwise make `document.xml` ill-formed and the whole file unreadable.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\t", "\n", "\r": result.unicodeScalars.append(c)
            case _ where c.value < 0x20 || c.value == 0xFFFE || c.value == 0xFFFF: result += " "
            default: result.unicodeScalars.append(c)
            }
        }
        return result
    }
}
