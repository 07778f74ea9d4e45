import UadeDomain

/// Every fixed text of a hearing report, in Kazakh, Russian and English. Renderers take their
/// words from here only, so a missing translation is a compile error rather than a gap on paper.
public enum Label: String, CaseIterable, Sendable {
    case reportKind, faction, factionMazhilis, factionMaslikhat, hearingDate, hearingStatus, planned, held
    case scope, depthNote, sections, sectionsAll, sectionsSensitive, sectionsChosen, asOf, run, programme, generated, fingerprint
    case runFingerprint, partFor
    case summary, status, count, share, previous, change, total, comparedWithHearing, comparedWithRun, noComparison
    case bySection, bureauMember, noBureauMember, indicator, unit, atTerritory, acrossTerritories, trend
    case slipping, slippingNote, territory, period, target, actual, gap, gapPercent, councilMember, explanation, coordinatorExplanation,
        nothingSlipping
    case scorecards, owner, role, itemsOwned, achievedCount, missedCount, notReportedCount, atRiskCount, shareAchieved, scorecardFormula
    case roleBureau, roleCouncil
    case measures, overdueMeasures, openResolutions, measure, deadline, executor, verdict, adoptedAt, notJudgedYet, noneFound
    case dataQuality, notReportedItems, reconciliationFlags, outlierFlags, unownedItems, kind, itemsWithoutCouncilMember, sectionWithoutBureauMember
    case questions, questionsNote, andMore, noOfficials, noMissedItems
    case page, of, contents, legend
    case statusAchieved, statusOnTrack, statusAtRisk, statusMissed, statusNotReported, statusNotDue
    case verdictDone, verdictCancelled, verdictMissed, verdictAtRisk, verdictInProgress, verdictNotDue

    public func text(_ language: Language) -> String {
        let t = Self.table[self]!
        switch language {
        case .kk: return t.0
        case .ru: return t.1
        case .en: return t.2
        }
    }

    // (kk, ru, en)
    static let table: [Label: (String, String, String)] = [
        .reportKind: ("Фракция тыңдауына арналған есеп", "Отчёт к заслушиванию фракции", "Report for the faction hearing"),
        .faction: ("Фракция", "Фракция", "Faction"),
        .factionMazhilis: ("Мәжілістегі фракция", "Фракция в Мажилисе", "Mazhilis faction"),
        .factionMaslikhat: ("Мәслихаттағы фракция", "Фракция в маслихате", "Maslikhat faction"),
        .hearingDate: ("Тыңдау күні", "Дата заслушивания", "Hearing date"),
        .hearingStatus: ("Тыңдау мәртебесі", "Статус заслушивания", "Hearing status"),
        .planned: ("жоспарланған", "запланировано", "planned"),
        .held: ("өткізілді", "проведено", "held"),
        .scope: ("Аумақ", "Территория", "Territory"),
        .depthNote: ("және төмен деңгейлер", "и нижестоящие уровни", "and levels below"),
        .sections: ("Бөлімдер", "Разделы", "Sections"),
        .sectionsAll: ("барлық бөлімдер", "все разделы", "all sections"),
        .sectionsSensitive: ("әлеуметтік маңызды бөлімдер", "социально значимые разделы", "socially sensitive sections"),
        .sectionsChosen: ("таңдалған бөлімдер", "выбранные разделы", "chosen sections"),
        .asOf: ("Бағалау күні", "Дата оценки", "As of"),
        .run: ("Бағалау", "Оценка", "Evaluation run"),
        .programme: ("Бағдарлама", "Программа", "Programme"),
        .generated: ("Деректер қалыптасқан уақыт", "Данные сформированы", "Data as generated"),
        .fingerprint: ("Есеп деректерінің хэші", "Хэш данных отчёта", "Fingerprint of the report's data"),
        .runFingerprint: ("Бағалау хэші", "Хэш оценки", "Fingerprint of the run"),
        .partFor: ("Бөлімдер бойынша бөлігі", "Часть по разделам", "Part for the sections"),
        .summary: ("Қорытынды", "Сводка", "Summary"),
        .status: ("Мәртебе", "Статус", "Status"),
        .count: ("Саны", "Количество", "Count"),
        .share: ("Үлесі", "Доля", "Share"),
        .previous: ("Бұрын", "Ранее", "Before"),
        .change: ("Өзгеріс", "Изменение", "Change"),
        .total: ("Барлығы", "Всего", "Total"),
        .comparedWithHearing: ("Алдыңғы тыңдаумен салыстыру", "Сравнение с предыдущим заслушиванием", "Compared with the previous hearing"),
        .comparedWithRun: ("Алдыңғы бағалаумен салыстыру", "Сравнение с предыдущей оценкой", "Compared with the previous run"),
        .noComparison: (
            "Салыстыратын алдыңғы тыңдау немесе бағалау жоқ.", "Нет предыдущего заслушивания или оценки для сравнения.",
            "There is no earlier hearing or run to compare with."
        ),
        .bySection: ("Бөлімдер бойынша", "По разделам", "By section"),
        .bureauMember: ("Бюро мүшесі", "Член Бюро", "Bureau member"),
        .noBureauMember: ("Бюро мүшесі тағайындалмаған", "Член Бюро не назначен", "No Bureau member assigned"),
        .indicator: ("Көрсеткіш", "Показатель", "Indicator"),
        .unit: ("Өлшем бірлігі", "Единица", "Unit"),
        .atTerritory: ("Аумақтағы мәртебе", "Статус по территории", "Status for the territory"),
        .acrossTerritories: ("Аумақтар бойынша", "По территориям", "Across territories"),
        .trend: ("Серпін", "Динамика", "Trend"),
        .slipping: ("Орындалмаған және тәуекел аймағындағы көрсеткіштер", "Недостигнутые показатели и показатели в зоне риска", "Missed and at risk"),
        .slippingNote: (
            "Ең нашарлары бірінші: алдымен орындалмағандар, сосын тәуекелдегілер, артта қалу пайызы бойынша.",
            "Сначала худшие: недостигнутые, затем в зоне риска, по величине отставания в процентах.",
            "Worst first: missed, then at risk, each by the size of the gap in percent."
        ),
        .territory: ("Аумақ", "Территория", "Territory"),
        .period: ("Кезең", "Период", "Period"),
        .target: ("Мақсат", "Цель", "Target"),
        .actual: ("Нақты", "Факт", "Actual"),
        .gap: ("Артта қалу", "Отставание", "Gap"),
        .gapPercent: ("Артта қалу, %", "Отставание, %", "Gap, %"),
        .councilMember: ("Саяси кеңес мүшесі", "Член Политсовета", "Political Council member"),
        .explanation: ("Түсіндірме", "Пояснение", "Explanation"),
        .coordinatorExplanation: ("Үйлестірушінің түсіндірмесі", "Пояснение координатора", "Coordinator's explanation"),
        .nothingSlipping: (
            "Орындалмаған немесе тәуекелдегі көрсеткіштер жоқ.", "Недостигнутых показателей и показателей в зоне риска нет.",
            "Nothing is missed or at risk."
        ),
        .scorecards: ("Жауаптылар бойынша көрсеткіштер", "Оценка ответственных", "Scorecards"),
        .owner: ("Жауапты", "Ответственный", "Owner"),
        .role: ("Рөлі", "Роль", "Role"),
        .itemsOwned: ("Көрсеткіштер", "Показателей", "Items owned"),
        .achievedCount: ("Орындалды", "Достигнуто", "Achieved"),
        .missedCount: ("Орындалмады", "Не достигнуто", "Missed"),
        .notReportedCount: ("Ұсынылмады", "Не представлено", "Not reported"),
        .atRiskCount: ("Тәуекелде", "В зоне риска", "At risk"),
        .shareAchieved: ("Орындалу үлесі", "Доля достигнутых", "Share achieved"),
        .scorecardFormula: (
            "Орындалу үлесі = орындалды ÷ (орындалды + орындалмады + ұсынылмады); соңғы мерзімі өткен кезең бойынша, мерзімі келмегендер есептелмейді.",
            "Доля достигнутых = достигнуто ÷ (достигнуто + не достигнуто + не представлено); по последнему наступившему периоду, показатели без наступившего срока не учитываются.",
            "Share achieved = achieved ÷ (achieved + missed + not reported), judged on each item's latest due period; items with nothing due yet are left out."
        ),
        .roleBureau: ("Бюро мүшесі", "Член Бюро", "Bureau member"),
        .roleCouncil: ("Саяси кеңес мүшесі", "Член Политсовета", "Political Council member"),
        .measures: ("Іс-шаралар және қаулылар", "Мероприятия и постановления", "Measures and resolutions"),
        .overdueMeasures: ("Мерзімі өткен іс-шаралар", "Просроченные мероприятия", "Overdue measures"),
        .openResolutions: (
            "Алдыңғы тыңдаулардың орындалмаған қаулылары", "Неисполненные постановления прошлых заслушиваний", "Unmet resolutions of earlier hearings"
        ),
        .measure: ("Іс-шара", "Мероприятие", "Measure"),
        .deadline: ("Мерзімі", "Срок", "Deadline"),
        .executor: ("Орындаушы", "Исполнитель", "Executor"),
        .verdict: ("Бағасы", "Оценка", "Verdict"),
        .adoptedAt: ("Қабылданған тыңдау", "Принято на заслушивании", "Adopted at"),
        .notJudgedYet: ("бағаланбаған", "ещё не оценено", "not judged yet"),
        .noneFound: ("Жоқ.", "Нет.", "None."),
        .dataQuality: ("Деректер сапасы", "Качество данных", "Data quality"),
        .notReportedItems: ("Мәні ұсынылмаған көрсеткіштер", "Непредставленные значения", "Values not reported"),
        .reconciliationFlags: ("Жиынтықпен сәйкес келмеу", "Расхождения со свёрнутыми данными", "Reconciliation differences"),
        .outlierFlags: ("Ауытқыған мәндер", "Выбросы", "Outliers"),
        .unownedItems: ("Жауаптысы жоқ көрсеткіштер", "Показатели без ответственного", "Items without an owner"),
        .kind: ("Түрі", "Вид", "Kind"),
        .itemsWithoutCouncilMember: ("Саяси кеңес мүшесі жоқ", "Без члена Политсовета", "Without a Political Council member"),
        .sectionWithoutBureauMember: ("Бюро мүшесі жоқ бөлім", "Раздел без члена Бюро", "Section without a Bureau member"),
        .questions: ("Тыңдауға арналған сұрақтар", "Вопросы к заслушиванию", "Questions for the hearing"),
        .questionsNote: (
            "Әр тыңдалатын лауазымды тұлғаға оның аумағындағы орындалмаған ең нашар көрсеткіштер бойынша (10-нан аспайды).",
            "Каждому заслушиваемому — по худшим недостигнутым показателям его территории (не более 10).",
            "For each official heard, on the worst missed items in their territory (at most 10)."
        ),
        .andMore: (
            "Тағы орындалмаған көрсеткіштер (4-бөлімді қараңыз)", "Ещё недостигнутых показателей (см. раздел 4)", "more missed items (see part 4)"
        ),
        .noOfficials: ("Тыңдалатын лауазымды тұлғалар көрсетілмеген.", "Заслушиваемые не указаны.", "No officials to be heard are listed."),
        .noMissedItems: (
            "Бұл аумақта орындалмаған көрсеткіштер жоқ.", "Недостигнутых показателей на этой территории нет.", "No missed items in this territory."
        ),
        .page: ("Бет", "Страница", "Page"),
        .of: ("/", "из", "of"),
        .contents: ("Мазмұны", "Содержание", "Contents"),
        .legend: ("Шартты белгілер", "Условные обозначения", "Legend"),
        .statusAchieved: ("орындалды", "достигнуто", "achieved"),
        .statusOnTrack: ("кестеге сай", "в графике", "on track"),
        .statusAtRisk: ("тәуекелде", "в зоне риска", "at risk"),
        .statusMissed: ("орындалмады", "не достигнуто", "missed"),
        .statusNotReported: ("ұсынылмады", "не представлено", "not reported"),
        .statusNotDue: ("мерзімі келмеген", "срок не наступил", "not due"),
        .verdictDone: ("орындалды", "исполнено", "done"),
        .verdictCancelled: ("болдырылмады", "отменено", "cancelled"),
        .verdictMissed: ("мерзімі өтті", "просрочено", "overdue"),
        .verdictAtRisk: ("тәуекелде", "под угрозой срыва", "at risk"),
        .verdictInProgress: ("орындалуда", "в работе", "in progress"),
        .verdictNotDue: ("мерзімі келмеген", "срок не наступил", "not due"),
    ]

    public static func status(_ status: EvaluationStatus) -> Label {
        switch status {
        case .achieved: .statusAchieved
        case .onTrack: .statusOnTrack
        case .atRisk: .statusAtRisk
        case .missed: .statusMissed
        case .notReported: .statusNotReported
        case .notDue: .statusNotDue
        }
    }

    public static func verdict(_ verdict: MeasureVerdict?) -> Label {
        switch verdict {
        case .done: .verdictDone
        case .cancelled: .verdictCancelled
        case .missed: .verdictMissed
        case .atRisk: .verdictAtRisk
        case .inProgress: .verdictInProgress
        case .notDue: .verdictNotDue
        case nil: .notJudgedYet
        }
    }
}

/// The question put to an official about a missed item, with its numbers.
enum QuestionText {
    static func missed(
        indicator: String, territory: String, period: String, actual: String, target: String, unit: String,
        gapPercent: String?, language: Language
    ) -> String {
        let short =
            gapPercent.map { p in
                switch language {
                case .kk: " (артта қалу \(p)%)"
                case .ru: " (отставание \(p)%)"
                case .en: " (short by \(p)%)"
                }
            } ?? ""
        switch language {
        case .kk:
            return
                "«\(indicator)» көрсеткіші бойынша «\(territory)» аумағында \(period) кезеңінде неге \(target) \(unit) мақсатқа қарсы \(actual) ғана орындалды\(short) және мақсатқа жету үшін қандай шаралар қабылданады?"
        case .ru:
            return
                "Почему по показателю «\(indicator)» по территории «\(territory)» за \(period) достигнуто \(actual) при цели \(target) \(unit)\(short) и какие меры будут приняты для её достижения?"
        case .en:
            return
                "Why did “\(indicator)” in \(territory) reach only \(actual) against a target of \(target) \(unit) for \(period)\(short), and what will be done to reach it?"
        }
    }
}
