/// A small XML element tree: enough for S3, SNS, STS and IAM responses.
///
/// ``parse(_:)`` (in `XMLNode+Parsing.swift`) builds one from a response body; ``serialized()`` writes one for a
/// request body.
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
