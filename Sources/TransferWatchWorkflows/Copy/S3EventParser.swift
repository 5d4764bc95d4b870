import Foundation
import TransferWatchAWS

/// One object-created event: the object to move.
package struct S3ObjectEvent: Sendable, Equatable {
    package var bucket: String
    /// The key, decoded exactly as S3 encodes it in events (`+` is a space, then `%XX`).
    package var key: String
    package var size: Int64?
    package var eTag: String?
    package var versionID: String?
    /// Orders events on one key (compare as hex strings of equal length).
    package var sequencer: String?
    package var eventName: String
    package var eventTime: Date?
    /// Where in the input this record was, e.g. `Records[2]` or `Records[0].body.Records[1]`.
    package var origin: String

    package init(bucket: String, key: String, size: Int64? = nil, eTag: String? = nil, versionID: String? = nil, sequencer: String? = nil,
                 eventName: String = "ObjectCreated:Put", eventTime: Date? = nil, origin: String = "Records[0]") {
        self.bucket = bucket
        self.key = key
        self.size = size
        self.eTag = eTag
        self.versionID = versionID
        self.sequencer = sequencer
        self.eventName = eventName
        self.eventTime = eventTime
        self.origin = origin
    }
}

/// What one input held: the objects to move, the records skipped on purpose, and the records that are broken.
package struct S3EventBatch: Sendable, Equatable {
    /// Object-created records, in input order.
    package var objects: [S3ObjectEvent] = []
    /// Records acknowledged and ignored, with why (`s3:TestEvent`, `ObjectRemoved:Delete`).
    package var ignored: [(origin: String, reason: String)] = []
    /// Records that could not be read, each with a one-line reason naming the record.
    package var errors: [S3EventError] = []

    package init() {}

    package static func == (lhs: S3EventBatch, rhs: S3EventBatch) -> Bool {
        lhs.objects == rhs.objects && lhs.errors == rhs.errors
            && lhs.ignored.elementsEqual(rhs.ignored) { $0.origin == $1.origin && $0.reason == $1.reason }
    }
}

/// A record that could not be read.
package struct S3EventError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input's name (a file, `-`, or an SQS message ID).
    package var source: String
    /// Where in the input, e.g. `Records[2].s3.object.key`.
    package var path: String
    package var message: String

    package var description: String { "\(source): \(path): \(message)" }
}

/// Reads S3 event notifications: plain, in an SQS message body, in an SNS notification (raw or not), or in a
/// Lambda SQS/SNS event. One broken record never hides the others.
package enum S3EventParser {
    /// Parses one input document.
    /// - Parameter source: the input's name for error messages (a file path, `-`, an SQS message ID).
    package static func parse(_ data: Data, source: String) -> S3EventBatch {
        var batch = S3EventBatch()
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            batch.errors.append(S3EventError(source: source, path: "$", message: "not valid JSON (\(Self.jsonErrorSummary(error)))"))
            return batch
        }
        visit(root, path: "", source: source, depth: 0, into: &batch)
        return batch
    }

    private static func visit(_ value: Any, path: String, source: String, depth: Int, into batch: inout S3EventBatch) {
        let here = path.isEmpty ? "$" : path
        guard depth < 4 else {
            batch.errors.append(S3EventError(source: source, path: here, message: "envelopes nested too deeply"))
            return
        }
        guard let object = value as? [String: Any] else {
            // A JSON string holding JSON: an SQS body or SNS message that was passed as a string.
            if let text = value as? String, let inner = try? JSONSerialization.jsonObject(with: Data(text.utf8)) {
                visit(inner, path: path, source: source, depth: depth + 1, into: &batch)
            } else {
                batch.errors.append(S3EventError(source: source, path: here, message: "expected a JSON object"))
            }
            return
        }
        if let event = object["Event"] as? String, event == "s3:TestEvent" {
            batch.ignored.append((here, "s3:TestEvent"))
            return
        }
        // SNS notification (what SQS holds when raw delivery is off).
        if object["Type"] as? String == "Notification", object["Message"] != nil {
            visitEmbedded(object["Message"], path: prefixed(path, "Message"), source: source, depth: depth, into: &batch)
            return
        }
        // An SQS message as ReceiveMessage returns it.
        if let body = object["Body"] ?? (object["body"] != nil && object["eventSource"] == nil ? object["body"] : nil), object["Records"] == nil {
            visitEmbedded(body, path: prefixed(path, "Body"), source: source, depth: depth, into: &batch)
            return
        }
        guard let records = object["Records"] as? [Any] else {
            batch.errors.append(S3EventError(source: source, path: here, message: "no Records: not an S3, SQS or SNS event"))
            return
        }
        if records.isEmpty { batch.ignored.append((here, "no records")) }
        for (index, record) in records.enumerated() {
            let recordPath = prefixed(path, "Records[\(index)]")
            guard let fields = record as? [String: Any] else {
                batch.errors.append(S3EventError(source: source, path: recordPath, message: "expected a JSON object"))
                continue
            }
            let eventSource = (fields["eventSource"] ?? fields["EventSource"]) as? String
            switch eventSource {
            case "aws:sqs":
                visitEmbedded(fields["body"], path: recordPath + ".body", source: source, depth: depth, into: &batch)
            case "aws:sns":
                visitEmbedded((fields["Sns"] as? [String: Any])?["Message"], path: recordPath + ".Sns.Message", source: source, depth: depth, into: &batch)
            default:
                readRecord(fields, path: recordPath, source: source, into: &batch)
            }
        }
    }

    private static func visitEmbedded(_ value: Any?, path: String, source: String, depth: Int, into batch: inout S3EventBatch) {
        guard let text = value as? String else {
            if let value, value is [String: Any] {
                visit(value, path: path, source: source, depth: depth + 1, into: &batch)
            } else {
                batch.errors.append(S3EventError(source: source, path: path, message: "expected a JSON string"))
            }
            return
        }
        guard let inner = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else {
            batch.errors.append(S3EventError(source: source, path: path, message: "not valid JSON"))
            return
        }
        visit(inner, path: path, source: source, depth: depth + 1, into: &batch)
    }

    private static func readRecord(_ fields: [String: Any], path: String, source: String, into batch: inout S3EventBatch) {
        func fail(_ field: String, _ message: String) {
            batch.errors.append(S3EventError(source: source, path: path + field, message: message))
        }
        if let source = fields["eventSource"] as? String, source != "aws:s3" {
            batch.ignored.append((path, "event source \(source)"))
            return
        }
        if let version = fields["eventVersion"] as? String, !version.hasPrefix("2.") {
            fail(".eventVersion", "unsupported event version '\(version)' (expected 2.x)")
            return
        }
        guard let eventName = fields["eventName"] as? String else { return fail(".eventName", "missing") }
        guard eventName.hasPrefix("ObjectCreated:") else {
            batch.ignored.append((path, eventName))
            return
        }
        guard let s3 = fields["s3"] as? [String: Any] else { return fail(".s3", "missing") }
        guard let bucket = (s3["bucket"] as? [String: Any])?["name"] as? String, !bucket.isEmpty else { return fail(".s3.bucket.name", "missing") }
        guard let object = s3["object"] as? [String: Any] else { return fail(".s3.object", "missing") }
        guard let rawKey = object["key"] as? String, !rawKey.isEmpty else { return fail(".s3.object.key", "missing") }
        let key = URIEncoding.decode(rawKey, plusAsSpace: true)
        guard key.utf8.count <= 1024 else { return fail(".s3.object.key", "longer than S3's 1,024-byte limit") }
        var size: Int64?
        if let raw = object["size"] {
            guard let number = raw as? NSNumber, let value = Int64(exactly: number.doubleValue), value >= 0 else {
                return fail(".s3.object.size", "not a non-negative integer")
            }
            size = value
        }
        let eventTime = (fields["eventTime"] as? String).flatMap(AWSDate.parseISO8601)
        batch.objects.append(S3ObjectEvent(
            bucket: bucket, key: key, size: size, eTag: object["eTag"] as? String, versionID: object["versionId"] as? String,
            sequencer: object["sequencer"] as? String, eventName: eventName, eventTime: eventTime, origin: path))
    }

    private static func prefixed(_ path: String, _ component: String) -> String {
        path.isEmpty ? component : "\(path).\(component)"
    }

    private static func jsonErrorSummary(_ error: any Error) -> String {
        let text = "\((error as NSError).userInfo[NSDebugDescriptionErrorKey] ?? error.localizedDescription)"
        return text.split(separator: "\n").first.map(String.init) ?? text
    }
}
