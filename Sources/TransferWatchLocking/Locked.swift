#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A value guarded by a `pthread_mutex_t`: the lock every TransferWatch module uses for state shared between
/// threads and tasks.
///
/// Why not `Synchronization.Mutex`: on Linux it locks with atomics on a futex word inside the (uninstrumented)
/// standard library, so ThreadSanitizer sees neither its acquire nor its release and reports every access made
/// under it as a data race (four threads incrementing a counter under a `Mutex` end at the right total and
/// still get "Swift access race"). A pthread mutex is intercepted by ThreadSanitizer, so `make sanitize` reports
/// only real races. Uncontended, both cost a few tens of nanoseconds.
///
/// The API is `Mutex`'s: `withLock` hands the body exclusive `inout` access. Being a class, a `Locked` can be
/// captured by escaping closures and shared by reference.
public final class Locked<Value: ~Copyable>: @unchecked Sendable {
    // @unchecked: `value` is only reached through `withLock`, under `mutex`; values go in and out as `sending`,
    // as with `Mutex`, so a non-Sendable value never escapes to two isolation domains.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    /// Creates a lock guarding `initialValue`.
    public init(_ initialValue: consuming sending Value) {
        mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        // An error-checking mutex would trap on misuse but costs more; a re-entrant call is a bug in any case
        // and deadlocks, as it would with `Mutex`.
        let status = pthread_mutex_init(mutex, &attributes)
        pthread_mutexattr_destroy(&attributes)
        precondition(status == 0, "pthread_mutex_init failed: \(status)")
        value = initialValue
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value, holding the lock until it returns or throws.
    ///
    /// Never call `withLock` on the same lock from inside `body`, and never suspend or block on I/O inside it.
    public func withLock<Result: ~Copyable, Failure: Error>(
        _ body: (inout sending Value) throws(Failure) -> sending Result
    ) throws(Failure) -> sending Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
