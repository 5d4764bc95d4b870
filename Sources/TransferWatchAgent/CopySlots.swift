import TransferWatchLocking

/// The consumer's capacity: messages held (received and not yet finished: copying, or waiting for a copy
/// slot) and the `concurrency` slots they copy in.
///
/// The receive loop asks for a full batch of 10 whenever at most `concurrency` messages are held, so up to
/// `concurrency + 10` are held at once; the extra ones wait here for a slot (hidden by their visibility
/// heartbeat meanwhile). Waiting ends early, with `false`, when the consumer closes (graceful shutdown) or the
/// waiting task is cancelled, so no message waits through a shutdown.
package final class CopySlots: Sendable {
    private struct State {
        var held = 0
        var running = 0
        var isClosed = false
        var nextID = 0
        /// Tasks waiting for a slot, in arrival order.
        var slotWaiters: [(id: Int, continuation: CheckedContinuation<Bool, Never>)] = []
        /// The receive loop, waiting until at most `limit` messages are held.
        var roomWaiter: (id: Int, continuation: CheckedContinuation<Void, Never>)?
    }

    /// Copies at once.
    package let limit: Int
    private let state = Locked(State())

    /// Slots for `limit` copies at once (at least one).
    package init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Messages held: copying or waiting for a slot.
    package var held: Int { state.withLock { $0.held } }
    /// Copies running.
    package var running: Int { state.withLock { $0.running } }
    /// Tasks waiting for a slot.
    package var waiting: Int { state.withLock { $0.slotWaiters.count } }
    /// Whether the receive loop may ask for another batch (at most `limit` messages are held).
    package var hasRoom: Bool { state.withLock { $0.held <= limit } }

    /// Counts `count` newly received messages as held.
    package func hold(_ count: Int) {
        state.withLock { $0.held += count }
    }

    /// Waits for a copy slot for a held message: `true` once it has one (release it with ``release(ranCopy:)``),
    /// `false` when the consumer closed or the task was cancelled first.
    package func acquire() async -> Bool {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let immediate: Bool? = state.withLock { state in
                    if state.isClosed || Task.isCancelled { return false }
                    if state.running < limit && state.slotWaiters.isEmpty {
                        state.running += 1
                        return true
                    }
                    state.slotWaiters.append((id, continuation))
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
                guard let index = state.slotWaiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.slotWaiters.remove(at: index).continuation
            }
            waiter?.resume(returning: false)
        }
    }

    /// A held message is finished (`ranCopy`: it had a slot, which passes to the next waiter).
    ///
    /// - Returns: how many messages are still held (0: the consumer is idle).
    @discardableResult
    package func release(ranCopy: Bool) -> Int {
        let (next, room, held) = state.withLock {
            state -> (CheckedContinuation<Bool, Never>?, CheckedContinuation<Void, Never>?, Int) in
            state.held -= 1
            var next: CheckedContinuation<Bool, Never>?
            if ranCopy {
                if !state.isClosed, !state.slotWaiters.isEmpty {
                    next = state.slotWaiters.removeFirst().continuation  // the slot passes on
                } else {
                    state.running -= 1
                }
            }
            var room: CheckedContinuation<Void, Never>?
            if state.held <= limit, let waiter = state.roomWaiter {
                room = waiter.continuation
                state.roomWaiter = nil
            }
            return (next, room, state.held)
        }
        next?.resume(returning: true)
        room?.resume()
        return held
    }

    /// Returns once at most `limit` messages are held, the consumer closed, or the task is cancelled.
    package func waitForRoom() async {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    if state.isClosed || Task.isCancelled || state.held <= limit { return true }
                    let previous = state.roomWaiter
                    state.roomWaiter = (id, continuation)
                    previous?.continuation.resume()
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let waiter = state.roomWaiter, waiter.id == id else { return nil }
                state.roomWaiter = nil
                return waiter.continuation
            }
            waiter?.resume()
        }
    }

    /// Closes the slots (graceful shutdown): every task waiting for a slot gets `false` now, later ones at once;
    /// copies already running keep theirs.
    package func close() {
        let (waiters, room) = state.withLock {
            state -> ([CheckedContinuation<Bool, Never>], CheckedContinuation<Void, Never>?) in
            state.isClosed = true
            let waiters = state.slotWaiters.map(\.continuation)
            state.slotWaiters.removeAll()
            let room = state.roomWaiter?.continuation
            state.roomWaiter = nil
            return (waiters, room)
        }
        for waiter in waiters { waiter.resume(returning: false) }
        room?.resume()
    }
}
