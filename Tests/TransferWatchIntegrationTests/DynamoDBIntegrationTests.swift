import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchTestSupport

/// The DynamoDB client against moto: tables, conditional writes with the typed failure, ADD updates,
/// pagination of 120 items by 25, transactions (success and cancellation reasons) and batch writes.
@Suite(.requiresMoto, .suiteMoto("test.dynamodb")) struct DynamoDBIntegrationTests {
    @Test func createsATableAndWaitsUntilItIsActive() async throws {
        try await withDynamo { dynamo in
            let name = uniqueName("jobs")
            let created = try await dynamo.createTable(
                name: name, partitionKey: DynamoDBKeyAttribute("pk"),
                sortKey: DynamoDBKeyAttribute("sk", .number))
            #expect(created.name == name)
            let table = try await dynamo.waitUntilTableActive(name: name, pollInterval: .milliseconds(100))
            #expect(table.status == .active)
            #expect(table.billingMode == "PAY_PER_REQUEST")
            #expect(table.partitionKey == DynamoDBKeyAttribute("pk", .string))
            #expect(table.sortKey == DynamoDBKeyAttribute("sk", .number))
            #expect(table.arn?.hasSuffix(":table/\(name)") == true)
            try await dynamo.updateTimeToLive(table: name, attribute: "expiresAt")

            let again = try #require(
                await #expect(throws: AWSError.self) {
                    try await dynamo.createTable(name: name, partitionKey: DynamoDBKeyAttribute("pk"))
                })
            #expect(again.code == "ResourceInUseException")

            try await dynamo.deleteTable(name: name)
            let gone = try #require(await #expect(throws: AWSError.self) { try await dynamo.describeTable(name: name) })
            #expect(gone.isNotFound)
        }
    }

    @Test func conditionalWritesAndADDUpdates() async throws {
        try await withDynamo { dynamo in
            let table = try await makeTable(dynamo, "state")
            let key: DynamoDBItem = ["pk": "job#1"]

            try await dynamo.putItem(
                table: table, item: ["pk": "job#1", "status": "new", "payload": .b(Data([0, 1, 2]))],
                conditionExpression: "attribute_not_exists(pk)")
            // A second create-if-absent must fail, typed, carrying the item that is there.
            let duplicate = try #require(
                await #expect(throws: AWSError.self) {
                    try await dynamo.putItem(
                        table: table, item: ["pk": "job#1", "status": "other"],
                        conditionExpression: "attribute_not_exists(pk)",
                        returnValuesOnConditionCheckFailure: .allOld)
                })
            #expect(duplicate.isConditionalCheckFailure)
            #expect(duplicate.attempts == 1)
            #expect(
                duplicate.conditionalCheckFailureItem == [
                    "pk": "job#1", "status": "new", "payload": .b(Data([0, 1, 2])),
                ])

            // ADD starts from zero on a missing attribute and counts up.
            for expected in 1...3 {
                let updated = try await dynamo.updateItem(
                    table: table, key: key, updateExpression: "ADD attempts :one SET #s = :s",
                    conditionExpression: "attribute_exists(pk) AND #s <> :done", names: ["#s": "status"],
                    values: [":one": 1, ":s": "running", ":done": "done"], returnValues: .updatedNew)
                #expect(updated?["attempts"]?.intValue == expected)
            }
            try await dynamo.updateItem(
                table: table, key: key, updateExpression: "SET #s = :done", names: ["#s": "status"],
                values: [":done": "done"])
            let blocked = try #require(
                await #expect(throws: AWSError.self) {
                    try await dynamo.updateItem(
                        table: table, key: key, updateExpression: "ADD attempts :one",
                        conditionExpression: "#s <> :done", names: ["#s": "status"],
                        values: [":one": 1, ":done": "done"])
                })
            #expect(blocked.isConditionalCheckFailure)

            let item = try #require(try await dynamo.getItem(table: table, key: key, consistentRead: true))
            #expect(item["attempts"]?.intValue == 3)
            #expect(item["status"]?.stringValue == "done")
            #expect(item["payload"]?.dataValue == Data([0, 1, 2]))

            // A number set grows by union.
            try await dynamo.updateItem(
                table: table, key: key, updateExpression: "ADD seen :s", values: [":s": .ns(["1", "2"])])
            let sets = try await dynamo.updateItem(
                table: table, key: key, updateExpression: "ADD seen :s", values: [":s": .ns(["2", "3"])],
                returnValues: .allNew)
            #expect(Set(sets?["seen"]?.numberSetValue ?? []) == ["1", "2", "3"])

            let refused = try #require(
                await #expect(throws: AWSError.self) {
                    try await dynamo.deleteItem(
                        table: table, key: key, conditionExpression: "#s = :new", names: ["#s": "status"],
                        values: [":new": "new"])
                })
            #expect(refused.isConditionalCheckFailure)
            let deleted = try await dynamo.deleteItem(
                table: table, key: key, conditionExpression: "#s = :done", names: ["#s": "status"],
                values: [":done": "done"], returnValues: .allOld)
            #expect(deleted?["attempts"]?.intValue == 3)
            #expect(try await dynamo.getItem(table: table, key: key) == nil)
        }
    }

    @Test func queryAndScanPaginateOneHundredTwentyItemsByTwentyFive() async throws {
        try await withDynamo { dynamo, context in
            let table = try await makeTable(dynamo, "uploads", sortKey: DynamoDBKeyAttribute("sk", .number))
            let requests = (0..<120).map {
                DynamoDBWriteRequest.put(["pk": "alice", "sk": .number($0), "even": .bool($0 % 2 == 0)])
            }
            try await dynamo.batchWriteItem(table: table, requests: requests)

            // Page by page: four full pages and a last one without LastEvaluatedKey.
            var sizes: [Int] = []
            var startKey: DynamoDBItem?
            repeat {
                let page = try await dynamo.query(
                    table: table, keyCondition: "pk = :p", values: [":p": "alice"], exclusiveStartKey: startKey,
                    limit: 25)
                sizes.append(page.items.count)
                startKey = page.lastEvaluatedKey
            } while startKey != nil && sizes.count < 10
            #expect(sizes.prefix(4) == [25, 25, 25, 25])
            #expect(sizes.reduce(0, +) == 120)

            let all = try await dynamo.queryAll(
                table: table, keyCondition: "pk = :p", values: [":p": "alice"], limit: 25)
            #expect(all.compactMap { $0["sk"]?.intValue } == Array(0..<120))
            let descending = try await dynamo.queryAll(
                table: table, keyCondition: "pk = :p", values: [":p": "alice"], limit: 25, scanForward: false)
            #expect(descending.compactMap { $0["sk"]?.intValue } == Array((0..<120).reversed()))

            // The filter applies after Limit: pages may hold fewer (or no) items, and queryAll still reads them all.
            let before = context.requestCounter.snapshot["DynamoDB.Query"] ?? 0
            let even = try await dynamo.queryAll(
                table: table, keyCondition: "pk = :p", filter: "even = :t", values: [":p": "alice", ":t": true],
                limit: 25)
            #expect(even.count == 60)
            #expect((context.requestCounter.snapshot["DynamoDB.Query"] ?? 0) - before >= 5)
            let none = try await dynamo.queryAll(
                table: table, keyCondition: "pk = :p", filter: "sk > :big", values: [":p": "alice", ":big": 1000],
                limit: 25)
            #expect(none.isEmpty)

            let scanned = try await dynamo.scanAll(table: table, limit: 25)
            #expect(scanned.count == 120)
            #expect(Set(scanned.compactMap { $0["sk"]?.intValue }) == Set(0..<120))

            // A parallel scan's segments are disjoint and together cover the table.
            var segments: [[Int]] = []
            for segment in 0..<3 {
                segments.append(
                    try await dynamo.scanAll(table: table, limit: 25, segment: segment, totalSegments: 3).compactMap {
                        $0["sk"]?.intValue
                    })
            }
            #expect(segments.map(\.count).reduce(0, +) == 120)
            #expect(Set(segments.flatMap { $0 }) == Set(0..<120))
        }
    }

    @Test func transactionsCommitAllOrNothingAndExplainCancellations() async throws {
        try await withDynamo { dynamo in
            let table = try await makeTable(dynamo, "window")
            try await dynamo.putItem(table: table, item: ["pk": "employee#alice", "active": true])
            try await dynamo.transactWriteItems(
                [
                    .put(
                        table: table, item: ["pk": "window#2026-11", "delivered": 0],
                        condition: "attribute_not_exists(pk)"),
                    .update(
                        table: table, key: ["pk": "counter"], updateExpression: "ADD delivered :one",
                        values: [":one": 1]),
                    .conditionCheck(
                        table: table, key: ["pk": "employee#alice"], condition: "active = :t", values: [":t": true]),
                ], clientRequestToken: UUID().uuidString)
            #expect(try await dynamo.getItem(table: table, key: ["pk": "counter"])?["delivered"]?.intValue == 1)
            #expect(try await dynamo.getItem(table: table, key: ["pk": "window#2026-11"]) != nil)

            let error = try #require(
                await #expect(throws: AWSError.self) {
                    try await dynamo.transactWriteItems([
                        .update(
                            table: table, key: ["pk": "counter"], updateExpression: "ADD delivered :one",
                            values: [":one": 1]),
                        .put(
                            table: table, item: ["pk": "window#2026-11", "delivered": 9],
                            condition: "attribute_not_exists(pk)",
                            returnOldItemOnConditionFailure: true),
                    ])
                })
            #expect(error.isTransactionCanceled)
            #expect(error.attempts == 1)
            let reasons = try #require(error.cancellationReasons)
            #expect(reasons.map(\.code) == ["None", "ConditionalCheckFailed"])
            #expect(reasons[1].item?["delivered"]?.intValue == 0)
            // Nothing of the cancelled transaction was applied.
            #expect(
                try await dynamo.getItem(table: table, key: ["pk": "counter"], consistentRead: true)?["delivered"]?
                    .intValue == 1)
        }
    }

    @Test func batchWriteItemWritesAndDeletesSixtyItems() async throws {
        try await withDynamo { dynamo in
            let table = try await makeTable(dynamo, "employees")
            let puts = (0..<60).map {
                DynamoDBWriteRequest.put(["pk": .s("user\($0)"), "email": .s("user\($0)@example.com")])
            }
            let summary = try await dynamo.batchWriteItem(table: table, requests: puts)
            #expect(summary.calls == 3)
            #expect(summary.resent == 0)
            let items = try await dynamo.scanAll(table: table)
            #expect(items.count == 60)
            #expect(
                try await dynamo.getItem(table: table, key: ["pk": "user59"])?["email"]?.stringValue
                    == "user59@example.com")

            let deletes = (0..<60).map { DynamoDBWriteRequest.delete(key: ["pk": .s("user\($0)")]) }
            try await dynamo.batchWriteItem(table: table, requests: deletes)
            #expect(try await dynamo.scanAll(table: table).isEmpty)
        }
    }

    @Test func operationsOnAMissingTableAreNotFoundAndNotRetried() async throws {
        try await withDynamo { dynamo in
            let error = try #require(
                await #expect(throws: AWSError.self) {
                    try await dynamo.getItem(table: uniqueName("missing"), key: ["pk": "a"])
                })
            #expect(error.code == "ResourceNotFoundException")
            #expect(error.isNotFound)
            #expect(error.attempts == 1)
        }
    }

    // MARK: Helpers

    private func withDynamo(_ body: (DynamoDBClient) async throws -> Void) async throws {
        try await withDynamo { dynamo, _ in try await body(dynamo) }
    }

    private func withDynamo(_ body: (DynamoDBClient, AWSClient.Context) async throws -> Void) async throws {
        let endpoint = try #require(SuiteMoto.endpoint, "the suite's moto is not running")
        let context = TestContexts.make(endpoint: endpoint)
        try await body(DynamoDBClient(context: context), context)
    }

    private func makeTable(_ dynamo: DynamoDBClient, _ prefix: String, sortKey: DynamoDBKeyAttribute? = nil)
        async throws -> String
    {
        let name = uniqueName(prefix)
        try await dynamo.createTable(name: name, partitionKey: DynamoDBKeyAttribute("pk"), sortKey: sortKey)
        try await dynamo.waitUntilTableActive(name: name, pollInterval: .milliseconds(100))
        return name
    }

    private func uniqueName(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }
}

/// Runs one moto for a whole suite and stops it when the suite ends; its tests find it in
/// ``SuiteMoto/endpoint``. Shared by the DynamoDB, SQS, SNS, STS and IAM integration suites, whose tests use
/// unique resource names so they can share a server.
///
/// ```swift
/// @Suite(.requiresMoto, .suiteMoto("test.sqs")) struct SQSIntegrationTests { ... }
/// ```
struct SuiteMoto: SuiteTrait, TestScoping {
    /// The logger label for the server's events.
    var label: String

    /// The running suite's moto endpoint (`nil` outside such a suite).
    @TaskLocal static var endpoint: URL?

    /// Once for the suite, not once per test.
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void)
        async throws
    {
        let moto = try await MotoServer.start(logger: Logger(label: label, factory: { _ in SwiftLogNoOpLogHandler() }))
        defer { moto.stop() }
        try await Self.$endpoint.withValue(moto.endpoint) { try await function() }
    }
}

extension Trait where Self == SuiteMoto {
    /// One moto for the whole suite, stopped when it ends.
    static func suiteMoto(_ label: String) -> Self { SuiteMoto(label: label) }
}
