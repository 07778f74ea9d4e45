/// "3 отметки", "5 отметок", "21 отметка": a count with its noun in the form the language needs.
/// Kazakh keeps the noun's singular after a number; Russian chooses among three forms by the
/// last digits; English between two.
public enum Plural {
    /// The nouns the pages count, each in its forms: Kazakh, Russian one / few / many, English
    /// one / other.
    public enum Noun: Sendable, CaseIterable {
        case flag, period, item, family, unit, day

        var forms: (kk: String, ru: (String, String, String), en: (String, String)) {
            switch self {
            case .flag: ("белгі", ("отметка", "отметки", "отметок"), ("flag", "flags"))
            case .period: ("кезең", ("период", "периода", "периодов"), ("period", "periods"))
            case .item: ("көрсеткіш", ("показатель", "показателя", "показателей"), ("indicator", "indicators"))
            case .family: ("отбасы", ("семья", "семьи", "семей"), ("family", "families"))
            case .unit: ("бірлік", ("единица", "единицы", "единиц"), ("unit", "units"))
            case .day: ("күн", ("день", "дня", "дней"), ("day", "days"))
            }
        }
    }

    public enum RussianForm: Sendable, Equatable { case one, few, many }

    /// 1, 21, 101 → one; 2–4, 22–24 → few; 0, 5–20, 25–30, 111–114 → many.
    public static func russianForm(_ n: Int) -> RussianForm {
        let n = abs(n)
        let lastTwo = n % 100
        let last = n % 10
        if (11...14).contains(lastTwo) { return .many }
        if last == 1 { return .one }
        if (2...4).contains(last) { return .few }
        return .many
    }

    /// The noun alone, in the form that follows `n`.
    public static func noun(_ n: Int, _ noun: Noun, _ language: Language) -> String {
        let forms = noun.forms
        switch language {
        case .kk: return forms.kk
        case .ru:
            switch russianForm(n) {
            case .one: return forms.ru.0
            case .few: return forms.ru.1
            case .many: return forms.ru.2
            }
        case .en: return abs(n) == 1 ? forms.en.0 : forms.en.1
        }
    }

    /// The count and its noun: "3 отметки".
    public static func count(_ n: Int, _ noun: Noun, _ language: Language) -> String {
        "\(n) \(Self.noun(n, noun, language))"
    }
}

/// A unit's name as it follows a number: «1 семья», «3 семьи», «5 семей», «2,5 единицы»; and in
/// Kazakh a rate per 100,000 said so that "10 100 мың адамға" cannot be misread.
/// Units are named in the classifier in the form that follows "many" (единиц, семей, people);
/// the names known here take their other forms, any other name stands as it is.
public enum UnitWords {
    static let russian: [String: (one: String, few: String, many: String)] = [
        "единиц": ("единица", "единицы", "единиц"), "человек": ("человек", "человека", "человек"), "семей": ("семья", "семьи", "семей"),
        "дней": ("день", "дня", "дней"),
    ]
    static let english: [String: (one: String, other: String)] = [
        "units": ("unit", "units"), "people": ("person", "people"), "families": ("family", "families"), "days": ("day", "days"),
    ]
    /// Kazakh rates: the number comes first, the base in brackets.
    static let kazakhRates: [String: String] = ["100 мың адамға": "(100 мың адамға шаққанда)"]

    /// The unit's words after `value`.
    public static func after(_ value: Double, _ unit: String, _ language: Language) -> String {
        let whole = value == value.rounded() && abs(value) < 1e15
        switch language {
        case .ru:
            guard let forms = russian[unit] else { return unit }
            // A fraction takes the genitive singular: «2,5 единицы».
            guard whole else { return forms.few }
            switch Plural.russianForm(Int(value)) {
            case .one: return forms.one
            case .few: return forms.few
            case .many: return forms.many
            }
        case .en:
            guard let forms = english[unit] else { return unit }
            return whole && abs(value) == 1 ? forms.one : forms.other
        case .kk:
            return kazakhRates[unit] ?? unit
        }
    }

    /// The unit after «из N» (genitive): «из 21 семьи», «из 5 семей»; other languages as `after`.
    public static func genitive(_ value: Double, _ unit: String, _ language: Language) -> String {
        guard language == .ru, let forms = russian[unit] else { return after(value, unit, language) }
        let whole = value == value.rounded() && abs(value) < 1e15
        // For these nouns the genitive singular is the form that follows 2–4.
        return whole && Plural.russianForm(Int(value)) == .one || !whole ? forms.few : forms.many
    }

    /// The number and its unit: «341 семья».
    public static func quantity(_ value: Double, _ unit: String, _ language: Language) -> String {
        let name = after(value, unit, language)
        return name.isEmpty ? NumberFormat.format(value, language) : NumberFormat.format(value, language) + " " + name
    }
}
