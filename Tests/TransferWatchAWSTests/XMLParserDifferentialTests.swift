import Foundation
import Testing
import TransferWatchAWS

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Ours, not FoundationXML's `XMLNode` class (this file imports both).
typealias XMLNode = TransferWatchAWS.XMLNode

/// `XMLNode.parse` (a parser over the bytes) against FoundationXML's `XMLParser`, the parser it replaced: on every
/// document of the corpus both give the same tree, or both refuse it.
@Suite struct XMLParserDifferentialTests {
    // MARK: - Corpus

    /// Response bodies in the shapes AWS sends.
    static let awsBodies: [String] = [
        S3Bodies.copyObjectResult, S3Bodies.copyPartResult, S3Bodies.initiateMultipartUploadResult,
        S3Bodies.completeMultipartUploadResult, S3Bodies.emptyListPage,
        S3Bodies.error("NoSuchKey", "The specified key does not exist.", extra: "<Key>in/a&amp;b.csv</Key>"),
        S3Bodies.error(
            "SignatureDoesNotMatch", "The request signature we calculated does not match",
            extra:
                "<AWSAccessKeyId>AKIA</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256\n20261128T000000Z</StringToSign>"
                + "<SignatureProvided>abc</SignatureProvided>"),
        S3ClientResponseTests.encodedPage,
        S3ClientErrorTests.internalErrorIn200,
        listPage(keys: 40),
        #"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><UserId>AKIAIOSFODNN7EXAMPLE</UserId><Account>123456789012</Account><Arn>arn:aws:sts::123456789012:user/moto</Arn></GetCallerIdentityResult><ResponseMetadata><RequestId>2HaVNOtn</RequestId></ResponseMetadata></GetCallerIdentityResponse>"#,
        #"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIARZPUZDIKBTYLSVF3</AccessKeyId><SecretAccessKey>7yObvJoc+/=</SecretAccessKey><SessionToken>FQoGZXIv</SessionToken><Expiration>2026-11-28T19:16:09Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA3X42LBCDRH7MP1DBS:sess</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/r/sess</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>SF0T6uR3</RequestId></ResponseMetadata></AssumeRoleResponse>"#,
        #"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>Couldn't retrieve verification key from your identity provider</Message></Error><RequestId>r-1</RequestId></ErrorResponse>"#,
        #"<CreateAccessKeyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateAccessKeyResult><AccessKey><UserName>sftp-agent</UserName><AccessKeyId>AKIARZPUZDIKGYQ56U3A</AccessKeyId><Status>Active</Status><SecretAccessKey>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</SecretAccessKey><CreateDate>2026-11-28T18:16:15.441567Z</CreateDate></AccessKey></CreateAccessKeyResult><ResponseMetadata><RequestId>O64Kga3l</RequestId></ResponseMetadata></CreateAccessKeyResponse>"#,
        "<GetUserPolicyResponse><GetUserPolicyResult><UserName>u</UserName><PolicyName>p</PolicyName><PolicyDocument>%7B%22Version%22%3A%222012-10-17%22%7D</PolicyDocument></GetUserPolicyResult></GetUserPolicyResponse>",
        "<ListAccessKeysResponse><ListAccessKeysResult><AccessKeyMetadata/><IsTruncated>true</IsTruncated></ListAccessKeysResult></ListAccessKeysResponse>",
        #"<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>8cb4d4b2-38c2-4658-8e7d-e85e54b71177</MessageId></PublishResult><ResponseMetadata><RequestId>AllvpfA8</RequestId></ResponseMetadata></PublishResponse>"#,
        // IAM and SNS pretty-print their answers.
        """
        <?xml version="1.0"?>
        <ListUserPoliciesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
          <ListUserPoliciesResult>
            <PolicyNames>
              <member>transferwatch</member>
              <member>a &lt; b &amp;&amp; c &gt; d</member>
            </PolicyNames>
            <IsTruncated>false</IsTruncated>
          </ListUserPoliciesResult>
          <ResponseMetadata>
            <RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId>
          </ResponseMetadata>
        </ListUserPoliciesResponse>
        """,
    ]

    /// Entities, CDATA, whitespace, names and declarations, well-formed and not.
    static let edgeCases: [String] = [
        "<a/>", "<a></a>", "<a> </a>", "<a>\n\t </a>", "<a> <b/> </a>", "<a> x <b/> y </a>", "<a><b/>\u{A0}</a>",
        "<a>x &amp; y &lt; &gt; &quot; &apos;</a>", "<a>&#65;&#x42;&#x1F600;&#0000067;&#xd;&#9;</a>",
        "<a>&amp;amp;</a>", "<a>&#38;#38;</a>", "<a>&#x0;</a>", "<a>&#xD800;</a>", "<a>&#xFFFE;</a>",
        "<a>&#x110000;</a>", "<a>&#99999999999999999999;</a>", "<a>&#;</a>", "<a>&#x;</a>", "<a>&#65</a>",
        "<a>&#6 5;</a>", "<a>&#xG;</a>", "<a>&foo;</a>", "<a>&amp</a>", "<a>& amp;</a>", "<a>&</a>", "<a>&;</a>",
        "<a>&AMP;</a>",
        "<a><![CDATA[x < y & z]]></a>", "<a><![CDATA[]]></a>", "<a>1<![CDATA[2]]>3<b/>4</a>",
        "<a><![CDATA[x]]]]><![CDATA[>]]></a>", "<a><![CDATA[&amp;]]></a>", "<a><![CDATA[x]]></a>",
        "<a><![CDATA[unclosed</a>", "<a><![cdata[x]]></a>", "<a>]]></a>", "<a>]]</a>", "<a>]></a>", "<a>x>y</a>",
        "<a>x\r\ny\rz\r</a>", "<a><![CDATA[x\r\ny\r]]></a>", "<a>\r\n</a>",
        #"<a b="1" c='2' d = "3"/>"#, #"<a b="x&amp;y&#10;z&lt;"/>"#, "<a b=\"x\ny\tz\r\nw\rv\"/>",
        #"<a b="'" c='"'/>"#, #"<a b="x>y"/>"#, #"<a b="<"/>"#, #"<a b="1" b="2"/>"#, #"<a b="1"c="2"/>"#,
        "<a b=1/>", #"<a b/>"#, #"<a b=/>"#, #"<a ="1"/>"#, #"<a b="1/>"#, #"<a b="&foo;"/>"#, #"<a b="&#0;"/>"#,
        #"<a b="&"/>"#,
        #"<a xmlns="http://s3.amazonaws.com/doc/2006-03-01/" xmlns:p="urn:p" p:q="1"><p:b>x</p:b></a>"#,
        #"<a xml:lang="en"/>"#, #"<p:a xmlns:p="urn:p"><p:b/></p:a>"#,
        "<ü日/>", "<a·b/>", "<_a-b.c9/>", "<1a/>", "<-a/>", "<.a/>", "< a/>", "<a ></a >", "<a></ a>",
        "<a><b></a></b>", "<a></b>", "<a><b></b>", "<a>", "</a>", "<a/></a>", "<A></a>", "<a/>", "<a>x</a >",
        "", " ", "\n", "x", "x<a/>", "<a/>x", "<a/><b/>", "<a/>&amp;", "<a/><![CDATA[x]]>", "<a/>\n \t\r\n",
        "\u{FEFF}<a/>", "\u{FEFF}\u{FEFF}<a/>", " \u{FEFF}<a/>",
        "<!-- c --><a><!-- d --><b/><!----></a><!-- e -->", "<a>x<!-- c -->y</a>", "<a><!-- a -- b --></a>",
        "<a><!-- a ---></a>", "<a><!--></a>", "<a><!-- unclosed</a>", "<a/><!-- unclosed", "<!-- -->",
        #"<?xml version="1.0" encoding="UTF-8"?><a/>"#, #"<?xml version="1.0"?>"# + "\n<a/>",
        #"<?xml version='1.0' encoding='utf-8' standalone='yes'?><a/>"#, #"<?xml  version="1.0"  ?><a/>"#,
        #"<?xml version="1.1"?><a/>"#, #"<?xml version="2.0"?><a/>"#, #"<?xml version="1"?><a/>"#,
        #"<?xml encoding="UTF-8"?><a/>"#, #"<?xml version="1.0" standalone="maybe"?><a/>"#,
        #"<?xml version="1.0" standalone="yes" encoding="UTF-8"?><a/>"#, #"<?xml version="1.0"encoding="UTF-8"?><a/>"#,
        #"<?xml version="1.0" ?>"#, #"<?xml version="1.0"><a/>"#, " <?xml version=\"1.0\"?><a/>",
        "\u{FEFF}<?xml version=\"1.0\"?><a/>", #"<a/><?xml version="1.0"?>"#,
        "<a>\u{1}</a>", "<a>\u{7F}\u{80}\u{9F}</a>", "<a>\u{FFFE}</a>", "<a b=\"\u{FFFF}\"/>", "<a><!--\u{1}--></a>",
        "<a>\u{1F600}\u{FFFD}</a>", "<a\u{1}/>",
        #"<?xml version="1.0" encoding="ISO-8859-1"?><a>ü</a>"#, #"<?xml version="1."?><a/>"#,
        #"<?xml version='1.0' encoding='utf-8'standalone='no'?><a/>"#, #"<?xml version='1.0'standalone='no'?><a/>"#,
        "<a><![CDATA[<!DOCTYPE x><!x]]><!-- <!y --></a>", "<a><![CDATA[<?x?>]]><!-- <?y?> --></a>",
        #"<a xmlns:p=""/>"#, #"<a xmlns:xml="u"/>"#, #"<a xmlns:xmlns="u"/>"#, #"<a xmlns=""/>"#,
        #"<a xmlns:xml="http://www.w3.org/XML/1998/namespace"/>"#, #"<a xmlns:p="http://www.w3.org/2000/xmlns/"/>"#,
        #"<a xmlns="http://www.w3.org/XML/1998/namespace"/>"#, #"<a xmlns:p="u" xmlns:q="u" p:x="1" q:x="2"/>"#,
        #"<a:b:c/>"#, #"<a q:x="1"/>"#, #"<:a/>"#, #"<a: xmlns:a="u"/>"#, #"<a xmlns:="u"/>"#,
        #"<a xmlns:="http://www.w3.org/2000/xmlns/"/>"#,
        #"<a xmlns::p=""/>"#, #"<?xml version="1.0" encoding="utf8"?><a>ü</a>"#,
    ]

    /// A ListObjectsV2 page of `keys` objects, its keys URL-encoded as the agent asks.
    static func listPage(keys: Int) -> String {
        var body =
            #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
            + #"<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>invoices-incoming</Name>"#
            + "<Prefix>in%2F</Prefix><KeyCount>\(keys)</KeyCount><MaxKeys>1000</MaxKeys><EncodingType>url</EncodingType>"
            + "<IsTruncated>true</IsTruncated><NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>"
        for index in 0..<keys {
            body +=
                "<Contents><Key>in/employee-\(index % 37)/invoice%20\(index)%2B%C3%BC.csv</Key>"
                + "<LastModified>2026-11-28T10:\(String(format: "%02d", index % 60)):00.000Z</LastModified>"
                + "<ETag>&quot;d41d8cd98f00b204e9800998ecf8\(String(format: "%04x", index))&quot;</ETag>"
                + "<Size>\(1024 + index)</Size><StorageClass>STANDARD</StorageClass></Contents>"
        }
        return body + "</ListBucketResult>"
    }

    // MARK: - Tests

    @Test func awsResponsesGiveTheSameTrees() {
        for body in Self.awsBodies {
            let outcome = compare(Data(body.utf8))
            #expect(outcome == .sameTree, "\(body.prefix(120))")
        }
    }

    @Test func edgeCasesGiveTheSameTreesOrBothFail() {
        var accepted = 0
        var refused = 0
        for text in Self.edgeCases {
            let outcome = compare(Data(text.utf8))
            #expect(outcome.agrees, "\(text.debugDescription): \(outcome)")
            if outcome == .sameTree { accepted += 1 } else if outcome == .bothFailed { refused += 1 }
        }
        // Both kinds are exercised, so neither answer can be the parser's only one.
        #expect(accepted >= 40)
        #expect(refused >= 40)
    }

    /// Every proper prefix of a document fails in both parsers unless it is a whole document itself (a body cut short
    /// must never parse: `S3Client.decodeError` retries it).
    @Test(arguments: [
        S3Bodies.copyObjectResult, S3ClientResponseTests.encodedPage, S3Bodies.error("InternalError", "try again"),
        "\u{FEFF}<?xml version=\"1.0\"?>\n<a x=\"1&amp;2\" y='&#x41;'>\r\n<!-- c --><b>t&lt;<![CDATA[<c>]]>ü日</b>\n<c/></a>\n<!-- tail -->\n",
    ])
    func everyTruncationFailsInBoth(document: String) async {
        let bytes = Array(document.utf8)
        var completePrefixes = 0
        for length in 0..<bytes.count {
            await yieldNowAndThen(length)
            let prefix = Data(bytes[0..<length])
            let outcome = compare(prefix)
            #expect(outcome == .bothFailed || outcome == .sameTree, "prefix of \(length) bytes: \(outcome)")
            if outcome == .sameTree { completePrefixes += 1 }
        }
        // Only prefixes ending after the root element (in trailing whitespace or after a trailing comment) parse.
        #expect(completePrefixes <= 3, "\(completePrefixes) prefixes parsed")
        #expect(compare(Data(bytes)) == .sameTree)
    }

    /// The seed inputs and past crashes of the XML fuzz target.
    @Test func fuzzCorpusAndRegressionsAgree() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        var replayed = 0
        for folder in ["fuzz/corpus/xml", "fuzz/regressions/xml"] {
            let directory = root.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() {
                let data = try Data(contentsOf: directory.appendingPathComponent(name))
                let outcome = compare(data)
                #expect(outcome.agrees, "\(folder)/\(name): \(outcome)")
                replayed += 1
            }
        }
        #expect(replayed >= 3)
    }

    /// Seeded random edits of the AWS bodies (bytes deleted, duplicated, replaced, markup inserted).
    @Test func mutatedResponsesAgree() async {
        let tokens = [
            "<", ">", "&", ";", "/", "\"", "'", "=", " ", "\r", "]]>", "<![CDATA[", "<!--", "-->", "&amp;", "&#x41;",
            "&#0;", "</a>", "<a>", "<b/>", "ü", "\u{0}", "\u{FEFF}", "--", "&lt", "xmlns:p=\"u\"", " b=\"1\"", "<?",
            "<!", "&#x", "\t", ":", "\u{FFFE}", "\r\n", "&#", "?>", "<a b=\"&#x9;\">", " standalone=\"yes\"", "\u{85}",
            "\u{2028}", "\u{3000}",
        ].map { Array($0.utf8) }
        let generator = SeededRandomSource(seed: 0xC0FF_EE00)
        var outcomes: [Outcome: Int] = [:]
        for body in Self.awsBodies + Self.edgeCases.filter({ $0.count > 8 }) {
            let original = Array(body.utf8)
            for round in 0..<300 {
                await yieldNowAndThen(round)
                var bytes = original
                for _ in 0..<(1 + Int(generator.next() % 3)) {
                    let position = Int(generator.next() % UInt64(bytes.count + 1))
                    switch generator.next() % 4 {
                    case 0 where position < bytes.count: bytes.remove(at: position)
                    case 1: bytes.insert(contentsOf: tokens[Int(generator.next() % UInt64(tokens.count))], at: position)
                    case 2 where position < bytes.count: bytes[position] = UInt8(truncatingIfNeeded: generator.next())
                    default:
                        let end = min(bytes.count, position + Int(generator.next() % 16))
                        bytes.insert(contentsOf: bytes[position..<end], at: position)
                    }
                }
                let outcome = compare(Data(bytes))
                outcomes[outcome, default: 0] += 1
                #expect(outcome.agrees, "\(String(decoding: bytes, as: UTF8.self).debugDescription): \(outcome)")
            }
        }
        #expect(outcomes[.sameTree, default: 0] >= 2_000)
        #expect(outcomes[.namespaceMalformed, default: 0] * 10 < outcomes.values.reduce(0, +), "\(outcomes)")
        #expect(outcomes[.bothFailed, default: 0] >= 20_000)
    }

    @Test func errorsNameTheLineAndByte() {
        let cases: [(String, String)] = [
            ("<a>\n<b>\n</a>", "malformed XML: end tag </a> does not match <b> at line 3, byte 8"),
            ("<a>x", "malformed XML: element <a> is not closed at the end of the document at line 1, byte 4"),
            (#"<a b="1" b="2"/>"#, "malformed XML: duplicate attribute b at line 1, byte 9"),
            (#"<a b="<"/>"#, "malformed XML: '<' in an attribute value at line 1, byte 6"),
            ("<a>&nbsp;</a>", "malformed XML: undefined entity &nbsp; at line 1, byte 3"),
            ("<a/>\n<b/>", "malformed XML: content after the root element at line 2, byte 5"),
            ("<!DOCTYPE a><a/>", "malformed XML: document type declaration: AWS responses have none at line 1, byte 0"),
            ("<a><?x?></a>", "malformed XML: processing instruction: AWS responses have none at line 1, byte 3"),
            (
                #"<?xml version="1.0" encoding="ISO-8859-1"?><a/>"#,
                #"malformed XML: encoding "ISO-8859-1" is not UTF-8 at line 1, byte 30"#
            ),
        ]
        for (text, message) in cases {
            #expect(throws: XMLNode.ParseError.self) { try XMLNode.parse(Data(text.utf8)) }
            do {
                _ = try XMLNode.parse(Data(text.utf8))
            } catch {
                #expect(error.description == message)
            }
        }
        let invalid = #expect(throws: XMLNode.ParseError.self) {
            try XMLNode.parse(Data([0x3C, 0x61, 0xFF, 0x2F, 0x3E]))
        }
        #expect(invalid?.message == "not valid UTF-8")
    }

    /// Documents FoundationXML flags as namespace-malformed are not compared; XMLNode's answers for them are these.
    @Test func namespacesAreNotProcessed() throws {
        #expect(
            try XMLNode.parse(Data("<x:a q:b='1'><x:c/></x:a>".utf8))
                == XMLNode(name: "x:a", attributes: ["q:b": "1"], children: [XMLNode(name: "x:c")]))
        #expect(try XMLNode.parse(Data("<a:b:c/>".utf8)).localName == "c")
        #expect(try XMLNode.parse(Data(#"<a xmlns:p="u" xmlns:q="u" p:x="1" q:x="2"/>"#.utf8)).attributes.count == 4)
        #expect(
            try XMLNode.parse(Data(#"<a xmlns:xml="http://www.w3.org/XML/1998/namespace" xml:lang="en"/>"#.utf8))
                .attributes == ["xml:lang": "en"])
        for refused in [
            #"<a xmlns:p=""/>"#, #"<a xmlns:xml="u"/>"#, #"<a xmlns:xmlns="u"/>"#,
            #"<a xmlns="http://www.w3.org/2000/xmlns/"/>"#, #"<a xmlns:p="http://www.w3.org/XML/1998/namespace"/>"#,
        ] {
            #expect(throws: XMLNode.ParseError.self, "\(refused)") { try XMLNode.parse(Data(refused.utf8)) }
        }
    }

    /// Nesting is limited (FoundationXML took deeper documents; AWS nests fewer than ten levels), so a hostile
    /// document cannot build a tree whose recursive comparison or release runs off the stack.
    @Test func nestingDeeperThanTheLimitIsRefused() throws {
        func nested(_ depth: Int) -> Data {
            Data((String(repeating: "<a>", count: depth) + "x" + String(repeating: "</a>", count: depth)).utf8)
        }
        var node = try XMLNode.parse(nested(XMLNode.maximumDepth))
        var depth = 1
        while let child = node.children.first {
            node = child
            depth += 1
        }
        #expect(depth == XMLNode.maximumDepth)
        #expect(node.text == "x")
        let error = #expect(throws: XMLNode.ParseError.self) { try XMLNode.parse(nested(XMLNode.maximumDepth + 1)) }
        #expect(error?.message == "elements nested deeper than 1000 at line 1, byte 3000")
    }

    // MARK: - Comparison

    enum Outcome: Hashable, CustomStringConvertible {
        case sameTree, bothFailed, differentTrees, onlyReferenceFailed
        case onlyNewFailed(String)
        /// FoundationXML reported a namespace error: not compared (see ``FoundationXMLReference``).
        case namespaceMalformed

        /// The same tree, both refusing, a namespace-malformed document, or the one refusal by design: a declared
        /// encoding other than UTF-8 (libxml2 transcodes from it, so non-ASCII text would come out different; AWS
        /// always sends UTF-8).
        var agrees: Bool {
            switch self {
            case .sameTree, .bothFailed, .namespaceMalformed: true
            case .onlyNewFailed(let message): message.contains("is not UTF-8")
            case .differentTrees, .onlyReferenceFailed: false
            }
        }
        var description: String {
            switch self {
            case .sameTree: "same tree"
            case .namespaceMalformed: "namespace-malformed (not compared)"
            case .bothFailed: "both failed"
            case .differentTrees: "different trees"
            case .onlyReferenceFailed: "FoundationXML refused it, XMLNode.parse accepted it"
            case .onlyNewFailed(let message): "XMLNode.parse refused it (\(message)), FoundationXML accepted it"
            }
        }
    }

    func compare(_ data: Data) -> Outcome {
        var reference: XMLNode?
        switch FoundationXMLReference.parse(data) {
        case .tree(let node): reference = node
        case .refused: reference = nil
        case .namespaceMalformed: return .namespaceMalformed
        case .refusedBeforeParsing:
            // The old check refused `<!` and `<?` anywhere, even inside CDATA or a comment. Without `<?` (which can
            // crash FoundationXML), ask FoundationXML itself.
            let bytes = [UInt8](data)
            let hasInstruction = bytes.indices.dropFirst().contains {
                bytes[$0 - 1] == UInt8(ascii: "<") && bytes[$0] == UInt8(ascii: "?")
            }
            // When XMLNode.parse accepted the document it holds no processing instruction (those are refused), so
            // `<?` only appears inside CDATA or a comment, where FoundationXML does not see an instruction either.
            let newAccepted = (try? XMLNode.parse(data)) != nil
            if !hasInstruction || newAccepted,
                case .tree(let node) = FoundationXMLReference.parse(data, checkingConstructs: false)
            {
                reference = node
            }
        }
        let new: XMLNode?
        var message = ""
        do {
            new = try XMLNode.parse(data)
        } catch {
            new = nil
            message = error.message
        }
        switch (reference, new) {
        case (nil, nil): return .bothFailed
        case (nil, _?): return .onlyReferenceFailed
        case (_?, nil): return .onlyNewFailed(message)
        case (let a?, let b?): return Self.identical(a, b) ? .sameTree : .differentTrees
        }
    }

    /// Equal names, attributes, text and children, Unicode scalar by scalar (`String ==` would let canonically
    /// equivalent strings pass).
    static func identical(_ a: XMLNode, _ b: XMLNode) -> Bool {
        func same(_ x: String, _ y: String) -> Bool { x.unicodeScalars.elementsEqual(y.unicodeScalars) }
        guard same(a.name, b.name), same(a.text, b.text), a.children.count == b.children.count,
            a.attributes.count == b.attributes.count
        else { return false }
        for (key, value) in a.attributes {
            guard let match = b.attributes.first(where: { same($0.key, key) }), same(match.value, value) else {
                return false
            }
        }
        return zip(a.children, b.children).allSatisfy { identical($0, $1) }
    }
}

/// What `XMLNode.parse` did before it had its own parser: FoundationXML's `XMLParser` building the same tree,
/// behind the same checks (valid UTF-8; no processing instruction but a leading declaration, no DTD: FoundationXML
/// crashes on `<?x?>`). One thing is stricter than it was: FoundationXML reports some errors to its delegate yet
/// returns `true` from `parse()` (content after the root, `<a b="1"c="2"/>`); here any error but a version or
/// namespace-URI warning (codes 97-100) refuses the document, and a namespace error (200-205) sets it apart.
enum FoundationXMLReference {
    enum Result {
        case tree(XMLNode)
        /// FoundationXML refused it.
        case refused
        /// The check before FoundationXML refused it (a processing instruction or `<!` other than a comment or CDATA).
        case refusedBeforeParsing
        /// FoundationXML reported a namespace error (codes 200-205): an undefined prefix, a name with two colons, a
        /// reserved or empty namespace declared, attributes that clash once prefixes are resolved. XMLNode keeps
        /// names as written and never resolves prefixes, while libxml2 recovers from these by resolving them
        /// (dropping some declarations, merging clashing attributes), so the trees are not comparable. AWS sends
        /// none; XMLParserDifferentialTests pins XMLNode's own answers for them.
        case namespaceMalformed
    }

    static func parse(_ data: Data, checkingConstructs: Bool = true) -> Result {
        guard String(validating: data, as: UTF8.self) != nil else { return .refused }
        if checkingConstructs && !acceptsConstructs(data) { return .refusedBeforeParsing }
        let builder = TreeBuilder()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        let ok = parser.parse()
        if builder.namespaceError { return .namespaceMalformed }
        guard ok, !builder.failed, let root = builder.root else { return .refused }
        return .tree(root)
    }

    private static func acceptsConstructs(_ data: Data) -> Bool {
        let bytes = [UInt8](data)
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "<") {
                let next = bytes[index + 1]
                if next == UInt8(ascii: "?") {
                    let isDeclaration =
                        index == start && bytes.count > index + 5
                        && bytes[index + 2..<index + 5].elementsEqual("xml".utf8)
                        && [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index + 5])
                    guard isDeclaration else { return false }
                } else if next == UInt8(ascii: "!"), bytes.count > index + 2, bytes[index + 2] != UInt8(ascii: "-"),
                    bytes[index + 2] != UInt8(ascii: "[")
                {
                    return false
                }
            }
            index += 1
        }
        return true
    }

    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var stack: [XMLNode] = []
        var root: XMLNode?
        var failed = false
        var namespaceError = false

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
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

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
        ) {
            guard var node = stack.popLast() else { return }
            if !node.children.isEmpty && node.text.allSatisfy(\.isWhitespace) { node.text = "" }
            if stack.isEmpty { root = node } else { stack[stack.count - 1].children.append(node) }
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
            let code = (parseError as NSError).code
            if (200...205).contains(code) {
                namespaceError = true
            } else if !(97...100).contains(code) {
                failed = true
            }
        }
    }
}
