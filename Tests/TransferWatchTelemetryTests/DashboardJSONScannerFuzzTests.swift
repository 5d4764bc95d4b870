import Foundation
import Testing
import TransferWatchTelemetry

/// The position-tracking JSON scanner agrees with Foundation's parser on valid and broken documents: the
/// shipped dashboard mutated one character at a time (deterministic seeds), so the scanner neither accepts
/// what is not JSON nor rejects what is, and never crashes.
@Suite struct DashboardJSONScannerFuzzTests {
    @Test func agreesWithFoundationOnMutatedDashboards() throws {
        let url = DashboardLinterTests.repository.appendingPathComponent("dashboards/transferwatch.json")
        let original = Array(try String(contentsOf: url, encoding: .utf8).unicodeScalars)
        let alphabet = Array(#"{}[],:" \0-9.eE+tfnul\"#.unicodeScalars)
        var random = SplitMix(seed: 0x7A11_5EED)
        var disagreements: [String] = []
        var rejected = 0
        for _ in 0..<1500 {
            var scalars = original
            for _ in 0..<(1 + Int(random.next() % 3)) {
                let position = Int(random.next() % UInt64(scalars.count))
                let replacement = alphabet[Int(random.next() % UInt64(alphabet.count))]
                switch random.next() % 3 {
                case 0: scalars.remove(at: position)
                case 1: scalars.insert(replacement, at: position)
                default: scalars[position] = replacement
                }
            }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars)
            let text = String(view)
            let foundation =
                (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) != nil
            let ours: Bool
            do {
                _ = try JSONScanner.parse(text)
                ours = true
            } catch {
                ours = false
                rejected += 1
                #expect(error.position.line >= 1 && error.position.column >= 1)
            }
            // Foundation keeps one of two duplicate keys and (on Linux) accepts a trailing comma; the scanner
            // rejects both on purpose, as strict JSON.
            if foundation != ours, !(foundation && (Self.hasDuplicateKey(text) || Self.hasTrailingComma(text))) {
                let verdict = (try? JSONScanner.parse(text)).map { _ in "accepted" } ?? "\(Self.error(text))"
                disagreements.append("Foundation \(foundation ? "accepts" : "rejects"), scanner: \(verdict)")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count): \(disagreements.prefix(5))")
        #expect(rejected > 300, "the mutations must break the document often enough to test anything")
    }

    static func error(_ text: String) -> String {
        do {
            _ = try JSONScanner.parse(text)
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    /// Whether the scanner stopped at a `}` or `]` that follows a comma.
    static func hasTrailingComma(_ text: String) -> Bool {
        do {
            _ = try JSONScanner.parse(text)
            return false
        } catch {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            var before = lines[..<(error.position.line - 1)].map { String($0) + "\n" }.joined()
            before += String(lines[error.position.line - 1].unicodeScalars.prefix(error.position.column - 1))
            let closing = error.message.hasSuffix("found '}'") || error.message.hasSuffix("found ']'")
            return closing && before.unicodeScalars.last(where: { !" \n\t\r".unicodeScalars.contains($0) }) == ","
        }
    }

    static func hasDuplicateKey(_ text: String) -> Bool {
        do {
            _ = try JSONScanner.parse(text)
            return false
        } catch {
            return error.message.hasPrefix("duplicate key")
        }
    }

    /// SplitMix64, so every run sees the same mutations.
    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
