import Testing
import TransferWatchConfig

@Suite struct KeyTemplateTests {
    struct RenderCase: Sendable, CustomTestStringConvertible {
        let template: String
        let expected: String
        var testDescription: String { template }
    }

    @Test(arguments: [
        RenderCase(template: "{key}", expected: "alice/2026/inv-7.pdf"),
        RenderCase(template: "{yyyy}/{mm}/{username}/{filename}", expected: "2026/03/alice/inv-7.pdf"),
        RenderCase(template: "archive/{key}", expected: "archive/alice/2026/inv-7.pdf"),
        RenderCase(template: "{username}-{yyyy}{mm}-{filename}", expected: "alice-202603-inv-7.pdf"),
        RenderCase(template: "{filename}", expected: "inv-7.pdf"),
        RenderCase(template: "{key}.copy", expected: "alice/2026/inv-7.pdf.copy"),
    ])
    func rendersPlaceholders(_ render: RenderCase) throws {
        let template = try KeyTemplate(parsing: render.template)
        let rendered = template.render(
            key: "alice/2026/inv-7.pdf", username: "alice", filename: "inv-7.pdf", year: 2026, month: 3)
        #expect(rendered == render.expected)
        #expect(template.render(sourceKey: "alice/2026/inv-7.pdf", year: 2026, month: 3) == render.expected)
        #expect(template.description == render.template)
    }

    @Test func padsSmallYears() throws {
        let template = try KeyTemplate(parsing: "{yyyy}-{mm}/{filename}")
        #expect(template.render(key: "a/b", username: "a", filename: "b", year: 987, month: 12) == "0987-12/b")
    }

    @Test func defaultTemplateIsTheSourceKey() {
        #expect(KeyTemplate.sourceKey.render(sourceKey: "bob/x.csv", year: 2026, month: 11) == "bob/x.csv")
        #expect(KeyTemplate.sourceKey == (try? KeyTemplate(parsing: "{key}")))
    }

    @Test func sourceKeyWithoutSlashIsItsOwnUsernameAndFilename() throws {
        let template = try KeyTemplate(parsing: "{username}/{filename}")
        #expect(template.render(sourceKey: "carol", year: 2026, month: 1) == "carol/carol")
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let template: String
        let error: KeyTemplateError
        let message: String
        var testDescription: String { template }
    }

    @Test(arguments: [
        ErrorCase(
            template: "{user}/{key}", error: .unknownPlaceholder("user"),
            message: "unknown placeholder '{user}' (expected {key}, {username}, {filename}, {yyyy} or {mm})"),
        ErrorCase(
            template: "{KEY}", error: .unknownPlaceholder("KEY"),
            message: "unknown placeholder '{KEY}' (expected {key}, {username}, {filename}, {yyyy} or {mm})"),
        ErrorCase(
            template: "{}{key}", error: .unknownPlaceholder(""),
            message: "unknown placeholder '{}' (expected {key}, {username}, {filename}, {yyyy} or {mm})"),
        ErrorCase(template: "x/{key", error: .unclosedBrace(offset: 2), message: "unbalanced '{' at character 3"),
        ErrorCase(template: "{yyyy{key}", error: .unclosedBrace(offset: 0), message: "unbalanced '{' at character 1"),
        ErrorCase(
            template: "{key}}", error: .unmatchedClosingBrace(offset: 5), message: "unbalanced '}' at character 6"),
        ErrorCase(template: "key}", error: .unmatchedClosingBrace(offset: 3), message: "unbalanced '}' at character 4"),
        ErrorCase(
            template: "", error: .empty,
            message: "empty template (expected e.g. {key} or {yyyy}/{mm}/{username}/{filename})"),
        ErrorCase(
            template: "{yyyy}/{mm}/{username}", error: .missingObjectPlaceholder,
            message: "template needs {key} or {filename}, or every object is copied to the same key"),
    ])
    func rejectsInvalidTemplate(_ invalid: ErrorCase) {
        #expect(throws: invalid.error) { try KeyTemplate(parsing: invalid.template) }
        #expect(invalid.error.description == invalid.message)
    }
}
