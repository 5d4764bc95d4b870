import Foundation

// ReceiveMessage's answer, read by hand with ``JSONReader`` (decoded once per 10 messages on the copy path). The
// answers are those of the `JSONDecoder` path (`ReceiveMessageOutput`'s `Decodable`, which
// SQSDecodingDifferentialTests compares it with): unknown members skipped, a repeated member or key keeps its
// first value, `null` for an optional member is absence, `BinaryValue` is base64.

extension SQSClient {
    /// The messages of a ReceiveMessage answer; an empty body or no `Messages` is none.
    ///
    /// - Throws: ``JSONReaderError`` for malformed JSON, a message without its `MessageId` or `ReceiptHandle`,
    ///   or a malformed attribute.
    static func decodeReceiveMessageOutput(_ data: Data) throws(JSONReaderError) -> ReceiveMessageOutput {
        if data.isEmpty { return ReceiveMessageOutput(messages: nil) }
        return try JSONReader.read(data) { (json) throws(JSONReaderError) -> ReceiveMessageOutput in
            var messages: [ReceiveMessageOutput.Message]?
            var seen = false
            try json.beginObject()
            while let key = try json.nextKey() {
                guard key == "Messages", !seen else {
                    try json.skipValue()
                    continue
                }
                seen = true
                if try json.readNullIfPresent() { continue }
                var list: [ReceiveMessageOutput.Message] = []
                try json.beginArray()
                while try json.nextElement() { list.append(try readMessage(&json)) }
                messages = list
            }
            return ReceiveMessageOutput(messages: messages)
        }
    }

    private static func readMessage(_ json: inout JSONReader) throws(JSONReaderError) -> ReceiveMessageOutput.Message {
        let start = json.valueOffset()
        var messageId: String?
        var receiptHandle: String?
        var md5OfBody: String?
        var body: String?
        var attributes: [String: String]?
        var md5OfMessageAttributes: String?
        var messageAttributes: [String: SQSMessageAttribute]?
        // Which members were read (a repeat keeps the first value), in the order of the cases below.
        var seen: UInt8 = 0
        func first(_ bit: UInt8) -> Bool {
            defer { seen |= bit }
            return seen & bit == 0
        }
        try json.beginObject()
        while let key = try json.nextKey() {
            switch key {
            case "MessageId" where first(1): messageId = try json.readString()
            case "ReceiptHandle" where first(2): receiptHandle = try json.readString()
            case "MD5OfBody" where first(4): md5OfBody = try json.readOptionalString()
            case "Body" where first(8): body = try json.readOptionalString()
            case "MD5OfMessageAttributes" where first(16): md5OfMessageAttributes = try json.readOptionalString()
            case "Attributes" where first(32):
                if try json.readNullIfPresent() { continue }
                var values: [String: String] = [:]
                try json.beginObject()
                while let name = try json.nextKey() {
                    if values[name] != nil { try json.skipValue() } else { values[name] = try json.readString() }
                }
                attributes = values
            case "MessageAttributes" where first(64):
                if try json.readNullIfPresent() { continue }
                var values: [String: SQSMessageAttribute] = [:]
                try json.beginObject()
                while let name = try json.nextKey() {
                    if values[name] != nil { try json.skipValue() } else { values[name] = try readAttribute(&json) }
                }
                messageAttributes = values
            default:
                try json.skipValue()
            }
        }
        guard let messageId else { throw JSONReaderError(offset: start, message: "a message without its MessageId") }
        guard let receiptHandle else {
            throw JSONReaderError(offset: start, message: "a message without its ReceiptHandle")
        }
        return ReceiveMessageOutput.Message(
            messageId: messageId, receiptHandle: receiptHandle, md5OfBody: md5OfBody, body: body,
            attributes: attributes, md5OfMessageAttributes: md5OfMessageAttributes,
            messageAttributes: messageAttributes)
    }

    private static func readAttribute(_ json: inout JSONReader) throws(JSONReaderError) -> SQSMessageAttribute {
        let start = json.valueOffset()
        var dataType: String?
        var stringValue: String?
        var binaryValue: Data?
        var seen: (dataType: Bool, string: Bool, binary: Bool) = (false, false, false)
        try json.beginObject()
        while let key = try json.nextKey() {
            switch key {
            case "DataType" where !seen.dataType:
                seen.dataType = true
                dataType = try json.readString()
            case "StringValue" where !seen.string:
                seen.string = true
                stringValue = try json.readOptionalString()
            case "BinaryValue" where !seen.binary:
                seen.binary = true
                let at = json.valueOffset()
                if let text = try json.readOptionalString() {
                    guard let data = Data(base64Encoded: text) else {
                        throw JSONReaderError(offset: at, message: "a BinaryValue that is not base64")
                    }
                    binaryValue = data
                }
            default:
                try json.skipValue()
            }
        }
        guard let dataType else {
            throw JSONReaderError(offset: start, message: "a message attribute without its DataType")
        }
        return SQSMessageAttribute(dataType: dataType, stringValue: stringValue, binaryValue: binaryValue)
    }
}

extension JSONReader {
    /// A string, or `nil` for `null`.
    fileprivate mutating func readOptionalString() throws(JSONReaderError) -> String? {
        try readNullIfPresent() ? nil : readString()
    }
}
