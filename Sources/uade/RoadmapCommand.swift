import ArgumentParser
import Foundation
import Logging
import PostgresNIO
import UadeDomain
import UadeServices
import UadeStorage

struct RoadmapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roadmap",
        abstract: "A programme's roadmap as its workbook (XLSX): programme, sections, indicators, targets, measures, people, owners.",
        subcommands: [Import.self, Export.self, Approve.self, Calendar.self, Revise.self, Rename.self, Reschedule.self, Revisions.self, Decide.self]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a roadmap workbook (XLSX, or a ZIP of CSV files), as the given account.",
            discussion: """
                The workbook is checked whole: every bad cell is reported by sheet, row, column and reason, and then \
                nothing is written. Otherwise the changes are listed per sheet (new, changed, unchanged, absent) and \
                written in one transaction; importing the same workbook again changes nothing. Absent rows are kept \
                unless --retire-absent is given (docs/roadmaps.md).
                """
        )
        @Argument(help: "The workbook.") var file: String
        @Option(name: .customLong("as"), help: "The account importing: an administrator, or the programme office of the programme's territory.")
        var account: String
        @Flag(help: "Check and list the changes, write nothing.") var dryRun = false
        @Flag(help: "Remove absent targets (those without reported values) and ownerships.") var retireAbsent = false
        @Option(help: "Why the targets of an approved programme change (required when they do).") var reason: String?
        @Option(help: "The day revised targets apply from (YYYY-MM-DD; default today).") var appliesFrom: String?
        @Option(help: "The language the changes are listed in (territories by name): kk, ru or en.") var lang: String = "en"

        func run() async throws {
            guard let language = Language(rawValue: lang) else { throw CommandFailure("--lang must be kk, ru or en, not '\(lang)'") }
            guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("cannot read \(file)") }
            let logger = makeLogger()
            let url = try await DatabaseTarget.resolve(startEmbedded: false, logger: logger)
            let (account, dryRun, retire) = (self.account, self.dryRun, self.retireAbsent)
            var revision = RevisionNote(reason: reason)
            if let appliesFrom {
                guard let day = Day(iso: appliesFrom) else {
                    throw CommandFailure("--applies-from must be a date (YYYY-MM-DD), not '\(appliesFrom)'")
                }
                revision.appliesFrom = day
            }
            let note = revision
            let result = try await Database.withClient(url, logger: logger) { client in
                let caller = try await RoadmapCommand.caller(account, client: client, logger: logger)
                do {
                    return try await RoadmapService(client: client, logger: logger, policies: StoredPolicy(client: client, logger: logger))
                        .importWorkbook(
                            data, by: .caller(caller), dryRun: dryRun, retireAbsent: retire, revision: note,
                            requestID: "cli-roadmap-\(UUID().uuidString.prefix(8))")
                } catch let failure as ServiceFailure {
                    throw CommandFailure(failure)
                }
            }
            if !result.problems.isEmpty {
                for problem in result.problems.prefix(200) { say(problem.description) }
                if result.problems.count > 200 { say("… and \(result.problems.count - 200) more") }
                throw CommandFailure("\(result.problems.count) problem(s); nothing was written")
            }
            for sheet in RoadmapSheet.allCases {
                guard let c = result.changes.counts[sheet] else { continue }
                say("\(sheet.rawValue): new \(c.new), changed \(c.changed), unchanged \(c.unchanged), absent \(c.absent)")
            }
            for line in result.changeLines(in: language, limit: 50) { say("  \(line)") }
            if let outcome = result.outcome, outcome.indicatorsRetired + outcome.measuresRetired + outcome.targetsRetired + outcome.ownersRetired > 0
            {
                say(
                    "retired: \(outcome.indicatorsRetired) indicator(s) and \(outcome.measuresRetired) measure(s) (kept with an end date), "
                        + "\(outcome.targetsRetired) target(s), \(outcome.ownersRetired) ownership(s); \(outcome.targetsKeptForProgress) target(s) kept for their values"
                )
            }
            if let outcome = result.outcome, result.revises {
                say("revisions: \(outcome.revisionsInForce) in force, \(outcome.revisionsPending) waiting for a second person's approval")
            }
            if result.changes.changeCount > 50 { say("  … and \(result.changes.changeCount - 50) more") }
            say(result.written ? "Written." : result.changes.isEmpty ? "Nothing to change." : "Nothing written (dry run).")
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a programme's roadmap workbook, as the given account.",
            discussion: "The workbook opens in Excel and LibreOffice Calc; importing it again changes nothing (docs/roadmaps.md)."
        )
        @Argument(help: "The programme's code.") var programme: String
        @Option(name: .customLong("as"), help: "The account exporting: an administrator, or the programme office of its territory.")
        var account: String
        @Option(name: .shortAndLong, help: "The file to write (default: roadmap-<code>.xlsx).") var output: String?
        @Option(help: "The language of the instructions sheet: kk, ru or en.") var lang: String = "ru"

        func run() async throws {
            guard let language = Language(rawValue: lang) else { throw CommandFailure("--lang must be kk, ru or en, not '\(lang)'") }
            let logger = makeLogger()
            let url = try await DatabaseTarget.resolve(startEmbedded: false, logger: logger)
            let (account, programme) = (self.account, self.programme)
            let file = try await Database.withClient(url, logger: logger) { client in
                let caller = try await RoadmapCommand.caller(account, client: client, logger: logger)
                do {
                    return try await RoadmapService(client: client, logger: logger, policies: StoredPolicy(client: client, logger: logger))
                        .export(programme, by: .caller(caller), language: language)
                } catch let failure as ServiceFailure {
                    throw CommandFailure(failure)
                }
            }
            let path = output ?? file.fileName
            guard FileManager.default.createFile(atPath: path, contents: file.data) else { throw CommandFailure("cannot write \(path)") }
            say("Wrote \(path) (\(file.data.count) bytes).")
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a draft programme: from now on its targets change through revisions (docs/roadmaps.md).")
        @Argument(help: "The programme's code.") var programme: String
        @Option(name: .customLong("as"), help: "An administrator, or the programme office of its territory.") var account: String

        func run() async throws {
            let (account, code) = (self.account, programme)
            let approved = try await RoadmapCommand.withRevisions(account) { service, caller in
                try await service.approve(programme: code, by: .caller(caller), requestID: "cli-approve")
            }
            say("\(approved.code) is \(approved.status.rawValue).")
        }
    }

    struct Calendar: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or set a programme's reporting calendar: when values are due and when periods close for entry (docs/calendar.md).")
        @Argument(help: "The programme's code.") var programme: String
        @Option(help: "Days after a period ends that its values are due (0–366).") var dueDays: Int?
        @Option(help: "Days after that deadline that the period closes for entry (1–366).") var closesDays: Int?
        @Option(name: .customLong("as"), help: "An administrator, or the programme office of its territory (to set it).") var account: String

        func run() async throws {
            let (account, code, change) = (self.account, programme, CalendarChange(valuesDueDays: dueDays, entryClosesDays: closesDays))
            let setting = dueDays != nil || closesDays != nil
            let logger = makeLogger()
            let url = try await DatabaseTarget.resolve(startEmbedded: false, logger: logger)
            let programme = try await Database.withClient(url, logger: logger) { client in
                let caller = try await RoadmapCommand.caller(account, client: client, logger: logger)
                let service = CalendarService(client: client, logger: logger, policies: StoredPolicy(client: client, logger: logger))
                do {
                    return setting
                        ? try await service.setCalendar(programme: code, change, by: .caller(caller), requestID: "cli-calendar")
                        : try await service.programme(code)
                } catch let failure as ServiceFailure {
                    throw CommandFailure(failure)
                }
            }
            say(
                "\(programme.code): values due \(programme.calendar.dueDays) days after a period ends; "
                    + "the period closes for entry \(programme.calendar.closesDays) days after that.")
        }
    }

    struct Revise: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change one target: a draft's is overwritten; an approved programme's becomes a revision.",
            discussion: "A revision that eases a target after its period began waits for a second person's approval."
        )
        @Argument(help: "The indicator's code.") var indicator: String
        @Argument(help: "The territory: a KATO code or an id.") var territory: String
        @Argument(help: "The period: 2025-Q4 or 2025.") var period: String
        @Argument(help: "The new target.") var value: Double
        @Option(help: "Why it changes (required for an approved programme).") var reason: String?
        @Option(help: "The day it applies from (YYYY-MM-DD; default today).") var appliesFrom: String?
        @Option(name: .customLong("as"), help: "An administrator, or the programme office of the programme's territory.") var account: String

        func run() async throws {
            let edit = TargetEdit(
                indicatorCode: indicator, territory: territory, period: period, value: value, reason: reason, appliesFrom: appliesFrom)
            let outcome = try await RoadmapCommand.withRevisions(account) { service, caller in
                try await service.edit(edit, by: .caller(caller), requestID: "cli-revise")
            }
            switch outcome {
            case .overwritten(let old, let new): say("Overwritten (a draft): \(old) → \(new).")
            case .unchanged: say("Nothing to change: the plan says \(value) already.")
            case .withdrawn(let id): say("Revision \(id) withdrawn: \(value) is the target in force.")
            case .revised(let r): say("Revision \(r.id): \(r.oldValue) → \(r.newValue) from \(r.appliesFrom.iso), \(r.status.rawValue).")
            }
        }
    }

    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rename an indicator: a draft's names are overwritten; an approved programme's renaming is a revision in force at once.")
        @Argument(help: "The indicator's code.") var indicator: String
        @Option(help: "The name in Kazakh.") var kk: String
        @Option(help: "The name in Russian.") var ru: String
        @Option(help: "The name in English.") var en: String?
        @Option(help: "Why it changes (required for an approved programme).") var reason: String?
        @Option(name: .customLong("as"), help: "An administrator, or the programme office of the programme's territory.") var account: String

        func run() async throws {
            let edit = NamesEdit(indicatorCode: indicator, names: LocalizedText(kk: kk, ru: ru, en: en), reason: reason)
            let outcome = try await RoadmapCommand.withRevisions(account) { service, caller in
                try await service.rename(edit, by: .caller(caller), requestID: "cli-rename")
            }
            say(RoadmapCommand.describe(outcome))
        }
    }

    struct Reschedule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a measure's deadline: a draft's is overwritten; in an approved programme a postponement waits for a second person.")
        @Argument(help: "The measure's code.") var measure: String
        @Argument(help: "The new deadline (YYYY-MM-DD).") var deadline: String
        @Option(help: "Why it changes (required for an approved programme).") var reason: String?
        @Option(name: .customLong("as"), help: "An administrator, or the programme office of the programme's territory.") var account: String

        func run() async throws {
            let edit = DeadlineEdit(measureCode: measure, deadline: deadline, reason: reason)
            let outcome = try await RoadmapCommand.withRevisions(account) { service, caller in
                try await service.reschedule(edit, by: .caller(caller), requestID: "cli-reschedule")
            }
            say(RoadmapCommand.describe(outcome))
        }
    }

    static func describe(_ outcome: ItemEditOutcome) -> String {
        switch outcome {
        case .overwritten: "Overwritten (a draft)."
        case .unchanged: "Nothing to change: the plan says so already."
        case .withdrawn(let id): "Revision \(id) withdrawn: the deadline in force stays."
        case .revised(let r): "Revision \(r.id) (\(r.change.kind.rawValue)): \(r.status.rawValue)."
        }
    }

    struct Revisions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List revisions of approved targets, newest first.")
        @Flag(help: "Only those waiting for a second person.") var pending = false
        @Option(help: "Only this programme's.") var programme: String?
        @Option(name: .customLong("as"), help: "The account asking.") var account: String

        func run() async throws {
            let (status, programme) = (pending ? RevisionStatus.pending : nil, self.programme)
            let list = try await RoadmapCommand.withRevisions(account) { service, caller in
                try await service.list(status: status, programmeCode: programme, by: caller)
            }
            for r in list {
                say(
                    "\(r.id)\t\(r.status.rawValue)\t\(r.indicatorCode) × \(r.territoryName.resolved(.ru)) × \(r.period.code)\t\(r.oldValue) → \(r.newValue)\t"
                        + "from \(r.appliesFrom.iso)\t\(r.proposedBy ?? "-")\t\(r.reason)")
            }
            let items = try await RoadmapCommand.withRevisions(account) { service, caller in try await service.listItems(status: status, by: caller) }
            for r in items {
                let change =
                    switch r.change {
                    case .names(let old, let new): "\(old.resolved(.ru)) → \(new.resolved(.ru))"
                    case .deadline(let old, let new): "deadline \(old.iso) → \(new.iso)"
                    }
                say("item \(r.id)\t\(r.status.rawValue)\t\(r.subjectCode)\t\(change)\t\(r.proposedBy ?? "-")\t\(r.reason)")
            }
            if list.isEmpty && items.isEmpty { say("No revisions.") }
        }
    }

    struct Decide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve or refuse a pending revision: an administrator or the Bureau member owning its section, not its proposer.")
        @Argument(help: "The revision's id.") var id: Int64
        @Flag(help: "A revision of a deadline (listed as \"item N\"), not of a target.") var item = false
        @Flag(help: "Put it in force.") var approve = false
        @Option(help: "Refuse it, with this reason.") var refuse: String?
        @Option(name: .customLong("as"), help: "The account deciding.") var account: String

        func validate() throws {
            guard approve != (refuse != nil) else { throw ValidationError("give either --approve or --refuse REASON") }
        }

        func run() async throws {
            let (id, approve, reason) = (self.id, self.approve, refuse)
            if item {
                let revision = try await RoadmapCommand.withRevisions(account) { service, caller in
                    try await service.decideItem(id, approve: approve, reason: reason, by: caller, requestID: "cli-decide")
                }
                say("Revision \(revision.id) is \(revision.status.rawValue).")
                return
            }
            let revision = try await RoadmapCommand.withRevisions(account) { service, caller in
                try await service.decide(id, approve: approve, reason: reason, by: caller, requestID: "cli-decide")
            }
            say("Revision \(revision.id) is \(revision.status.rawValue).")
        }
    }

    /// Runs a revision workflow as an account, its refusals as the command's.
    static func withRevisions<T: Sendable>(_ account: String, _ work: @Sendable (RevisionService, Caller) async throws -> T) async throws -> T {
        let logger = makeLogger()
        let url = try await DatabaseTarget.resolve(startEmbedded: false, logger: logger)
        return try await Database.withClient(url, logger: logger) { client in
            let caller = try await caller(account, client: client, logger: logger)
            do {
                return try await work(RevisionService(client: client, logger: logger, policies: StoredPolicy(client: client, logger: logger)), caller)
            } catch let failure as ServiceFailure {
                throw CommandFailure(failure)
            }
        }
    }

    /// The account a command acts as, with its roles and what its person owns today.
    static func caller(_ username: String, client: PostgresClient, logger: Logger) async throws -> Caller {
        let accounts = AccountRepository(client: client, logger: logger)
        guard let record = try await accounts.find(username: username),
            let caller = try await accounts.caller(accountID: record.id, on: Day.todayInKazakhstan())
        else { throw CommandFailure("no active account \(username)") }
        return caller
    }
}
