import Testing
import TransferWatchRules

@Suite struct TemplateTests {
    struct RenderCase: Sendable, CustomTestStringConvertible {
        let name: String
        let template: String
        var facts: [String: FactValue] = [:]
        let text: String
        var zone = "UTC"
        var testDescription: String { name }
    }

    @Test(arguments: [
        RenderCase(name: "plain text", template: "no placeholders", text: "no placeholders"),
        RenderCase(
            name: "missing employees", template: "Missing: {{ counter.missing | join(\", \") }}",
            text: "Missing: alice, bob"),
        RenderCase(
            name: "server age humanized", template: "{{ server.id }} online for {{ server.age | humanize }}",
            text: "s-0123456789abcdef0 online for 3d 2h"),
        RenderCase(
            name: "cost so far", template: "cost so far: ${{ hours(server.age) * 0.30 | printf(\"%.2f\") }}",
            text: "cost so far: $22.20"),
        RenderCase(
            name: "default rendering of each type",
            template:
                "{{ copy.attempts }} {{ 0.5 }} {{ copy.counted }} {{ server.age }} {{ now }} {{ counter.missing }}",
            text: "1 0.5 true 3d2h 2026-11-28T09:00:00Z alice, bob"),
        RenderCase(
            name: "timestamps render in the environment's zone", template: "{{ now }}",
            text: "2026-11-28T10:00:00+01:00", zone: "Europe/Berlin"),
        RenderCase(name: "absent values", template: "[{{ server.id }}]", facts: ["server": nil], text: "[<no value>]"),
        RenderCase(
            name: "default for an absent value", template: "{{ server.id | default(\"no server\") }}",
            facts: ["server": nil], text: "no server"),
        RenderCase(
            name: "default keeps a present value", template: "{{ server.id | default(\"no server\") }}",
            text: "s-0123456789abcdef0"),
        RenderCase(
            name: "default after humanize", template: "{{ server.age | humanize | default(\"-\") }}",
            facts: ["server": nil], text: "-"),
        RenderCase(
            name: "default of the same type", template: "{{ server.age | default(0s) | humanize }}",
            facts: ["server": nil], text: "0s"),
        RenderCase(
            name: "default for an absent etag", template: "{{ copy.destination.etag | default(\"none\") }}",
            facts: ["copy.destination.etag": nil], text: "none"),
        RenderCase(
            name: "upper and lower", template: "{{ copy.uploader | upper }}/{{ \"MiXed\" | lower }}",
            text: "ALICE/mixed"),
        RenderCase(
            name: "humanize numbers",
            template: "{{ 1234 | humanize }} {{ 999 | humanize }} {{ 0.25 | humanize }} {{ 3400000 | humanize }}",
            text: "1.2k 999 0.25 3.4M"),
        RenderCase(name: "humanize bytes", template: "{{ copy.source.size | humanizeBytes }}", text: "1.5 MiB"),
        RenderCase(
            name: "printf integer",
            template: "{{ counter.delivered | printf(\"%d of\") }} {{ counter.expected | printf(\"%03d\") }}",
            text: "8 of 010"),
        RenderCase(name: "printf text", template: "[{{ copy.uploader | printf(\"%-8s\") }}]", text: "[alice   ]"),
        RenderCase(
            name: "printf percent", template: "{{ counter.delivered / counter.expected * 100 | printf(\"%.0f%%\") }}",
            text: "80%"),
        RenderCase(
            name: "date with a Go layout",
            template: "{{ window.closesAt | date(\"Mon 2 Jan 2006 15:04 -0700\", \"Asia/Tokyo\") }}",
            text: "Tue 1 Dec 2026 09:00 +0900"),
        RenderCase(
            name: "date in the environment's zone",
            template: "{{ window.closesAt | date(\"2006-01-02 15:04 -07:00\") }}", text: "2026-11-30 19:00 -05:00",
            zone: "America/New_York"),
        RenderCase(name: "date with the default layout", template: "{{ now | date }}", text: "2026-11-28T09:00:00Z"),
        RenderCase(
            name: "filters chain left to right", template: "{{ counter.missing | join(\"+\") | upper }}",
            text: "ALICE+BOB"),
        RenderCase(
            name: "braces inside a string", template: "{{ \"{{\" }} literal {{ \"}}\" }}", text: "{{ literal }}"),
        RenderCase(name: "single braces are text", template: "{a} }}", text: "{a} }}"),
        RenderCase(
            name: "multi-line template", template: "Server {{ server.id }}\nage {{ server.age | humanize }}\n",
            text: "Server s-0123456789abcdef0\nage 3d 2h\n"),
        RenderCase(
            name: "an expression with functions",
            template: "{{ len(counter.missing) }} missing, {{ daysInMonth(now) - dayOfMonth(now) }} days left",
            text: "2 missing, 2 days left"),
    ])
    func renders(_ test: RenderCase) throws {
        let template = try Template.compile(test.template, schema: pipelineSchema, environment: environment(test.zone))
        #expect(template.render(try makeFacts(test.facts)) == test.text)
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let name: String
        let template: String
        let errors: [String]
        var testDescription: String { name }
    }

    @Test(arguments: [
        ErrorCase(
            name: "unknown field", template: "Server {{ server.agee | humanize }}",
            errors: ["1:18: unknown field 'server.agee' (did you mean 'server.age'?)"]),
        ErrorCase(
            name: "unknown filter", template: "{{ server.age | humanise }}",
            errors: ["1:17: unknown filter 'humanise' (did you mean 'humanize'?)"]),
        ErrorCase(
            name: "filter of the wrong input type", template: "{{ server.state | humanize }}",
            errors: ["1:19: type error: filter 'humanize' needs a duration or a number, found string (server.state)"]),
        ErrorCase(
            name: "input type after another filter", template: "{{ server.age | humanize | humanizeBytes }}",
            errors: ["1:28: type error: filter 'humanizeBytes' needs a number, found string (after 'humanize')"]),
        ErrorCase(
            name: "join of a string", template: "{{ copy.uploader | join(\", \") }}",
            errors: ["1:20: type error: filter 'join' needs a list, found string (copy.uploader)"]),
        ErrorCase(
            name: "filter argument of the wrong type", template: "{{ counter.missing | join(3) }}",
            errors: ["1:27: type error: argument 1 of filter 'join' must be a string, found number"]),
        ErrorCase(
            name: "too many filter arguments", template: "{{ server.age | humanize(1) }}",
            errors: ["1:17: filter 'humanize' takes no arguments, found 1"]),
        ErrorCase(
            name: "missing filter argument", template: "{{ server.id | default }}",
            errors: ["1:16: filter 'default' takes 1 argument, found 0"]),
        ErrorCase(
            name: "filter argument not a literal", template: "{{ server.id | default(copy.uploader) }}",
            errors: ["1:24: arguments of filter 'default' must be literals"]),
        ErrorCase(
            name: "invalid printf format", template: "{{ copy.attempts | printf(\"%.2f and %d\") }}",
            errors: [#"1:27: invalid printf format '%.2f and %d': more than one conversion"#]),
        ErrorCase(
            name: "printf without a conversion", template: "{{ copy.attempts | printf(\"n\") }}",
            errors: ["1:27: invalid printf format 'n': no conversion such as %.2f"]),
        ErrorCase(
            name: "unsupported printf verb", template: "{{ copy.attempts | printf(\"%q\") }}",
            errors: ["1:27: invalid printf format '%q': unsupported conversion '%q'"]),
        ErrorCase(
            name: "printf of a duration", template: "{{ server.age | printf(\"%.2f\") }}",
            errors: ["1:17: type error: filter 'printf' needs a number for '%.2f', found duration (server.age)"]),
        ErrorCase(
            name: "date layout without elements", template: "{{ now | date(\"today\") }}",
            errors: ["1:15: date layout 'today' has no element of the reference time 2006-01-02 15:04:05"]),
        ErrorCase(
            name: "date in an unknown zone", template: "{{ now | date(\"2006\", \"Mars/Olympus\") }}",
            errors: ["1:23: unknown time zone 'Mars/Olympus'"]),
        ErrorCase(
            name: "default of another type", template: "{{ server.age | default(3) }}",
            errors: ["1:25: type error: argument 1 of filter 'default' must be duration or a string, found number"]),
        ErrorCase(
            name: "unclosed placeholder", template: "a {{ server.id ", errors: ["1:3: unclosed '{{' (expected '}}')"]),
        ErrorCase(name: "empty placeholder", template: "a {{ }} b", errors: ["1:3: empty placeholder '{{ }}'"]),
        ErrorCase(
            name: "pipe without a filter", template: "{{ server.id | }}",
            errors: ["1:16: expected a filter name after '|', found '}}'"]),
        ErrorCase(
            name: "unclosed call inside a placeholder", template: "{{ len(counter.missing }}",
            errors: ["1:24: expected ')' to close '(' at 1:7"]),
        ErrorCase(
            name: "leftover token in a placeholder", template: "{{ server.id server.age }}",
            errors: ["1:14: unexpected 'server' after the expression"]),
        ErrorCase(
            name: "errors in every placeholder, on every line",
            template: "{{ sever.id }}\nok {{ copy.attempts > \"x\" }}\n{{ now | nope }}",
            errors: [
                "1:4: unknown field 'sever' (did you mean 'server'?)",
                #"2:21: type error: cannot compare number with string ("x")"#,
                "3:10: unknown filter 'nope'",
            ]),
        ErrorCase(
            name: "lexical error inside a placeholder", template: "{{ server.age > 2 days }}",
            errors: ["1:17: malformed duration '2 days'"]),
        ErrorCase(
            name: "an object in a placeholder", template: "{{ server }}",
            errors: [
                "1:4: type error: 'server' is an object: compare it with null or use one of its fields (id, state, age, createdAt, online)"
            ]),
    ])
    func reportsErrorsWithTemplatePositions(_ test: ErrorCase) {
        do {
            _ = try Template.compile(test.template, schema: pipelineSchema)
            Issue.record("\(test.template) compiled")
        } catch {
            #expect(error.diagnostics.map(\.description) == test.errors)
        }
    }
}
