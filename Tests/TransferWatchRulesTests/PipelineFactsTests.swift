import Testing
import TransferWatchRules

/// The shipped rules' expressions and templates type-check against the pipeline's schemas, and the schemas
/// keep their step kinds apart.
@Suite struct PipelineFactsTests {
    /// One expression that must compile as a condition against one schema.
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var schema: FactSchema
        var expression: String
        var testDescription: String { name }
    }

    static let conditions: [Case] = [
        // copy-integrity: the destination differs from the source.
        Case(
            name: "copy integrity", schema: PipelineFacts.copyStep,
            expression: "result == \"moved\" and (destination.etag != source.etag or destination.size != source.size)"),
        // unknown-uploader: no SFTP user to attribute the upload to.
        Case(name: "unknown uploader", schema: PipelineFacts.copyStep, expression: "uploader == null and not counted"),
        // A slow or retried copy.
        Case(
            name: "slow copy", schema: PipelineFacts.copyStep,
            expression: "latency > 30s or coalesce(attempts, 1) > 3 or finishedAt - startedAt > 1m"),
        // provisioning-incomplete.
        Case(
            name: "provisioning incomplete", schema: PipelineFacts.provisionStep,
            expression: "result == \"failed\" or len(skipped) > 0 or len(failures) > 0 or server.id == null"),
        // teardown-incomplete.
        Case(
            name: "teardown incomplete", schema: PipelineFacts.teardownStep,
            expression: "not dryRun and (not windowClosed or server.deleted == false or len(failures) > 0)"),
        // stale-server: too old, or still online after its window closed.
        Case(
            name: "stale server", schema: PipelineFacts.state,
            expression: "server != null and server.online and (server.age > 2d or now > window.closesAt)"),
        // stalled-counter, louder as the window's end nears.
        Case(
            name: "stalled counter", schema: PipelineFacts.state,
            expression: "len(counter.missing) > 0 and now - counter.lastDeliveryAt > 6h and window.closesAt - now < 12h"
        ),
        // orphan-server.
        Case(
            name: "orphan server", schema: PipelineFacts.state,
            expression: "len(servers.orphans) > 0 and not contains(servers.managed, \"none\")"),
        // Recent copy failures and cost.
        Case(
            name: "copy failures and cost", schema: PipelineFacts.state,
            expression:
                "copies.failedLast1h > copies.succeededLast1h or server.costSoFar > 5 or copies.lastFailureAt != null"),
    ]

    @Test(arguments: conditions)
    func shippedConditionsTypeCheck(_ testCase: Case) throws {
        let compiled = try Expression.compile(testCase.expression, schema: testCase.schema, expecting: .bool)
        #expect(compiled.type.valueType == .bool)
    }

    @Test func stateTemplatesNameTheMissingEmployeesAndTheServersAge() throws {
        let template = try Template.compile(
            "Missing: {{ counter.missing | join(\", \") }}; server {{ server.id }} up {{ server.age | humanize }}, "
                + "${{ server.costSoFar | printf(\"%.2f\") }} so far",
            schema: PipelineFacts.state)
        #expect(template.source.hasPrefix("Missing: "))
    }

    @Test func stepFactsDoNotLeakAcrossWorkflows() {
        #expect(PipelineFacts.copyStep.slotIndex(of: "source.etag") != nil)
        #expect(PipelineFacts.provisionStep.slotIndex(of: "source.etag") == nil)
        #expect(PipelineFacts.teardownStep.slotIndex(of: "server.age") != nil)
        #expect(PipelineFacts.provisionStep.slotIndex(of: "server.age") == nil)
        #expect(PipelineFacts.state.slotIndex(of: "result") == nil)
        for schema in [
            PipelineFacts.copyStep, PipelineFacts.provisionStep, PipelineFacts.teardownStep, PipelineFacts.state,
        ] {
            #expect(schema.slotIndex(of: "now") != nil)
            #expect(schema.slotIndex(of: "environment") != nil)
        }
    }

    @Test func theServerIsOptionalInTheStateSchema() throws {
        let server = try #require(PipelineFacts.state.slotIndex(of: "server"))
        #expect(PipelineFacts.state.slots[server].field.isOptional)
        let error = #expect(throws: ExpressionError.self) {
            try Expression.compile("server.age", schema: PipelineFacts.state, expecting: .bool)
        }
        #expect(error?.description == "1:1: type error: expression must be bool, found duration")
    }
}
