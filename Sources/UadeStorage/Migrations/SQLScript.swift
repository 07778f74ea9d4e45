/// Splits a SQL script into single statements, because PostgresNIO's extended protocol runs
/// one statement per query.
///
/// Understands what can hide a semicolon: quoted strings (`'…'`, `E'…'`), quoted identifiers,
/// dollar-quoted bodies (`$$…$$`, `$fn$…$fn$`), line and nested block comments.
public enum SQLScript {
    public static func statements(in script: String) -> [String] {
        let chars = Array(script.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0
        var hasContent = false

        func flush() {
            let text = String(current).trimmingCharacters()
            if hasContent, !text.isEmpty { statements.append(text) }
            current = String.UnicodeScalarView()
            hasContent = false
        }

        func peek(_ offset: Int) -> Unicode.Scalar? {
            index + offset < chars.count ? chars[index + offset] : nil
        }

        while index < chars.count {
            let c = chars[index]
            switch c {
            case "-" where peek(1) == "-":
                while index < chars.count, chars[index] != "\n" { index += 1 }
                continue
            case "/" where peek(1) == "*":
                var depth = 0
                while index < chars.count {
                    if chars[index] == "/", peek(1) == "*" {
                        depth += 1
                        index += 2
                        continue
                    }
                    if chars[index] == "*", peek(1) == "/" {
                        depth -= 1
                        index += 2
                        if depth == 0 { break }
                        continue
                    }
                    index += 1
                }
                current.append(" ")
                continue
            case "'", "\"":
                let quote = c
                current.append(c)
                index += 1
                hasContent = true
                while index < chars.count {
                    let d = chars[index]
                    current.append(d)
                    index += 1
                    if d == quote {
                        if index < chars.count, chars[index] == quote {
                            current.append(chars[index])
                            index += 1
                            continue
                        }
                        break
                    }
                    // E'…' strings escape with a backslash; copying the escaped scalar is enough.
                    if d == "\\", quote == "'", index < chars.count {
                        current.append(chars[index])
                        index += 1
                    }
                }
                continue
            case "$":
                if let tag = dollarTag(chars, at: index) {
                    let tagScalars = Array(tag.unicodeScalars)
                    for s in tagScalars { current.append(s) }
                    index += tagScalars.count
                    hasContent = true
                    while index < chars.count {
                        if chars[index] == "$", matches(chars, at: index, tagScalars) {
                            for s in tagScalars { current.append(s) }
                            index += tagScalars.count
                            break
                        }
                        current.append(chars[index])
                        index += 1
                    }
                    continue
                }
            case ";":
                flush()
                index += 1
                continue
            default:
                break
            }
            if !c.properties.isWhitespace { hasContent = true }
            current.append(c)
            index += 1
        }
        flush()
        return statements
    }

    /// `$tag$` starting at `index`, if the text there opens a dollar-quoted string.
    private static func dollarTag(_ chars: [Unicode.Scalar], at index: Int) -> String? {
        // A positional parameter ($1) is not a tag; neither is a `$` inside an identifier.
        if index > 0 {
            let prev = chars[index - 1]
            if prev.properties.isAlphabetic || ("0"..."9").contains(prev) || prev == "_" { return nil }
        }
        var end = index + 1
        while end < chars.count {
            let c = chars[end]
            if c == "$" {
                return String(String.UnicodeScalarView(chars[index...end]))
            }
            let isTagChar = c.properties.isAlphabetic || c == "_" || (end > index + 1 && ("0"..."9").contains(c))
            if !isTagChar { return nil }
            end += 1
        }
        return nil
    }

    private static func matches(_ chars: [Unicode.Scalar], at index: Int, _ tag: [Unicode.Scalar]) -> Bool {
        guard index + tag.count <= chars.count else { return false }
        for (offset, scalar) in tag.enumerated() where chars[index + offset] != scalar { return false }
        return true
    }
}

extension String {
    func trimmingCharacters() -> String {
        var view = Substring(self)
        while let f = view.first, f.isWhitespace { view.removeFirst() }
        while let l = view.last, l.isWhitespace { view.removeLast() }
        return String(view)
    }
}
