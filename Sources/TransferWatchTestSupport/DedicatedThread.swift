import Foundation

/// Runs blocking work (waiting for a child process, a blocking socket read) on a new thread of its own and
/// awaits its result.
///
/// Swift's cooperative pool has one thread per core (two in CI): a test that blocks one of them while it waits
/// for a child process starves every other test's tasks in the same process, which then time out, and under
/// ThreadSanitizer's slowdown they all did. Blocking work in tests goes through here.
///
/// The result may be non-`Sendable` (a raw client made on that thread): the thread has finished with it before
/// handing it over.
package func onDedicatedThread<T>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    let box: HandedOver<T> = try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { HandedOver(value: try body()) })
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    return box.value
}

/// A value the producing thread is done with, carried back to the awaiting task.
private struct HandedOver<T>: @unchecked Sendable {
    var value: T
}
