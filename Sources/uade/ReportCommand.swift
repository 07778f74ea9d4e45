import ArgumentParser
import Foundation
import Logging
import UadeDomain
import UadeReports
import UadeServices
import UadeStorage

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Generate reports.",
        subcommands: [HearingReportCommand.self]
    )
}

extension ReportFormat: ExpressibleByArgument {}
extension Language: ExpressibleByArgument {}

struct HearingReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hearing",
        abstract: "Write a hearing's accountability report (HTML, DOCX, CSV or JSON) in Kazakh, Russian or English.",
        discussion: """
            The report is read from the hearing's frozen evaluation run: the same hearing and run give the same \
            bytes, and the fingerprint printed (also on the cover) is a SHA-256 of the report's data.
            """
    )

    @Option(help: "The hearing's id.")
    var id: Int64

    @Option(help: "html, docx, csv or json.")
    var format: ReportFormat = .html

    @Option(help: "kk, ru or en.")
    var lang: Language = .ru

    @Option(name: .shortAndLong, help: "The file to write (default: hearing-ID-LANG.FORMAT in the current directory; - for standard output).")
    var output: String?

    func run() async throws {
        let logger = makeLogger()
        let url = try await DatabaseTarget.resolve(startEmbedded: false, logger: logger)
        let (id, format, lang) = (self.id, self.format, self.lang)
        let rendered = try await Database.withClient(url, logger: logger) { client in
            try await ReportService(client: client, logger: logger).render(hearingID: id, format: format, language: lang)
        }
        guard let rendered else { throw CommandFailure("no hearing \(id)") }
        let path = output ?? rendered.fileName
        if path == "-" {
            FileHandle.standardOutput.write(rendered.data)
            return
        }
        try rendered.data.write(to: URL(fileURLWithPath: path))
        say("Wrote \(path) (\(rendered.data.count) bytes, fingerprint \(rendered.fingerprint))")
    }
}
