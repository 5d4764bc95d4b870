import TransferWatchAWS

/// One to four seeded byte edits of a JSON document, for the differential tests of the hand-written JSON
/// decoding: a byte replaced by JSON punctuation (or a stray byte), a byte removed, or one inserted.
func mutatedJSON(_ original: [UInt8], random: SeededRandomSource) -> [UInt8] {
    let punctuation = Array(#"{}[]:,"\ 0-.eE+tfnu"#.utf8) + [0x80, 0xFF, 0x01]
    var bytes = original
    for _ in 0...(random.next() % 3) {
        let index = Int(random.next() % UInt64(bytes.count))
        switch random.next() % 3 {
        case 0: bytes[index] = punctuation[Int(random.next() % UInt64(punctuation.count))]
        case 1: if bytes.count > 1 { bytes.remove(at: index) }
        default: bytes.insert(punctuation[Int(random.next() % UInt64(punctuation.count))], at: index)
        }
    }
    return bytes
}
