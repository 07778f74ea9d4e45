import Foundation
import Testing
import UadeDomain

@Suite("The one table of words")
struct WordsTests {
    static func all() -> [(String, any Worded)] {
        EvaluationStatus.allCases.map { ("status \($0)", $0 as any Worded) } + FlagKind.allCases.map { ("flag \($0)", $0) }
            + MeasureVerdict.allCases.map { ("verdict \($0)", $0) } + Role.allCases.map { ("role \($0)", $0) }
            + RunStatus.allCases.map { ("run \($0)", $0) } + DiffChange.allCases.map { ("change \($0)", $0) }
            + HearingStatus.allCases.map { ("hearing \($0)", $0) } + Faction.allCases.map { ("faction \($0)", $0) }
            + DueStatus.allCases.map { ("due \($0)", $0) } + FlagState.allCases.map { ("flag state \($0)", $0) }
            + MeasureStatus.allCases.map { ("measure status \($0)", $0) }
    }

    @Test func everyCaseHasItsWordsInEachLanguage() {
        for (name, value) in Self.all() {
            for language in Language.allCases {
                let word = value.word(language)
                #expect(!word.isEmpty && word == word.trimmingCharacters(in: .whitespaces), "\(name) in \(language)")
                // Kazakh and Russian words are written in Cyrillic, never left in English.
                if language != .en {
                    #expect(word.unicodeScalars.contains { (0x0400...0x04FF).contains($0.value) }, "\(name) in \(language): \(word)")
                }
            }
        }
    }

    @Test func statusesAreTellApartInEachLanguage() {
        for language in Language.allCases {
            let words = EvaluationStatus.allCases.map { $0.word(language) }
            #expect(Set(words).count == words.count, "\(language): \(words)")
        }
    }

    @Test(arguments: [
        (EvaluationStatus.missed, Language.ru, "Не достигнуто"), (.achieved, .kk, "Орындалды"), (.notReported, .en, "Not reported"),
    ])
    func headingsBeginWithACapital(status: EvaluationStatus, language: Language, expected: String) {
        #expect(status.heading(language) == expected)
    }
}
