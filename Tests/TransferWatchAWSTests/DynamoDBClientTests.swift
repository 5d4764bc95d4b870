import Foundation
import Testing
import TransferWatchAWS
import TransferWatchTestSupport

/// The DynamoDB client over a scripted transport: exact requests, decoding of realistic responses (shapes
/// captured from moto 5.2.1 and AWS's documented errors), conditional failures, throttling, pagination,
/// transactions, batch writes and table waits.
@Suite struct DynamoDBClientTests {
    // MARK: Items

    @Test func getItemSendsTheTargetAndKeyAndDecodesTheItem() async throws {
        let transport = ScriptedTransport([
            .json(200, #"{"Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"N": "3"}, "b": {"B": "AAE="}}}"#)
        ])
        let dynamo = makeClient(transport)
        let item = try await dynamo.getItem(table: "jobs", key: ["pk": "a", "sk": 1], consistentRead: true)
        #expect(item == ["pk": "a", "sk": 1, "v": 3, "b": .b(Data([0, 1]))])
        let request = try #require(transport.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/")
        #expect(request.headers["X-Amz-Target"] == "DynamoDB_20120810.GetItem")
        #expect(request.headers["Content-Type"] == "application/x-amz-json-1.0")
        #expect(request.headers["x-amzn-query-mode"] == nil)
        #expect(request.headers["Authorization"]?.contains("/us-east-1/dynamodb/aws4_request") == true)
        #expect(body(request) == #"{"ConsistentRead":true,"Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"TableName":"jobs"}"#)
    }

    @Test func getItemOfAMissingItemIsNil() async throws {
        let transport = ScriptedTransport([.json(200, "{}")])
        let item = try await makeClient(transport).getItem(table: "jobs", key: ["pk": "nope"])
        #expect(item == nil)
        #expect(body(transport.requests[0]) == #"{"Key":{"pk":{"S":"nope"}},"TableName":"jobs"}"#)
    }

    @Test func putItemSendsTheConditionAndItsNamesAndValues() async throws {
        let transport = ScriptedTransport([.json(200, "{}")])
        let old = try await makeClient(transport).putItem(
            table: "jobs", item: ["pk": "job#1", "status": "new"],
            conditionExpression: "attribute_not_exists(pk) OR #s = :done",
            names: ["#s": "status"], values: [":done": "done"], returnValuesOnConditionCheckFailure: .allOld)
        #expect(old == nil)
        #expect(transport.requests[0].headers["X-Amz-Target"] == "DynamoDB_20120810.PutItem")
        #expect(
            body(transport.requests[0])
                == ##"{"ConditionExpression":"attribute_not_exists(pk) OR #s = :done","ExpressionAttributeNames":{"#s":"status"},"ExpressionAttributeValues":{":done":{"S":"done"}},"Item":{"pk":{"S":"job#1"},"status":{"S":"new"}},"ReturnValuesOnConditionCheckFailure":"ALL_OLD","TableName":"jobs"}"##
        )
    }

    @Test func aFailedConditionIsTypedCarriesTheOldItemAndIsNeverRetried() async throws {
        // Captured from moto 5.2.1 for PutItem with ReturnValuesOnConditionCheckFailure=ALL_OLD.
        let transport = ScriptedTransport(handler: { _ in
            .json(
                400,
                #"{"__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", "Message": "The conditional request failed", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"N": "3"}}}"#,
                headers: [("x-amzn-RequestId", "utieym9O")])
        })
        let sleeper = RecordingSleeper()
        let dynamo = makeClient(transport, sleeper: sleeper)
        let error = try #require(
            await #expect(throws: AWSError.self) {
                try await dynamo.putItem(
                    table: "t", item: ["pk": "a", "sk": 1], conditionExpression: "attribute_not_exists(pk)",
                    returnValuesOnConditionCheckFailure: .allOld)
            })
        #expect(error.code == "ConditionalCheckFailedException")
        #expect(error.isConditionalCheckFailure)
        #expect(error.conditionalCheckFailureItem == ["pk": "a", "sk": 1, "v": 3])
        #expect(error.statusCode == 400)
        #expect(error.requestID == "utieym9O")
        #expect(error.message == "The conditional request failed")
        #expect(error.attempts == 1)
        #expect(transport.requests.count == 1)
        #expect(sleeper.delays.isEmpty)
        #expect(!error.isTransactionCanceled)
        #expect(error.cancellationReasons == nil)
    }

    @Test func aFailedConditionWithoutReturnValuesHasNoItem() async throws {
        let transport = ScriptedTransport([
            .json(
                400,
                #"{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed"}"#
            )
        ])
        let error = try #require(
            await #expect(throws: AWSError.self) {
                try await makeClient(transport).deleteItem(
                    table: "t", key: ["pk": "a"], conditionExpression: "attribute_exists(pk)")
            })
        #expect(error.isConditionalCheckFailure)
        #expect(error.conditionalCheckFailureItem == nil)
    }

    @Test func updateItemWithADDReturnsTheUpdatedAttributes() async throws {
        let transport = ScriptedTransport([
            .json(
                200,
                #"{"Attributes": {"attempts": {"N": "4"}, "status": {"S": "running"}}, "ConsumedCapacity": {"TableName": "jobs", "CapacityUnits": 0.5}}"#
            )
        ])
        let attributes = try await makeClient(transport).updateItem(
            table: "jobs", key: ["pk": "job#1"], updateExpression: "ADD attempts :one SET #s = :s",
            conditionExpression: "attribute_exists(pk) AND #s <> :done", names: ["#s": "status"],
            values: [":one": 1, ":s": "running", ":done": "done"], returnValues: .updatedNew)
        #expect(attributes?["attempts"]?.intValue == 4)
        #expect(attributes?["status"]?.stringValue == "running")
        #expect(transport.requests[0].headers["X-Amz-Target"] == "DynamoDB_20120810.UpdateItem")
        #expect(
            body(transport.requests[0])
                == ##"{"ConditionExpression":"attribute_exists(pk) AND #s <> :done","ExpressionAttributeNames":{"#s":"status"},"ExpressionAttributeValues":{":done":{"S":"done"},":one":{"N":"1"},":s":{"S":"running"}},"Key":{"pk":{"S":"job#1"}},"ReturnValues":"UPDATED_NEW","TableName":"jobs","UpdateExpression":"ADD attempts :one SET #s = :s"}"##
        )
    }

    @Test func deleteItemReturnsTheOldItemWhenAsked() async throws {
        let transport = ScriptedTransport([.json(200, #"{"Attributes": {"pk": {"S": "a"}, "n": {"N": "2"}}}"#)])
        let old = try await makeClient(transport).deleteItem(table: "t", key: ["pk": "a"], returnValues: .allOld)
        #expect(old == ["pk": "a", "n": 2])
        #expect(body(transport.requests[0]) == #"{"Key":{"pk":{"S":"a"}},"ReturnValues":"ALL_OLD","TableName":"t"}"#)
    }

    // MARK: Retries

    @Test(arguments: [
        #"{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"The level of configured provisioned throughput for the table was exceeded."}"#,
        #"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Throughput exceeds the current capacity of your table or index."}"#,
        #"{"__type":"com.amazonaws.dynamodb.v20120810#RequestLimitExceeded","message":"Throughput exceeds the current throughput limit for your account."}"#,
    ]) func throttlingIsRetriedWithFullJitterBackoff(_ throttle: String) async throws {
        let transport = ScriptedTransport([
            .json(400, throttle), .json(400, throttle), .json(200, #"{"Item":{"pk":{"S":"a"}}}"#),
        ])
        let sleeper = RecordingSleeper()
        let item = try await makeClient(transport, sleeper: sleeper).getItem(table: "t", key: ["pk": "a"])
        #expect(item == ["pk": "a"])
        #expect(transport.requests.count == 3)
        // random 0.5 × min(1 s × 2^(n-1), 20 s)
        #expect(sleeper.delays == [.milliseconds(500), .milliseconds(1000)])
    }

    @Test func throttlingThatNeverStopsFailsAfterThreeAttempts() async throws {
        let throttle =
            #"{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow down"}"#
        let transport = ScriptedTransport(handler: { _ in .json(400, throttle) })
        let sleeper = RecordingSleeper()
        let error = try #require(
            await #expect(throws: AWSError.self) {
                try await makeClient(transport, sleeper: sleeper).query(
                    table: "t", keyCondition: "pk = :p", values: [":p": "a"])
            })
        #expect(error.code == "ProvisionedThroughputExceededException")
        #expect(error.attempts == 3)
        #expect(sleeper.delays == [.milliseconds(500), .milliseconds(1000)])
    }

    @Test func aResponseWhoseCRC32DoesNotMatchIsRetried() async throws {
        let good = #"{"Item": {"pk": {"S": "a"}}}"#
        let corrupted = #"{"Item": {"pk": {"S": "b"}}}"#
        let crc = CRC32.checksum(Data(good.utf8))
        let transport = ScriptedTransport([
            // The body was damaged in transit: its CRC no longer matches the header.
            .json(200, corrupted, headers: [("x-amz-crc32", String(crc))]),
            .json(200, good, headers: [("x-amz-crc32", String(crc))]),
        ])
        let sleeper = RecordingSleeper()
        let item = try await makeClient(transport, sleeper: sleeper).getItem(table: "t", key: ["pk": "a"])
        #expect(item == ["pk": "a"])
        #expect(transport.requests.count == 2)
        #expect(sleeper.delays == [.milliseconds(500)])
    }

    @Test func aCRC32MismatchOnEveryAttemptSurfacesAsAnError() async throws {
        let transport = ScriptedTransport(handler: { _ in .json(200, "{}", headers: [("x-amz-crc32", "1")]) })
        let error = try #require(
            await #expect(throws: AWSError.self) {
                try await makeClient(transport).getItem(table: "t", key: ["pk": "a"])
            })
        #expect(error.code == "CRC32Mismatch")
        #expect(error.attempts == 3)
    }

    // MARK: Query and scan

    @Test func queryAllFollowsLastEvaluatedKeyThroughEmptyPages() async throws {
        let transport = ScriptedTransport([
            .json(
                200,
                #"{"Items": [{"pk": {"S": "a"}, "sk": {"N": "1"}}, {"pk": {"S": "a"}, "sk": {"N": "2"}}], "Count": 2, "ScannedCount": 2, "LastEvaluatedKey": {"pk": {"S": "a"}, "sk": {"N": "2"}}}"#
            ),
            // A filtered page can hold nothing and still not be the last.
            .json(
                200,
                #"{"Items": [], "Count": 0, "ScannedCount": 2, "LastEvaluatedKey": {"pk": {"S": "a"}, "sk": {"N": "4"}}}"#
            ),
            .json(200, #"{"Items": [{"pk": {"S": "a"}, "sk": {"N": "5"}}], "Count": 1, "ScannedCount": 1}"#),
        ])
        let items = try await makeClient(transport).queryAll(
            table: "t", keyCondition: "pk = :p", filter: "attribute_exists(v)",
            values: [":p": "a"], limit: 2)
        #expect(items.map { $0["sk"]?.intValue } == [1, 2, 5])
        #expect(transport.requests.count == 3)
        #expect(
            body(transport.requests[0])
                == #"{"ExpressionAttributeValues":{":p":{"S":"a"}},"FilterExpression":"attribute_exists(v)","KeyConditionExpression":"pk = :p","Limit":2,"TableName":"t"}"#
        )
        #expect(body(transport.requests[1]).contains(#""ExclusiveStartKey":{"pk":{"S":"a"},"sk":{"N":"2"}}"#))
        #expect(body(transport.requests[2]).contains(#""ExclusiveStartKey":{"pk":{"S":"a"},"sk":{"N":"4"}}"#))
        #expect(transport.requests.allSatisfy { $0.headers["X-Amz-Target"] == "DynamoDB_20120810.Query" })
    }

    @Test func queryPagesReportCountsAndDescendingOrder() async throws {
        let transport = ScriptedTransport([
            .json(
                200,
                #"{"Items": [{"pk": {"S": "a"}}], "Count": 1, "ScannedCount": 3, "LastEvaluatedKey": {"pk": {"S": "a"}}}"#
            )
        ])
        let page = try await makeClient(transport).query(
            table: "t", index: "byStatus", keyCondition: "#s = :s", names: ["#s": "status"],
            values: [":s": "new"], exclusiveStartKey: ["pk": "z"], limit: 1,
            scanForward: false, consistentRead: true)
        #expect(page.count == 1)
        #expect(page.scannedCount == 3)
        #expect(page.lastEvaluatedKey == ["pk": "a"])
        #expect(
            body(transport.requests[0])
                == ##"{"ConsistentRead":true,"ExclusiveStartKey":{"pk":{"S":"z"}},"ExpressionAttributeNames":{"#s":"status"},"ExpressionAttributeValues":{":s":{"S":"new"}},"IndexName":"byStatus","KeyConditionExpression":"#s = :s","Limit":1,"ScanIndexForward":false,"TableName":"t"}"##
        )
    }

    @Test func scanAllOfOneSegmentSendsTheSegmentOnEveryPage() async throws {
        let transport = ScriptedTransport([
            .json(
                200,
                #"{"Items": [{"pk": {"S": "a"}}], "Count": 1, "ScannedCount": 1, "LastEvaluatedKey": {"pk": {"S": "a"}}}"#
            ),
            .json(200, #"{"Items": [{"pk": {"S": "b"}}], "Count": 1, "ScannedCount": 1}"#),
        ])
        let items = try await makeClient(transport).scanAll(table: "t", limit: 1, segment: 1, totalSegments: 4)
        #expect(items == [["pk": "a"], ["pk": "b"]])
        #expect(body(transport.requests[0]) == #"{"Limit":1,"Segment":1,"TableName":"t","TotalSegments":4}"#)
        #expect(
            body(transport.requests[1])
                == #"{"ExclusiveStartKey":{"pk":{"S":"a"}},"Limit":1,"Segment":1,"TableName":"t","TotalSegments":4}"#)
        #expect(transport.requests.allSatisfy { $0.headers["X-Amz-Target"] == "DynamoDB_20120810.Scan" })
    }

    @Test func aServerRepeatingTheSameKeyCannotLoopForever() async throws {
        let transport = ScriptedTransport(handler: { _ in
            .json(200, #"{"Items": [], "Count": 0, "ScannedCount": 0, "LastEvaluatedKey": {"pk": {"S": "stuck"}}}"#)
        })
        let error = try #require(
            await #expect(throws: AWSError.self) { try await makeClient(transport).scanAll(table: "t") })
        #expect(error.code == "PaginationLoop")
        #expect(transport.requests.count == 2)
    }

    @Test func scanRefusesHalfASegmentSpecificationWithoutSending() async throws {
        let transport = ScriptedTransport([])
        let dynamo = makeClient(transport)
        let missing = try #require(
            await #expect(throws: AWSError.self) { try await dynamo.scan(table: "t", segment: 1) })
        #expect(missing.code == "ParamValidationError")
        #expect(missing.kind == .invalidRequest)
        #expect(missing.attempts == 0)
        let outside = try #require(
            await #expect(throws: AWSError.self) { try await dynamo.scan(table: "t", segment: 4, totalSegments: 4) })
        #expect(outside.message == "segment 4 is outside 0..<4")
        #expect(transport.requests.isEmpty)
    }

    // MARK: Transactions

    @Test func transactWriteItemsSendsEveryKindOfActionInOrder() async throws {
        let transport = ScriptedTransport([.json(200, "{}")])
        try await makeClient(transport).transactWriteItems(
            [
                .put(
                    table: "state", item: ["pk": "window#2026-11", "delivered": 0],
                    condition: "attribute_not_exists(pk)"),
                .update(
                    table: "state", key: ["pk": "counter"], updateExpression: "ADD delivered :one", values: [":one": 1]),
                .delete(table: "state", key: ["pk": "old"]),
                .conditionCheck(
                    table: "employees", key: ["username": "alice"], condition: "#a = :t", names: ["#a": "active"],
                    values: [":t": true],
                    returnOldItemOnConditionFailure: true),
            ], clientRequestToken: "copy-2026-11-alice")
        #expect(transport.requests[0].headers["X-Amz-Target"] == "DynamoDB_20120810.TransactWriteItems")
        #expect(
            body(transport.requests[0])
                == ##"{"ClientRequestToken":"copy-2026-11-alice","TransactItems":[{"Put":{"ConditionExpression":"attribute_not_exists(pk)","Item":{"delivered":{"N":"0"},"pk":{"S":"window#2026-11"}},"TableName":"state"}},{"Update":{"ExpressionAttributeValues":{":one":{"N":"1"}},"Key":{"pk":{"S":"counter"}},"TableName":"state","UpdateExpression":"ADD delivered :one"}},{"Delete":{"Key":{"pk":{"S":"old"}},"TableName":"state"}},{"ConditionCheck":{"ConditionExpression":"#a = :t","ExpressionAttributeNames":{"#a":"active"},"ExpressionAttributeValues":{":t":{"BOOL":true}},"Key":{"username":{"S":"alice"}},"ReturnValuesOnConditionCheckFailure":"ALL_OLD","TableName":"employees"}}]}"##
        )
    }

    /// botocore fills `ClientRequestToken` (an `idempotencyToken` member) when the caller gives none, so a
    /// retry after a lost answer is not applied twice; every attempt of one call carries the same token.
    @Test func aTransactionWithoutATokenGetsOneKeptAcrossItsRetries() async throws {
        let transport = ScriptedTransport([.json(500, #"{"__type": "InternalServerError"}"#), .json(200, "{}")])
        try await makeClient(transport).transactWriteItems([.delete(table: "state", key: ["pk": "old"])])
        #expect(transport.requests.count == 2)
        struct Input: Decodable { var ClientRequestToken: String? }
        let tokens = try transport.requests.map { try JSONDecoder().decode(Input.self, from: $0.body).ClientRequestToken }
        let token = try #require(tokens[0])
        #expect((1...36).contains(token.count))
        #expect(tokens[1] == token)
    }

    /// An update that adds is not idempotent: it never goes on a reused connection (libcurl would resend it by
    /// itself if that connection died without an answer). Other updates, and other calls, reuse connections.
    @Test(arguments: [
        ("ADD delivered :one", true), ("SET #n = #n + :one", true), ("SET remaining = remaining - :one", true),
        ("add succeeded :count SET hourStart = :hour", true), ("SET #state = :closed, closedAt = if_not_exists(closedAt, :at)", false),
        ("REMOVE owner SET address = :a", false),
    ])
    func anUpdateThatAddsIsSentOnce(expression: String, sendsOnce: Bool) async throws {
        let transport = ScriptedTransport([.json(200, "{}")])
        try await makeClient(transport).updateItem(table: "state", key: ["pk": "k"], updateExpression: expression)
        #expect(transport.requests[0].sendsOnce == sendsOnce)
    }

    @Test func aCancelledTransactionDecodesItsReasonsAndIsNotRetried() async throws {
        // Captured from moto 5.2.1.
        let transport = ScriptedTransport(handler: { _ in
            .json(
                400,
                #"{"__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException", "CancellationReasons": [{"Code": "None"}, {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed", "Item": {"pk": {"S": "a"}, "v": {"N": "3"}}}], "Message": "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]"}"#
            )
        })
        let error = try #require(
            await #expect(throws: AWSError.self) {
                try await makeClient(transport).transactWriteItems([
                    .put(table: "t", item: ["pk": "b"]),
                    .conditionCheck(
                        table: "t", key: ["pk": "a"], condition: "v = :x", values: [":x": 9],
                        returnOldItemOnConditionFailure: true),
                ])
            })
        #expect(error.isTransactionCanceled)
        #expect(!error.isConditionalCheckFailure)
        #expect(error.attempts == 1)
        #expect(transport.requests.count == 1)
        let reasons = try #require(error.cancellationReasons)
        #expect(
            reasons == [
                DynamoDBCancellationReason(code: "None"),
                DynamoDBCancellationReason(
                    code: "ConditionalCheckFailed", message: "The conditional request failed",
                    item: ["pk": "a", "v": 3]),
            ])
        #expect(reasons.map(\.isConditionalCheckFailure) == [false, true])
        #expect(reasons[0].isNone)
    }

    @Test(arguments: [0, 101]) func transactionsOutsideOneToAHundredActionsAreRefused(_ count: Int) async throws {
        let transport = ScriptedTransport([])
        let actions = (0..<count).map { DynamoDBTransactWrite.delete(table: "t", key: ["pk": .number($0)]) }
        let error = try #require(
            await #expect(throws: AWSError.self) { try await makeClient(transport).transactWriteItems(actions) })
        #expect(error.code == "ParamValidationError")
        #expect(error.kind == .invalidRequest)
        #expect(error.message == "a transaction holds 1 to 100 actions, not \(count)")
        #expect(transport.requests.isEmpty)
    }

    // MARK: Batch writes

    @Test func batchWriteItemSplitsIntoCallsOfTwentyFiveAndResendsUnprocessedItemsWithBackoff() async throws {
        let requests = (0..<60).map { DynamoDBWriteRequest.put(["pk": .s("item#\($0)")]) }
        let transport = ScriptedTransport([
            // The first call leaves two items unprocessed, the resend one more.
            .json(
                200,
                #"{"UnprocessedItems": {"t": [{"PutRequest": {"Item": {"pk": {"S": "item#3"}}}}, {"PutRequest": {"Item": {"pk": {"S": "item#4"}}}}]}}"#
            ),
            .json(200, #"{"UnprocessedItems": {"t": [{"PutRequest": {"Item": {"pk": {"S": "item#4"}}}}]}}"#),
            .json(200, #"{"UnprocessedItems": {}}"#),
            .json(200, #"{"UnprocessedItems": {}}"#),
            .json(200, "{}"),
        ])
        let sleeper = RecordingSleeper()
        let summary = try await makeClient(transport, sleeper: sleeper).batchWriteItem(table: "t", requests: requests)
        #expect(summary == DynamoDBClient.BatchWriteSummary(calls: 5, resent: 3))
        #expect(sleeper.delays == [.milliseconds(500), .milliseconds(1000)])
        let sent = try transport.requests.map { try decodedRequestItems($0)["t"] ?? [] }
        #expect(sent.map(\.count) == [25, 2, 1, 25, 10])
        #expect(sent[1] == [.put(["pk": "item#3"]), .put(["pk": "item#4"])])
        #expect(sent[4].last == .put(["pk": "item#59"]))
        #expect(transport.requests.allSatisfy { $0.headers["X-Amz-Target"] == "DynamoDB_20120810.BatchWriteItem" })
    }

    @Test func batchWriteItemEncodesPutsAndDeletes() async throws {
        let transport = ScriptedTransport([.json(200, #"{"UnprocessedItems": {}}"#)])
        try await makeClient(transport).batchWriteItem(
            table: "t", requests: [.put(["pk": "a", "n": 1]), .delete(key: ["pk": "b"])])
        #expect(
            body(transport.requests[0])
                == #"{"RequestItems":{"t":[{"PutRequest":{"Item":{"n":{"N":"1"},"pk":{"S":"a"}}}},{"DeleteRequest":{"Key":{"pk":{"S":"b"}}}}]}}"#
        )
    }

    @Test func batchWriteItemGivesUpAfterItsBoundAndSaysHowManyAreLeft() async throws {
        let transport = ScriptedTransport(handler: { _ in
            .json(200, #"{"UnprocessedItems": {"t": [{"DeleteRequest": {"Key": {"pk": {"S": "a"}}}}]}}"#)
        })
        let sleeper = RecordingSleeper()
        let error = try #require(
            await #expect(throws: AWSError.self) {
                try await makeClient(transport, sleeper: sleeper).batchWriteItem(
                    table: "t", requests: [.delete(key: ["pk": "a"])], maxCallsPerChunk: 4)
            })
        #expect(error.code == "BatchWriteIncomplete")
        #expect(error.message == "1 write request was still unprocessed after 4 calls")
        #expect(transport.requests.count == 4)
        #expect(sleeper.delays == [.milliseconds(500), .milliseconds(1000), .milliseconds(2000)])
    }

    // MARK: Tables

    @Test func createTableIsOnDemandWithTheKeySchema() async throws {
        let transport = ScriptedTransport([
            .json(
                200,
                #"{"TableDescription": {"AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}], "TableName": "t", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}], "TableStatus": "CREATING", "CreationDateTime": 1795889754.312, "ItemCount": 0, "TableArn": "arn:aws:dynamodb:us-east-1:123456789012:table/t", "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"}}}"#
            )
        ])
        let table = try await makeClient(transport).createTable(
            name: "t", partitionKey: DynamoDBKeyAttribute("pk"),
            sortKey: DynamoDBKeyAttribute("sk", .number))
        #expect(
            body(transport.requests[0])
                == #"{"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],"BillingMode":"PAY_PER_REQUEST","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],"TableName":"t"}"#
        )
        #expect(table.status == .creating)
        #expect(table.arn == "arn:aws:dynamodb:us-east-1:123456789012:table/t")
        #expect(table.billingMode == "PAY_PER_REQUEST")
        #expect(table.partitionKey == DynamoDBKeyAttribute("pk", .string))
        #expect(table.sortKey == DynamoDBKeyAttribute("sk", .number))
        #expect(table.creationDate == Date(timeIntervalSince1970: 1_795_889_754.312))
    }

    @Test func waitUntilTableActivePollsThroughNotFoundAndCreating() async throws {
        let transport = ScriptedTransport([
            .json(
                400,
                #"{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found: Table: t not found"}"#
            ),
            .json(200, #"{"Table": {"TableName": "t", "TableStatus": "CREATING"}}"#),
            .json(200, #"{"Table": {"TableName": "t", "TableStatus": "ACTIVE", "ItemCount": 0}}"#),
        ])
        let sleeper = RecordingSleeper()
        let table = try await makeClient(transport, sleeper: sleeper).waitUntilTableActive(
            name: "t", pollInterval: .seconds(3))
        #expect(table.status == .active)
        #expect(sleeper.delays == [.seconds(3), .seconds(3)])
        #expect(transport.requests.allSatisfy { $0.headers["X-Amz-Target"] == "DynamoDB_20120810.DescribeTable" })
        #expect(body(transport.requests[0]) == #"{"TableName":"t"}"#)
    }

    @Test func waitUntilTableActiveTimesOutNamingTheLastStatus() async throws {
        let transport = ScriptedTransport(handler: { _ in
            .json(200, #"{"Table": {"TableName": "t", "TableStatus": "UPDATING"}}"#)
        })
        let sleeper = RecordingSleeper()
        let error = try #require(
            await #expect(throws: AWSError.self) {
                try await makeClient(transport, sleeper: sleeper).waitUntilTableActive(name: "t", maxAttempts: 3)
            })
        #expect(error.code == "WaiterTimeout")
        #expect(error.message == "table t was not ACTIVE after 3 polls (last: UPDATING)")
        #expect(transport.requests.count == 3)
        #expect(sleeper.delays.count == 2)
    }

    @Test func waitUntilTableActiveFailsAtOnceForADeletingTableOrAnotherError() async throws {
        let deleting = ScriptedTransport([.json(200, #"{"Table": {"TableName": "t", "TableStatus": "DELETING"}}"#)])
        let gone = try #require(
            await #expect(throws: AWSError.self) { try await makeClient(deleting).waitUntilTableActive(name: "t") })
        #expect(gone.code == "TableDeleting")
        let denied = ScriptedTransport([
            .json(400, #"{"__type":"com.amazon.coral.service#AccessDeniedException","Message":"not allowed"}"#)
        ])
        let error = try #require(
            await #expect(throws: AWSError.self) { try await makeClient(denied).waitUntilTableActive(name: "t") })
        #expect(error.code == "AccessDeniedException")
        #expect(denied.requests.count == 1)
    }

    @Test func updateTimeToLiveSendsTheSpecification() async throws {
        let transport = ScriptedTransport([
            .json(200, #"{"TimeToLiveSpecification": {"Enabled": true, "AttributeName": "expiresAt"}}"#)
        ])
        try await makeClient(transport).updateTimeToLive(table: "state", attribute: "expiresAt")
        #expect(transport.requests[0].headers["X-Amz-Target"] == "DynamoDB_20120810.UpdateTimeToLive")
        #expect(
            body(transport.requests[0])
                == #"{"TableName":"state","TimeToLiveSpecification":{"AttributeName":"expiresAt","Enabled":true}}"#)
    }

    @Test func describeTableOfAMissingTableIsNotFound() async throws {
        let transport = ScriptedTransport([
            .json(
                400,
                #"{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}"#
            )
        ])
        let error = try #require(
            await #expect(throws: AWSError.self) { try await makeClient(transport).describeTable(name: "nope") })
        #expect(error.isNotFound)
        #expect(error.attempts == 1)
    }

    @Test func anXMLErrorFromAFrontEndStillYieldsItsCode() async throws {
        // moto's signature and policy checks answer every service in XML, as some AWS front ends do.
        let transport = ScriptedTransport([
            .respond(
                HTTPResponse(
                    status: 403, headers: ["Content-Type": "text/xml"],
                    body: Data(
                        """
                        <?xml version="1.0" encoding="utf-8"?>
                        <ErrorResponse><Errors><Error><Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/agent is not authorized to perform: dynamodb:DeleteTable</Message></Error></Errors><RequestId>r-1</RequestId></ErrorResponse>
                        """.utf8)))
        ])
        let error = try #require(
            await #expect(throws: AWSError.self) { try await makeClient(transport).deleteTable(name: "t") })
        #expect(error.code == "AccessDenied")
        #expect(error.isAccessDenied)
        #expect(
            error.message
                == "User: arn:aws:iam::123456789012:user/agent is not authorized to perform: dynamodb:DeleteTable")
        #expect(error.attempts == 1)
    }

    // MARK: Operations

    @Test func operationsDeclareTheirIAMActions() {
        let actions = Dictionary(uniqueKeysWithValues: DynamoDBClient.Operations.all.map { ($0.name, $0.iamActions) })
        #expect(actions["UpdateItem"] == ["dynamodb:UpdateItem"])
        #expect(actions["Query"] == ["dynamodb:Query"])
        #expect(actions["BatchWriteItem"] == ["dynamodb:BatchWriteItem"])
        #expect(
            actions["TransactWriteItems"] == [
                "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem",
            ])
        #expect(actions["UpdateTimeToLive"] == ["dynamodb:UpdateTimeToLive"])
        #expect(DynamoDBClient.Operations.all.count == 12)
        #expect(DynamoDBClient.Operations.all.allSatisfy { $0.service == .dynamoDB })
    }

    // MARK: Helpers

    private func makeClient(_ transport: ScriptedTransport, sleeper: RecordingSleeper = RecordingSleeper())
        -> DynamoDBClient
    {
        var context = TestContexts.make(
            endpoint: URL(string: "http://127.0.0.1:1")!, transport: transport, sleeper: sleeper)
        context.retry = RetryStrategy(maxAttempts: 3, sleeper: sleeper, random: FixedRandom(0.5))
        return DynamoDBClient(context: context)
    }

    private func body(_ request: HTTPRequest) -> String { String(decoding: request.body, as: UTF8.self) }

    private func decodedRequestItems(_ request: HTTPRequest) throws -> [String: [DynamoDBWriteRequest]] {
        struct Input: Decodable {
            var RequestItems: [String: [DynamoDBWriteRequest]]
        }
        return try JSONDecoder().decode(Input.self, from: request.body).RequestItems
    }
}
