// The libFuzzer driver for every FuzzTarget (`make fuzz`).
//
// Built with `-sanitize=fuzzer -DFUZZING`, `main` hands control to libFuzzer (SwiftPM's own `main` would
// otherwise win and the binary would silently do nothing); the target is chosen by FUZZ_TARGET. A plain
// build replays the inputs named on the command line, so `TransferWatchFuzz rules crash-1234` reproduces a
// crash under the debugger without the fuzzer runtime.
import Foundation
import TransferWatchFuzzTargets

let environment = ProcessInfo.processInfo.environment
guard let name = environment["FUZZ_TARGET"], let target = FuzzTarget(rawValue: name) else {
    let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
    FileHandle.standardError.write(Data("error: set FUZZ_TARGET to one of: \(names)\n".utf8))
    exit(2)
}
nonisolated(unsafe) var selectedTarget = target

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let data = bytes.map { Data(bytes: $0, count: count) } ?? Data()
    selectedTarget.run(data)
    return 0
}

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
#else
var failures = 0
for path in CommandLine.arguments.dropFirst() {
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("error: cannot read \(path)\n".utf8))
        failures += 1
        continue
    }
    target.run(data)
    print("\(path): ok")
}
exit(failures == 0 ? 0 : 2)
#endif
