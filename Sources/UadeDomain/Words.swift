/// What a person reads for each status, kind and role, in Kazakh, Russian and English: the one
/// table the pages, the reports and the command line take these words from. Each is an
/// exhaustive switch, so a new case without its words does not compile.
///
/// The words are as they stand inside a sentence or a table cell (lower case where the language
/// writes them so); `Words.heading` gives the form that begins a label.
public protocol Worded {
    /// (kk, ru, en)
    var words: (kk: String, ru: String, en: String) { get }
}

extension Worded {
    public func word(_ language: Language) -> String {
        switch language {
        case .kk: words.kk
        case .ru: words.ru
        case .en: words.en
        }
    }

    /// The word as it begins a label or a badge: its first letter upper case.
    public func heading(_ language: Language) -> String {
        let text = word(language)
        return text.prefix(1).uppercased() + text.dropFirst()
    }
}

extension EvaluationStatus: Worded {
    public var words: (kk: String, ru: String, en: String) {
        switch self {
        case .achieved: ("орындалды", "достигнуто", "achieved")
        case .onTrack: ("кестеге сай", "в графике", "on track")
        case .atRisk: ("тәуекелде", "в зоне риска", "at risk")
        case .missed: ("орындалмады", "не достигнуто", "missed")
        case .notReported: ("ұсынылмады", "не представлено", "not reported")
        case .notDue: ("мерзімі келмеген", "срок не наступил", "not due")
        }
    }
}

extension FlagKind: Worded {
    public var words: (kk: String, ru: String, en: String) {
        switch self {
        case .missed: EvaluationStatus.missed.words
        case .notReported: EvaluationStatus.notReported.words
        case .atRisk: EvaluationStatus.atRisk.words
        case .reconciliation: ("сомасы сәйкес келмейді", "расхождение сумм", "sums disagree")
        case .outlier: ("күдікті мән", "подозрительное значение", "outlier")
        case .unowned: ("жауаптысы жоқ", "без ответственного", "unowned")
        case .targetEased:
            ("нысана кезең басталғаннан кейін жеңілдетілді", "цель смягчена после начала периода", "target eased after its period began")
        case .enteredUnderException:
            (
                "мән кезең жабылғаннан кейін ерекше рұқсатпен енгізілді", "значение внесено по исключению после закрытия периода",
                "entered under an exception after the period closed"
            )
        }
    }
}

extension ExceptionStatus: Worded {
    public var words: (kk: String, ru: String, en: String) {
        switch self {
        case .requested: ("сұралды", "запрошено", "requested")
        case .granted: ("рұқсат етілді", "разрешено", "granted")
        case .refused: ("бас тартылды", "отказано", "refused")
        }
    }
}

extension RevisionStatus: Worded {
    public var words: (kk: String, ru: String, en: String) {
        switch self {
        case .pending: ("екінші келісімді күтуде", "ждёт второго согласования", "awaiting a second approval")
        case .inForce: ("күшінде", "действует", "in force")
        case .refused: ("қабылданбады", "отклонён", "refused")
        case .withdrawn: ("кері қайтарылды", "отозван", "withdrawn")
        }
    }
}

extension ProgrammeStatus: Worded {
    public var words: (kk: String, ru: String, en: String) {
        switch self {
        case .draft: ("жоба", "проект", "draft")
        case .approved: ("бекітілген", "утверждена", "approved")
        }
    }
}

extension FlagState: Worded {
    public var words: (kk: String, ru: String, en: String) {
        switch self {
        case .open: ("ашық", "открыт", "open")
        case .explained: ("түсіндірілді", "объяснён", "explained")
        case .resolved: ("шешілді", "снят", "resolved")
        }
    }
}

extension MeasureVerdict: Worded {
    public var words: (kk: String, ru: String, en: String) {
        switch self {
        case .done: ("орындалды", "исполнено", "done")
        case .cancelled: ("болдырылмады", "отменено", "cancelled")
        case .missed: ("мерзімі өтті", "просрочено", "overdue")
        case .atRisk: ("тәуекелде", "под угрозой срыва", "at risk")
        case .inProgress: ("орындалуда", "в работе", "in progress")
        case .notDue: ("мерзімі келмеген", "срок не наступил", "not due")
        }
    }
}

extension MeasureStatus: Worded {
    public var words: (kk: String, ru: String, en: String) {
        switch self {
        case .notStarted: ("басталмады", "не начато", "not started")
        case .inProgress: MeasureVerdict.inProgress.words
        case .done: MeasureVerdict.done.words
        case .cancelled: MeasureVerdict.cancelled.words
        }
    }
}

extension Role: Worded {
    public var words: (kk: String, ru: String, en: String) {
        switch self {
        case .administrator: ("әкімші", "администратор", "administrator")
        // A coordinator of a district, a city or a region alike: the grant says which territory.
        case .coordinator: ("аумақ үйлестірушісі", "координатор территории", "territory coordinator")
        case .bureauMember: ("Бюро мүшесі", "член Бюро", "Bureau member")
        case .councilMember: ("Саяси кеңес мүшесі", "член Политсовета", "Political Council member")
        case .factionStaff: ("фракция қызметкері", "сотрудник фракции", "faction staff")
        case .observer: ("бақылаушы", "наблюдатель", "observer")
        case .programmeOffice: ("бағдарлама кеңсесі", "программный офис", "programme office")
        }
    }
}

extension RunStatus: Worded {
    public var words: (kk: String, ru: String, en: String) {
        switch self {
        case .running: ("орындалуда", "выполняется", "running")
        case .completed: ("аяқталды", "завершена", "completed")
        case .failed: ("сәтсіз аяқталды", "не удалась", "failed")
        }
    }
}

extension DiffChange: Worded {
    public var words: (kk: String, ru: String, en: String) {
        switch self {
        case .newlyMissed: ("орындалмады не ұсынылмады күйіне өтті", "стало «не достигнуто» или «не представлено»", "became missed or not reported")
        case .recovered: ("қалпына келді", "восстановлено", "recovered")
        case .changed: ("өзгерді", "изменилось", "changed")
        }
    }
}

extension HearingStatus: Worded {
    public var words: (kk: String, ru: String, en: String) {
        switch self {
        case .planned: ("жоспарланған", "запланировано", "planned")
        case .held: ("өткізілді", "проведено", "held")
        }
    }
}

extension Faction: Worded {
    public var words: (kk: String, ru: String, en: String) {
        switch self {
        case .mazhilis: ("Мәжілістегі фракция", "фракция в Мажилисе", "Mazhilis faction")
        case .maslikhat: ("Мәслихаттағы фракция", "фракция в маслихате", "maslikhat faction")
        }
    }
}

extension DueStatus: Worded {
    public var words: (kk: String, ru: String, en: String) {
        switch self {
        case .missing: ("толтырылмаған", "не заполнено", "not reported")
        case .reported: ("толтырылған", "заполнено", "reported")
        }
    }
}

/// One row of a roadmap sheet, as a preview of changes names it: "target HOU-01 × …".
public struct RoadmapSheetRow: Worded, Sendable {
    public let sheet: RoadmapSheet

    public var words: (kk: String, ru: String, en: String) {
        switch sheet {
        case .programme: ("бағдарлама", "программа", "programme")
        case .sections: ("бөлім", "раздел", "section")
        case .indicators: ("көрсеткіш", "показатель", "indicator")
        case .targets: ("нысана", "цель", "target")
        case .measures: ("іс-шара", "мероприятие", "measure")
        case .people: ("адам", "человек", "person")
        case .owners: ("жауаптылық", "ответственность", "owner")
        }
    }
}

extension RoadmapSheet {
    public var row: RoadmapSheetRow { RoadmapSheetRow(sheet: self) }
}

extension RoadmapChanges.Kind: Worded {
    public var words: (kk: String, ru: String, en: String) {
        switch self {
        case .new: ("жаңа", "новая строка", "new")
        case .changed: ("өзгерді", "изменена", "changed")
        case .unchanged: ("өзгерген жоқ", "без изменений", "unchanged")
        case .absent: ("жұмыс кітабында жоқ", "нет в книге", "absent from the workbook")
        }
    }
}

extension ReportingCalendar.Standing {
    /// Where a period stands, as a due list says it beside its deadline: «просрочено на 37 дней,
    /// закроется 14.02.2027».
    public func phrase(_ language: Language) -> String {
        switch (self, language) {
        case (.running(let due), .kk): "мерзімі \(due.written(.kk))"
        case (.running(let due), .ru): "срок — \(due.written(.ru))"
        case (.running(let due), .en): "due by \(due.written(.en))"
        case (.due(_, 0), .kk): "мерзімі бүгін"
        case (.due(_, 0), .ru): "срок — сегодня"
        case (.due(_, 0), .en): "due today"
        case (.due(let on, let days), .kk): "мерзімі \(on.written(.kk)), \(days) күн қалды"
        case (.due(let on, let days), .ru): "срок — \(on.written(.ru)), осталось \(Plural.count(days, .day, .ru))"
        case (.due(let on, let days), .en): "due by \(on.written(.en)), in \(Plural.count(days, .day, .en))"
        case (.overdue(let days, let closes), .kk): "мерзімі \(days) күнге өтті, \(closes.written(.kk)) жабылады"
        case (.overdue(let days, let closes), .ru): "просрочено на \(Plural.count(days, .day, .ru)), закроется \(closes.written(.ru))"
        case (.overdue(let days, let closes), .en): "overdue by \(Plural.count(days, .day, .en)), closes on \(closes.written(.en))"
        case (.closed(let since), .kk): "\(since.written(.kk)) бастап енгізуге жабық"
        case (.closed(let since), .ru): "закрыт для ввода с \(since.written(.ru))"
        case (.closed(let since), .en): "closed for entry since \(since.written(.en))"
        }
    }
}
