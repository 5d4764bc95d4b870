import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A small XML element tree: enough for S3, SNS, STS and IAM responses.
///
/// Input is checked to be valid UTF-8 first: Foundation's `XMLParser` kills the process on invalid UTF-8 in an
/// element name (measured in swift-on-linux.md).
package struct XMLNode: Sendable, Equatable {
    package var name: String
    package var attributes: [String: String]
    package var children: [XMLNode]
    /// The concatenated character data directly inside this element.
    package var text: String

    package init(name: String, attributes: [String: String] = [:], children: [XMLNode] = [], text: String = "") {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    /// Why a document could not be parsed.
    package struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        package var message: String
        package var description: String { "malformed XML: \(message)" }
    }

    /// Parses a whole document and returns its root element.
    package static func parse(_ data: Data) throws(ParseError) -> XMLNode {
        guard String(validating: data, as: UTF8.self) != nil else { throw ParseError(message: "not valid UTF-8") }
        try refuseConstructsAWSNeverSends(data)
        let builder = TreeBuilder()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        let ok = parser.parse()
        guard ok, let root = builder.root else {
            throw ParseError(message: parser.parserError.map { "\($0.localizedDescription) at line \(parser.lineNumber)" } ?? "no root element")
        }
        return root
    }

    /// Refuses processing instructions (other than the leading XML declaration) and document type
    /// declarations before FoundationXML sees them.
    ///
    /// AWS responses carry neither, and FoundationXML crashes the process on a processing instruction without
    /// data (`<?x?>`: a NULL passed to `strlen`; found by `make fuzz`, kept in fuzz/regressions/xml/). A DTD
    /// is refused too, so no entity can be declared, let alone expanded.
    private static func refuseConstructsAWSNeverSends(_ data: Data) throws(ParseError) {
        let bytes = [UInt8](data)
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "<") {
                let next = bytes[index + 1]
                if next == UInt8(ascii: "?") {
                    let isDeclaration = index == start && bytes.count > index + 5
                        && bytes[index + 2 ..< index + 5].elementsEqual("xml".utf8)
                        && [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index + 5])
                    guard isDeclaration else {
                        throw ParseError(message: "processing instruction at byte \(index): AWS responses have none")
                    }
                } else if next == UInt8(ascii: "!"), bytes.count > index + 2, bytes[index + 2] != UInt8(ascii: "-"),
                    bytes[index + 2] != UInt8(ascii: "[")
                {
                    throw ParseError(message: "document type declaration at byte \(index): AWS responses have none")
                }
            }
            index += 1
        }
    }

    /// The first child named `name` (local name: a namespace prefix is ignored).
    package subscript(_ name: String) -> XMLNode? {
        children.first { $0.localName == name }
    }

    /// Every child named `name`.
    package func all(_ name: String) -> [XMLNode] { children.filter { $0.localName == name } }

    /// The text of the first child named `name`.
    package func string(_ name: String) -> String? { self[name]?.text }

    /// The element name without a namespace prefix.
    package var localName: String {
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }

    /// Follows a path of child names, e.g. `node.path("PublishResult", "MessageId")`.
    package func path(_ names: String...) -> XMLNode? {
        var node: XMLNode? = self
        for name in names { node = node?[name] }
        return node
    }

    /// Serialises the element (for request bodies), escaping text and attribute values.
    package func serialized() -> String {
        var out = "<\(name)"
        for (key, value) in attributes.sorted(by: { $0.key < $1.key }) { out += " \(key)=\"\(Self.escape(value))\"" }
        if children.isEmpty && text.isEmpty { return out + "/>" }
        out += ">" + Self.escape(text)
        for child in children { out += child.serialized() }
        return out + "</\(name)>"
    }

    /// Escapes `&`, `<`, `>`, `"` and `'`, and carriage returns (so they survive XML's end-of-line handling).
    package static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [XMLNode] = []
    var root: XMLNode?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        stack.append(XMLNode(name: elementName, attributes: attributes))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard var node = stack.popLast() else { return }
        if !node.children.isEmpty && node.text.allSatisfy(\.isWhitespace) { node.text = "" }
        if stack.isEmpty { root = node } else { stack[stack.count - 1].children.append(node) }
    }
}
