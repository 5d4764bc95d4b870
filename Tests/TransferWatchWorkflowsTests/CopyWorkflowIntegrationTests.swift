import Foundation
import Testing
import TransferWatchAWS
import TransferWatchConfig
import TransferWatchTestSupport
import TransferWatchWorkflows

/// The copy workflow against moto, over real HTTP: awkward keys, empty objects, metadata, the destination-key
/// template, the multipart path, redelivery, concurrent runs, crashes between steps, failures that must delete
/// nothing, malformed events, uploaders who are not counted, and the requests each move costs.
///
/// Every test makes its own buckets and tables (``WorkflowFixture``) on the suite's moto. Keys with `+`, `%` or
/// non-ASCII characters only work on a moto that does not verify signatures (moto 5.2.1 re-quotes the URL when it
/// checks one), so the one test that needs verification starts its own.
@Suite(.requiresMoto, .workflowMoto("test.workflows.copy")) struct CopyWorkflowIntegrationTests {
    // MARK: - Keys, bodies, metadata

    /// One upload that must arrive unchanged.
    struct UploadCase: Sendable, CustomTestStringConvertible {
        var name: String
        var key: String
        var body: Data
        var testDescription: String { name }
    }

    static let uploads: [UploadCase] = [
        UploadCase(name: "spaces", key: "alice/2026 11/invoice 17.pdf", body: Data("spaces".utf8)),
        UploadCase(name: "plus signs", key: "alice/a+b/c+d.pdf", body: Data("plus".utf8)),
        UploadCase(name: "percent signs", key: "alice/100% paid/50%25 off.pdf", body: Data("percent".utf8)),
        UploadCase(name: "tildes", key: "alice/~drafts/x~y.pdf", body: Data("tilde".utf8)),
        UploadCase(name: "unicode", key: "zoë/facture – été €/日本語 😀.pdf", body: Data("unicode".utf8)),
        UploadCase(
            name: "1,024-byte key", key: "alice/" + String(repeating: "k", count: 1012) + "ü.pdf",
            body: Data("long".utf8)),
        UploadCase(name: "zero-byte object", key: "alice/empty.pdf", body: Data()),
    ]

    /// The whole path from an S3 event (key URL-encoded as S3 sends it) to the destination: the key survives
    /// decoding and every request, the bytes, content type and user metadata arrive, the source is gone, the
    /// uploader is counted, and the move costs the three requests of the floor.
    @Test(arguments: uploads)
    func movesTheObjectAnEventAnnouncesWithItsMetadata(_ upload: UploadCase) async throws {
        #expect(upload.name != "1,024-byte key" || upload.key.utf8.count == 1024)
        let uploader = String(upload.key.prefix { $0 != "/" })
        let fixture = try await WorkflowFixture.make(endpoint: try endpoint(), employees: [uploader, "someone-else"])
        let uploaded = try await fixture.upload(
            upload.key, body: upload.body, contentType: "application/pdf",
            metadata: ["invoice-id": "INV-2026-0042", "client": "acme"])

        let batch = S3EventParser.parse(s3EventJSON([uploaded]), source: "event.json")
        #expect(batch.errors.isEmpty)
        let event = try #require(batch.objects.first)
        #expect(batch.objects.count == 1)
        #expect(event.key == upload.key)

        let record = try await fixture.makeWorkflow().run(event)
        #expect(record.result == .moved, "\(record.summary)")
        #expect(record.errorCode == nil)
        #expect(record.destination.key == upload.key)
        #expect(record.source.size == Int64(upload.body.count))
        #expect(record.bytes == Int64(upload.body.count))
        #expect(record.uploader == uploader)
        #expect(record.window == WorkflowFixture.windowID)
        #expect(record.delivery == "counted")
        #expect(record.counted)
        #expect(record.requests == 3)
        #expect(fixture.transport.operations == ["CopyObject", "TransactWriteItems", "DeleteObject"])

        let head = try #require(try await fixture.s3.headObject(bucket: fixture.destinationBucket, key: upload.key))
        #expect(head.contentLength == Int64(upload.body.count))
        #expect(head.contentType == "application/pdf")
        #expect(head.metadata == ["invoice-id": "INV-2026-0042", "client": "acme"])
        #expect(head.eTag?.normalized == uploaded.eTag)
        #expect(try await fixture.s3.getObject(bucket: fixture.destinationBucket, key: upload.key).body == upload.body)
        #expect(try await fixture.sourceKeys() == [])
        #expect(try await fixture.destinationKeys() == [upload.key])
        #expect(try await fixture.ledger.deliveredUsernames(WorkflowFixture.windowID) == [uploader])
    }

    /// `{yyyy}/{mm}` come from the event time read in the configured time zone: 2026-11-30T12:00Z is already
    /// December in Auckland (UTC+13), 10:00Z is still November. Both belong to the window opened on the 28th.
    @Test func rendersTheDestinationKeyFromTheEventTimeInTheConfiguredTimeZone() async throws {
        let auckland = try #require(TimeZone(identifier: "Pacific/Auckland"))
        let fixture = try await WorkflowFixture.make(
            endpoint: try endpoint(), employees: ["alice", "bob"],
            calendar: DeliveryWindowCalendar(provision: schedule("cron(0 0 28 * ? *)"), timeZone: auckland))
        let workflow = fixture.makeWorkflow(
            destinationKey: try KeyTemplate(parsing: "{yyyy}/{mm}/{username}/{filename}"))
        let december = try await fixture.upload("alice/sub/dir/invoice.pdf", at: date("2026-11-30T12:00:00Z"))
        let november = try await fixture.upload("bob/invoice 2.pdf", at: date("2026-11-30T10:00:00Z"))

        let first = try await workflow.run(december)
        let second = try await workflow.run(november)
        #expect(first.result == .moved)
        #expect(first.destination.key == "2026/12/alice/invoice.pdf")
        #expect(second.result == .moved)
        #expect(second.destination.key == "2026/11/bob/invoice 2.pdf")
        #expect([first.window, second.window] == ["2026-11", "2026-11"])
        #expect([first.delivery, second.delivery] == ["counted", "counted"])
        #expect(try await fixture.destinationKeys() == ["2026/11/bob/invoice 2.pdf", "2026/12/alice/invoice.pdf"])
        #expect(try await fixture.sourceKeys() == [])
    }

    // MARK: - Multipart

    /// Above the threshold the copy is an `UploadPartCopy` in parts: 12 MiB in 5 MiB parts is 3 parts, the
    /// destination holds the same bytes with the content type and metadata, and the record says so.
    @Test func copiesALargeObjectInPartsAndTheBytesMatch() async throws {
        let fixture = try await WorkflowFixture.make(endpoint: try endpoint())
        var generator = SeededGenerator(seed: 12)
        let words = (0..<(12 << 20) / 8).map { _ in generator.next() }
        let body = words.withUnsafeBytes { Data($0) }
        #expect(body.count == 12 << 20)
        let event = try await fixture.upload(
            "alice/big scan.tiff", body: body, contentType: "image/tiff", metadata: ["pages": "340"])
        let sourceBytes = try await fixture.s3.getObject(bucket: fixture.sourceBucket, key: event.key).body

        let record = try await fixture.makeWorkflow(multipartThreshold: 8 << 20, partSize: 5 << 20).run(event)
        #expect(record.result == .moved, "\(record.summary)")
        #expect(record.multipart)
        #expect(record.parts == 3)
        #expect(record.bytes == Int64(body.count))
        #expect(record.destination.size == Int64(body.count))
        #expect(record.destination.eTag?.hasSuffix("-3") == true)
        #expect(record.counted)
        #expect(record.requests == fixture.transport.operations.count)
        #expect(fixture.transport.operations.filter { $0 == "UploadPartCopy" }.count == 3)

        let (metadata, destinationBytes) = try await fixture.s3.getObject(
            bucket: fixture.destinationBucket, key: event.key)
        #expect(destinationBytes == sourceBytes)
        #expect(destinationBytes == body)
        #expect(metadata.contentType == "image/tiff")
        #expect(metadata.metadata == ["pages": "340"])
        #expect(try await fixture.sourceKeys() == [])
        #expect(try await fixture.s3.listMultipartUploads(bucket: fixture.destinationBucket).isEmpty)
    }

    // MARK: - Redelivery, concurrency, crashes

    /// The same event twice: moved, then already moved; one object, one count.
    @Test func aRedeliveredEventIsAlreadyMovedAndCountedOnce() async throws {
        let fixture = try await WorkflowFixture.make(endpoint: try endpoint(), employees: ["alice", "bob"])
        let workflow = fixture.makeWorkflow()
        let event = try await fixture.upload("alice/invoice.pdf")

        let first = try await workflow.run(event)
        let second = try await workflow.run(event)
        #expect(first.result == .moved)
        #expect(first.delivery == "counted")
        #expect(second.result == .alreadyMoved, "\(second.summary)")
        #expect(second.delivery == "alreadyCounted")
        #expect(!second.counted)
        #expect(!second.isFailure)
        #expect(second.destination.eTag == event.eTag)

        let window = try await fixture.windowState()
        #expect(window.delivered == 1)
        #expect(window.remaining == 1)
        #expect(try await fixture.destinationKeys() == ["alice/invoice.pdf"])
        #expect(try await fixture.sourceKeys() == [])
    }

    /// Two runs of one object at once (two agents got the same event): one object at the destination, the source
    /// gone, the employee counted once, and neither run failed. Six objects race at once to get more interleavings.
    @Test func twoConcurrentRunsOfOneObjectMoveItOnceAndCountItOnce() async throws {
        let employees = (1...6).map { "employee-\($0)" }
        let fixture = try await WorkflowFixture.make(endpoint: try endpoint(), employees: employees + ["absent"])
        let events = try await withThrowingTaskGroup(of: S3ObjectEvent.self) { group in
            for name in employees { group.addTask { try await fixture.upload("\(name)/invoice.pdf") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let agentA = fixture.makeWorkflow()
        let agentB = fixture.makeWorkflow()

        let pairs = try await withThrowingTaskGroup(of: (CopyStepRecord, CopyStepRecord).self) { group in
            for event in events {
                group.addTask {
                    async let a = agentA.run(event)
                    async let b = agentB.run(event)
                    return try await (a, b)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }

        for (a, b) in pairs {
            #expect(!a.isFailure && !b.isFailure, "\(a.summary) / \(b.summary)")
            #expect(Set([a.result, b.result]).isSubset(of: [.moved, .alreadyMoved]), "\(a.summary) / \(b.summary)")
            #expect(a.result == .moved || b.result == .moved)
            #expect([a.counted, b.counted].filter { $0 }.count == 1, "\(a.summary) / \(b.summary)")
        }
        let window = try await fixture.windowState()
        #expect(window.delivered == 6)
        #expect(window.remaining == 1)
        #expect(try await fixture.ledger.deliveredUsernames(WorkflowFixture.windowID) == employees.sorted())
        #expect(try await fixture.destinationKeys() == employees.map { "\($0)/invoice.pdf" }.sorted())
        #expect(try await fixture.sourceKeys() == [])
    }

    /// A crash after the copy, after the count, or after the delete, then a normal run: the file is in the
    /// destination exactly once, the source is gone, and the employee is counted exactly once.
    @Test(arguments: CopyWorkflow.Checkpoint.allCases)
    func aRunAfterACrashFinishesTheMove(_ crashPoint: CopyWorkflow.Checkpoint) async throws {
        let fixture = try await WorkflowFixture.make(endpoint: try endpoint(), employees: ["alice", "bob"])
        let body = Data("invoice 2026-11 for acme\n".utf8)
        let event = try await fixture.upload("alice/invoice.pdf", body: body)
        var crashing = fixture.makeWorkflow()
        crashing.checkpoint = { point in if point == crashPoint { throw SimulatedCrash(at: point) } }

        await #expect(throws: SimulatedCrash(at: crashPoint)) { try await crashing.run(event) }
        // What the crash left behind.
        let sourceLeft = try await fixture.sourceKeys()
        let deliveredAfterCrash = try await fixture.windowState().delivered
        switch crashPoint {
        case .afterCopy:
            #expect(sourceLeft == ["alice/invoice.pdf"])
            #expect(deliveredAfterCrash == 0)
        case .afterCount:
            #expect(sourceLeft == ["alice/invoice.pdf"])
            #expect(deliveredAfterCrash == 1)
        case .afterDelete:
            #expect(sourceLeft == [])
            #expect(deliveredAfterCrash == 1)
        }
        #expect(try await fixture.destinationKeys() == ["alice/invoice.pdf"])

        let rerun = try await fixture.makeWorkflow().run(event)
        #expect(!rerun.isFailure, "\(rerun.summary)")
        #expect(rerun.result == (crashPoint == .afterDelete ? .alreadyMoved : .moved))
        #expect(rerun.delivery == (crashPoint == .afterCopy ? "counted" : "alreadyCounted"))

        let window = try await fixture.windowState()
        #expect(window.delivered == 1)
        #expect(window.remaining == 1)
        #expect(try await fixture.ledger.deliveredUsernames(WorkflowFixture.windowID) == ["alice"])
        #expect(try await fixture.destinationKeys() == ["alice/invoice.pdf"])
        #expect(
            try await fixture.s3.getObject(bucket: fixture.destinationBucket, key: "alice/invoice.pdf").body == body)
        #expect(try await fixture.sourceKeys() == [])
    }

    // MARK: - Failures that must delete nothing

    /// No destination bucket: the copy fails with `NoSuchBucket`, and the source stays, uncounted.
    @Test func aMissingDestinationBucketFailsAndDeletesNothing() async throws {
        let fixture = try await WorkflowFixture.make(endpoint: try endpoint(), createsDestinationBucket: false)
        let event = try await fixture.upload("alice/invoice.pdf")

        let record = try await fixture.makeWorkflow().run(event)
        #expect(record.result == .failed)
        #expect(record.isFailure)
        #expect(record.errorCode == "NoSuchBucket")
        #expect(record.errorMessage?.contains("NoSuchBucket") == true)
        #expect(
            record.summary.hasPrefix(
                "FAILED \(fixture.sourceBucket)/alice/invoice.pdf -> \(fixture.destinationBucket)/alice/invoice.pdf: NoSuchBucket"
            ))
        #expect(!record.counted)
        #expect(!fixture.transport.operations.contains("DeleteObject"))
        #expect(try await fixture.sourceKeys() == ["alice/invoice.pdf"])
        #expect(
            try await fixture.s3.headObject(bucket: fixture.sourceBucket, key: event.key)?.eTag?.normalized
                == event.eTag)
        #expect(try await fixture.windowState().delivered == 0)
    }

    /// With moto checking signatures and IAM policies: an agent allowed to read (and delete) the source but not
    /// to write the destination fails with `AccessDenied` and deletes nothing; with the permission, the same move
    /// then succeeds (so it was the permission that failed).
    @Test func accessDeniedOnTheDestinationFailsAndDeletesNothing() async throws {
        let moto = try await MotoServer.start(verifySignatures: true, logger: quietLogger("test.workflows.copy.iam"))
        defer { moto.stop() }
        let adminKey = try await moto.makeCredentials(userName: "admin")
        let admin = AWSCredentials(accessKeyID: adminKey.accessKeyID, secretAccessKey: adminKey.secretAccessKey)
        let fixture = try await WorkflowFixture.make(
            endpoint: moto.endpoint, credentials: admin, employees: ["alice", "bob"])
        let event = try await fixture.upload("alice/invoice 17.pdf")

        let iam = IAMClient(context: TestContexts.make(endpoint: moto.endpoint, credentials: admin))
        _ = try await iam.createUser(name: "copier")
        let copier = try await iam.createAccessKey(userName: "copier")
        let source = "arn:aws:s3:::\(fixture.sourceBucket)"
        let destination = "arn:aws:s3:::\(fixture.destinationBucket)"
        let policy: [String: Any] = [
            "Version": "2012-10-17",
            "Statement": [
                [
                    "Effect": "Allow", "Action": ["s3:GetObject", "s3:DeleteObject", "s3:ListBucket"],
                    "Resource": [source, "\(source)/*"],
                ],
                [
                    "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                    "Resource": [destination, "\(destination)/*"],
                ],
                ["Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"],
            ],
        ]
        // Compact JSON: moto checks a Query request's signature over the form re-encoded its own way (`+` for a
        // space), so a document with whitespace would be refused whoever signed it.
        let document = try JSONSerialization.data(
            withJSONObject: policy, options: [.sortedKeys, .withoutEscapingSlashes])
        try await iam.putUserPolicy(
            userName: "copier", policyName: "read-source-only", document: String(decoding: document, as: UTF8.self))

        // The policy lets the agent read the source: what it lacks is the write to the destination.
        let copierS3 = S3Client(context: TestContexts.make(endpoint: moto.endpoint, credentials: copier))
        #expect(
            try await copierS3.headObject(bucket: fixture.sourceBucket, key: event.key)?.eTag?.normalized == event.eTag)

        let record = try await fixture.makeWorkflow(credentials: copier).run(event)
        #expect(record.result == .failed)
        #expect(record.errorCode == "AccessDenied", "\(record.summary)")
        #expect(record.attempts == 1)
        #expect(record.summary.contains("AccessDenied"))
        #expect(!record.counted)
        #expect(!fixture.transport.operations.contains("DeleteObject"))
        #expect(try await fixture.sourceKeys() == [event.key])
        #expect(try await fixture.destinationKeys() == [])
        #expect(try await fixture.windowState().delivered == 0)

        let allowed = try await fixture.makeWorkflow().run(event)
        #expect(allowed.result == .moved, "\(allowed.summary)")
        #expect(try await fixture.destinationKeys() == [event.key])
    }

    /// The source is gone and the destination does not hold it: a failure named `SourceMissing`, whether the
    /// run came from an event or from `--bucket/--key`; nothing counted.
    @Test func aMissingSourceWithNoDestinationFails() async throws {
        let fixture = try await WorkflowFixture.make(endpoint: try endpoint())
        let workflow = fixture.makeWorkflow()
        let fromEvent = try await workflow.run(
            S3ObjectEvent(
                bucket: fixture.sourceBucket, key: "alice/never-uploaded.pdf", size: 10,
                eTag: "0123456789abcdef0123456789abcdef", eventTime: WorkflowFixture.deliveredAt))
        let fromKey = try await workflow.run(bucket: fixture.sourceBucket, key: "alice/never-uploaded.pdf")

        for record in [fromEvent, fromKey] {
            #expect(record.result == .failed)
            #expect(record.errorCode == "SourceMissing")
            #expect(record.errorMessage?.contains("does not exist") == true, "\(record.summary)")
            #expect(!record.counted)
            #expect(record.delivery == nil)
        }
        #expect(try await fixture.destinationKeys() == [])
        #expect(try await fixture.windowState().delivered == 0)
    }

    // MARK: - Events

    /// One event with good and broken records: the good ones are moved, each broken one is reported with its
    /// place in the event, and none stops the others.
    @Test func aMalformedEventMovesTheGoodRecordsAndReportsTheBrokenOnes() async throws {
        let fixture = try await WorkflowFixture.make(endpoint: try endpoint(), employees: ["alice", "bob", "carol"])
        let alice = try await fixture.upload("alice/invoice 1.pdf")
        let bob = try await fixture.upload("bob/invoice+2.pdf")
        let good = try JSONSerialization.jsonObject(with: s3EventJSON([alice, bob])) as? [String: Any]
        var records: [Any] = try #require(good?["Records"] as? [[String: Any]])
        var noKey = try #require(records[0] as? [String: Any])
        var s3 = try #require(noKey["s3"] as? [String: Any])
        var object = try #require(s3["object"] as? [String: Any])
        object["key"] = nil
        s3["object"] = object
        noKey["s3"] = s3
        records.insert(noKey, at: 1)
        records.append(["eventVersion": "2.1", "eventSource": "aws:s3", "eventName": "ObjectCreated:Put"])
        records.append("not a record")
        let data = try JSONSerialization.data(withJSONObject: ["Records": records])

        let batch = S3EventParser.parse(data, source: "event.json")
        #expect(batch.objects.map(\.key) == ["alice/invoice 1.pdf", "bob/invoice+2.pdf"])
        #expect(
            batch.errors.map(\.description) == [
                "event.json: Records[1].s3.object.key: missing",
                "event.json: Records[3].s3: missing",
                "event.json: Records[4]: expected a JSON object",
            ])

        let moved = try await fixture.makeWorkflow().run(batch.objects, concurrency: 2)
        #expect(moved.map(\.result) == [.moved, .moved])
        #expect(moved.map(\.origin) == ["Records[0]", "Records[2]"])
        #expect(try await fixture.destinationKeys() == ["alice/invoice 1.pdf", "bob/invoice+2.pdf"])
        #expect(try await fixture.sourceKeys() == [])
        #expect(try await fixture.windowState().delivered == 2)
    }

    // MARK: - Uploads that are moved but not counted

    /// Someone who is not an employee, an employee with `active: false`, and a key with no uploader segment:
    /// all moved, none counted, each reported as `unknownUploader`.
    @Test func uploadsByNonEmployeesAreMovedButNotCounted() async throws {
        let fixture = try await WorkflowFixture.make(
            endpoint: try endpoint(), employees: ["alice"], inactiveEmployees: ["bob"])
        let workflow = fixture.makeWorkflow()
        let keys = ["mallory/invoice.pdf", "bob/invoice.pdf", "loose-invoice.pdf"]
        var records: [CopyStepRecord] = []
        for key in keys { records.append(try await workflow.run(try await fixture.upload(key))) }

        for record in records {
            #expect(record.result == .moved, "\(record.summary)")
            #expect(record.delivery == "unknownUploader")
            #expect(!record.counted)
            #expect(!record.notes.isEmpty)
        }
        #expect(records.map(\.uploader) == ["mallory", "bob", nil])
        #expect(records[0].notes.contains("uploader 'mallory' is not an active employee"))
        #expect(records[1].notes.contains("uploader 'bob' is not an active employee"))
        #expect(try await fixture.destinationKeys() == keys.sorted())
        #expect(try await fixture.sourceKeys() == [])
        let window = try await fixture.windowState()
        #expect(window.delivered == 0)
        #expect(window.remaining == 1)
        #expect(try await fixture.ledger.deliveredUsernames(WorkflowFixture.windowID) == [])
    }

    /// A window that was never opened, one that was closed, and an upload before the first provisioning time:
    /// moved, reported as `windowNotOpen`, not counted; the record's request count matches the wire.
    @Test(arguments: ["never opened", "closed", "before the first provisioning"])
    func uploadsOutsideAnOpenWindowAreMovedButNotCounted(_ situation: String) async throws {
        let calendar =
            situation == "before the first provisioning"
            ? DeliveryWindowCalendar(provision: schedule("at(2026-12-28T00:00:00)"), timeZone: .gmt)
            : WorkflowFixture.calendar
        let fixture = try await WorkflowFixture.make(
            endpoint: try endpoint(), window: situation == "never opened" ? nil : WorkflowFixture.windowID,
            calendar: calendar)
        if situation == "closed" {
            try await fixture.ledger.closeWindow(
                WorkflowFixture.windowID, reason: "teardown", at: date("2026-11-29T00:00:00Z"))
        }
        let record = try await fixture.makeWorkflow().run(try await fixture.upload("alice/invoice.pdf"))

        #expect(record.result == .moved, "\(record.summary)")
        #expect(record.delivery == "windowNotOpen")
        #expect(!record.counted)
        #expect(record.window == (situation == "before the first provisioning" ? nil : WorkflowFixture.windowID))
        #expect(record.requests == fixture.transport.operations.count, "\(fixture.transport.operations)")
        #expect(try await fixture.destinationKeys() == ["alice/invoice.pdf"])
        #expect(try await fixture.sourceKeys() == [])
        if situation != "never opened" {
            #expect(try await fixture.ledger.window(WorkflowFixture.windowID)?.delivered == 0)
        }
        #expect(try await fixture.ledger.deliveredUsernames(WorkflowFixture.windowID) == [])
    }

    // MARK: - Cost

    /// The floor: a move from an event costs CopyObject, TransactWriteItems and DeleteObject; from a bare
    /// bucket and key, a HeadObject first. `record.requests` is what went over the wire.
    /// Every answer to the source's `DeleteObject` is lost after S3 deleted it (reset after forwarding, each
    /// attempt): the `HeadObject` that follows finds the source gone, so the step is `moved`. Recorded as failed,
    /// its redelivery would be "already moved" and the move counted by no step (`CopySucceeded` one short).
    @Test func aDeleteWhoseAnswersAreLostButThatTookEffectIsMoved() async throws {
        let fixture = try await WorkflowFixture.make(endpoint: try endpoint(), employees: ["alice", "bob"])
        let proxy = try await FaultProxy.start(upstream: try endpoint(), rate: 0)
        defer { proxy.stop() }
        let event = try await fixture.upload("alice/invoice.pdf")
        try await proxy.target("alice/invoice.pdf", count: 1_000, fault: .resetAfterForwarding, method: "DELETE")

        let record = try await fixture.makeWorkflow(through: proxy.endpoint).run(event)
        #expect(record.result == .moved, "\(record.summary)")
        #expect(record.notes.contains { $0.contains("the deletion took effect") }, "\(record.notes)")
        #expect(record.requests == 4)
        // Each attempt counts in the transport: the delete's attempts, then one HeadObject.
        let sent = fixture.transport.operations
        #expect(sent.first == "CopyObject" && sent.last == "HeadObject", "\(sent)")
        #expect(sent.filter { $0 == "DeleteObject" }.count >= 3, "\(sent)")
        #expect(try await fixture.sourceKeys() == [])
        #expect(try await fixture.destinationKeys() == ["alice/invoice.pdf"])
        let stats = try await proxy.statistics()
        #expect((stats["reset-after"] ?? 0) >= 3, "every attempt met the fault: \(stats)")
    }

    /// A `DeleteObject` that never reaches S3 (reset before forwarding, each attempt) leaves the source in
    /// place: the `HeadObject` finds it, and the step fails with the delete's error, for a redelivery to finish.
    @Test func aDeleteThatNeverReachedS3FailsAndKeepsTheSource() async throws {
        let fixture = try await WorkflowFixture.make(endpoint: try endpoint())
        let proxy = try await FaultProxy.start(upstream: try endpoint(), rate: 0)
        defer { proxy.stop() }
        let event = try await fixture.upload("alice/invoice.pdf")
        try await proxy.target("alice/invoice.pdf", count: 1_000, fault: .reset, method: "DELETE")

        let record = try await fixture.makeWorkflow(through: proxy.endpoint).run(event)
        #expect(record.result == .failed, "\(record.summary)")
        #expect(record.errorCode == "ConnectionReset", "\(record.summary)")
        #expect(!record.notes.contains { $0.contains("the deletion took effect") })
        #expect(try await fixture.sourceKeys() == ["alice/invoice.pdf"])
        #expect(try await fixture.destinationKeys() == ["alice/invoice.pdf"])
    }

    @Test func aMoveCostsThreeRequestsFromAnEventAndFourFromABareKey() async throws {
        let fixture = try await WorkflowFixture.make(endpoint: try endpoint(), employees: ["alice", "bob", "carol"])
        let workflow = fixture.makeWorkflow()
        let event = try await fixture.upload("alice/invoice.pdf")
        try await fixture.upload("bob/invoice.pdf")

        let fromEvent = try await workflow.run(event)
        #expect(fromEvent.result == .moved)
        #expect(fromEvent.requests == 3)
        #expect(fixture.transport.operations == ["CopyObject", "TransactWriteItems", "DeleteObject"])

        fixture.transport.reset()
        let fromKey = try await workflow.run(bucket: fixture.sourceBucket, key: "bob/invoice.pdf")
        #expect(fromKey.result == .moved)
        #expect(fromKey.counted)
        #expect(fromKey.origin == "--bucket/--key")
        #expect(fromKey.window == WorkflowFixture.windowID)
        #expect(fromKey.requests == 4)
        #expect(fixture.transport.operations == ["HeadObject", "CopyObject", "TransactWriteItems", "DeleteObject"])
    }

    private func endpoint() throws -> URL {
        try #require(WorkflowMoto.endpoint, "the suite's moto is not running")
    }
}
