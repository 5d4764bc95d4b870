import Foundation
import Testing
import TransferWatchTelemetry

/// `dashboards lint`: each problem found once, word for word, at the line and column of the element at fault.
@Suite struct DashboardLinterTests {
    static let file = "dashboards/test.json"

    @Test func theShippedDashboardIsClean() throws {
        let url = Self.repository.appendingPathComponent("dashboards/transferwatch.json")
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(DashboardLinter().lint(text, file: "dashboards/transferwatch.json").map(\.description) == [])
    }

    @Test func theShippedDashboardPlotsWhatTheIssueAsksFor() throws {
        let text = try String(
            contentsOf: Self.repository.appendingPathComponent("dashboards/transferwatch.json"), encoding: .utf8)
        for needle in [
            "UploadsDelivered", "EmployeesExpected", "CopySucceeded", "CopyFailed", #""stat": "p50""#,
            #""stat": "p99""#, "BytesCopied", "ServerOnline", "ServerAgeHours", "AlertsFiring", "RuleViolations",
        ] {
            #expect(text.contains(needle), "missing \(needle)")
        }
    }

    @Test func invalidJSONIsReportedAtItsPosition() {
        let text = """
            {"widgets": [
              {"type": "text", "properties": {"markdown": "hi"}}
              {"type": "text"}
            ]}
            """
        #expect(
            lint(text) == [
                "dashboards/test.json:3:3: error: invalid JSON: expected ',' or ']' after an array element, found '{'"
            ])
    }

    @Test func unterminatedAndTrailingGarbageAreInvalidJSON() {
        #expect(
            lint(#"{"widgets": ["#) == [
                "dashboards/test.json:1:14: error: invalid JSON: expected a value, found end of file"
            ])
        #expect(
            lint(#"{"widgets": []} x"#) == [
                "dashboards/test.json:1:17: error: invalid JSON: unexpected 'x' after the end of the document"
            ])
        #expect(
            lint("{\"widgets\": [], \"widgets\": []}") == [
                "dashboards/test.json:1:17: error: invalid JSON: duplicate key \"widgets\" (first at 1:2)"
            ])
    }

    @Test func anUnknownMetricIsReportedAtItsName() {
        let text = Self.metricWidget(#"["${namespace}", "CopyFailures", "Environment", "${environment}"]"#)
        let diagnostics = lint(text)
        #expect(diagnostics.count == 1)
        #expect(
            diagnostics.first?.hasPrefix(
                "dashboards/test.json:4:24: error: widgets[0].properties.metrics[0]: unknown metric 'CopyFailures' (TransferWatch publishes CopySucceeded,"
            ) == true,
            "\(diagnostics)")
    }

    @Test func aWrongDimensionIsReportedAtTheDimension() {
        let text = Self.metricWidget(#"["${namespace}", "CopyFailed", "Env", "${environment}"]"#)
        #expect(
            lint(text) == [
                "dashboards/test.json:4:7: error: widgets[0].properties.metrics[0]: metric CopyFailed is missing its dimension 'Environment' (its dimensions: Environment)",
                "dashboards/test.json:4:38: error: widgets[0].properties.metrics[0]: metric CopyFailed has no dimension 'Env' (its dimensions: Environment)",
            ])
    }

    @Test func ruleViolationsNeedsItsRuleDimension() {
        let text = Self.metricWidget(#"["${namespace}", "RuleViolations", "Environment", "${environment}"]"#)
        #expect(
            lint(text) == [
                "dashboards/test.json:4:7: error: widgets[0].properties.metrics[0]: metric RuleViolations is missing its dimension 'Rule' (its dimensions: Environment, Rule)"
            ])
        let good = Self.metricWidget(
            #"["${namespace}", "RuleViolations", "Environment", "${environment}", "Rule", "copy-failed"]"#)
        #expect(lint(good) == [])
    }

    @Test func theEnvironmentDimensionMustBeThePlaceholder() {
        let text = Self.metricWidget(#"["${namespace}", "CopyFailed", "Environment", "prod"]"#)
        #expect(
            lint(text) == [
                "dashboards/test.json:4:53: error: widgets[0].properties.metrics[0]: the Environment dimension must be ${environment}, not 'prod'"
            ])
    }

    @Test func anotherNamespaceIsNotOurs() {
        let text = Self.metricWidget(#"["AWS/Transfer", "CopyFailed", "Environment", "${environment}"]"#)
        #expect(
            lint(text) == [
                "dashboards/test.json:4:8: error: widgets[0].properties.metrics[0]: namespace 'AWS/Transfer' is not ${namespace}; only TransferWatch's own metrics may be plotted"
            ])
    }

    @Test func anUnknownPlaceholderIsReportedInsideItsString() {
        let text = Self.metricWidget(#"["${namespace}", "CopyFailed", "Environment", "${env}"]"#)
        #expect(
            lint(text) == [
                "dashboards/test.json:4:53: error: widgets[0].properties.metrics[0]: the Environment dimension must be ${environment}, not '${env}'",
                "dashboards/test.json:4:54: error: unknown placeholder '${env}' (known: ${environment}, ${namespace}, ${region})",
            ])
        #expect(
            lint(#"{"widgets": [{"type": "text", "properties": {"markdown": "a ${regoin} b ${region"}}]}"#) == [
                "dashboards/test.json:1:61: error: unknown placeholder '${regoin}' (known: ${environment}, ${namespace}, ${region})",
                "dashboards/test.json:1:73: error: unterminated placeholder '${' (write ${namespace}, ${region} or ${environment})",
            ])
    }

    @Test func missingWidgetsIsReportedAtTheRoot() {
        #expect(lint("\n  {\"start\": \"-P7D\"}") == ["dashboards/test.json:2:3: error: missing 'widgets' array"])
        #expect(
            lint(#"{"widgets": {}}"#) == ["dashboards/test.json:1:13: error: 'widgets' must be an array, not object"])
        #expect(
            lint("[]") == [
                "dashboards/test.json:1:1: error: a dashboard body must be a JSON object with a 'widgets' array, not array"
            ])
    }

    @Test func widgetsNeedAKnownTypeAndProperties() {
        let text = """
            {"widgets": [
              {"type": "graph", "properties": {}},
              {"properties": {}},
              {"type": "metric", "width": "wide"},
              {"type": "metric", "properties": {"region": "${region}"}},
              {"type": "metric", "properties": {"region": "${region}", "metrics": [[{"label": "x"}], "CopyFailed"]}},
              {"type": "alarm", "properties": {"alarms": [1]}}
            ]}
            """
        #expect(
            lint(text) == [
                "dashboards/test.json:2:12: error: widgets[0] has unknown widget type 'graph' (one of alarm, explorer, log, metric, text)",
                "dashboards/test.json:3:3: error: widgets[1] has no 'type' (one of alarm, explorer, log, metric, text)",
                "dashboards/test.json:4:3: error: widgets[2] (metric) has no 'properties' object",
                "dashboards/test.json:4:31: error: widgets[2].width must be a number, not string",
                "dashboards/test.json:5:36: error: widgets[3] (metric) has no properties.metrics array",
                "dashboards/test.json:6:73: error: widgets[4].properties.metrics[0] has only an options object; a metric math row needs an \"expression\" string",
                "dashboards/test.json:6:90: error: widgets[4].properties.metrics[1] must be an array, not string",
                "dashboards/test.json:7:47: error: widgets[5].properties.alarms must hold alarm ARNs (strings), not number",
            ])
    }

    @Test func aDotRepeatsTheElementAbove() {
        let rows = """
            ["${namespace}", "CopyLatency", "Environment", "${environment}", {"stat": "p50"}],
                  [".", ".", ".", ".", {"stat": "p99"}],
                  [".", "Nope", ".", "."]
            """
        let diagnostics = lint(Self.metricWidget(rows))
        #expect(diagnostics.count == 1)
        #expect(
            diagnostics.first?.hasPrefix(
                "dashboards/test.json:6:13: error: widgets[0].properties.metrics[2]: unknown metric 'Nope'") == true,
            "\(diagnostics)")
    }

    @Test func jsonStringEscapesAndNumbersParse() throws {
        let document = try JSONScanner.parse(#"{"a": "x\"\u00e9\ud83d\ude00\n", "b": [-1.5e3, 0, true, false, null]}"#)
        #expect(document["a"]?.string == "x\"é😀\n")
        #expect(document["b"]?.array?.map(\.typeName) == ["number", "number", "boolean", "boolean", "null"])
        #expect(document["b"]?.array?.first?.value == .number(-1500))
        for bad in [#"{"a": 01}"#, #"{"a": "\x"}"#, #"{"a": "\ud83d"}"#, "{\"a\": \"\t\"}", #"{"a": tru}"#, "{'a': 1}"]
        {
            #expect(throws: JSONScanError.self, "\(bad)") { try JSONScanner.parse(bad) }
        }
    }

    @Test func placeholdersAreSubstitutedAsJSONStringContent() throws {
        let template = DashboardTemplate(
            file: "dashboards/ops view.json",
            text: #"{"widgets": [], "t": "${namespace}/${region}/${environment}"}"#)
        #expect(template.dashboardName(environment: "prod") == "ops-view-prod")
        let body = template.body(namespace: #"Odd"NS"#, region: "eu-west-1", environment: "prod")
        let document = try JSONScanner.parse(body)
        #expect(document["t"]?.string == #"Odd"NS/eu-west-1/prod"#)
    }

    // MARK: Helpers

    func lint(_ text: String) -> [String] {
        DashboardLinter().lint(text, file: Self.file).map(\.description)
    }

    /// A dashboard with one metric widget whose rows start on line 4, column 7.
    static func metricWidget(_ rows: String) -> String {
        """
        {"widgets": [
          {"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6,
           "properties": {"region": "${region}", "metrics": [
              \(rows)
           ]}}
        ]}
        """
    }

    /// The repository root, found from this file's path.
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }
}
