import Testing
import TransferWatchAgent
import TransferWatchLocking

/// The consumer's slots as plain values: no queue, no clock. Tasks that must be waiting are awaited with
/// `Task.yield()` until the slots report them, never with a sleep.
@Suite struct CopySlotsTests {
    @Test func slotsUpToTheLimitAreGivenAtOnceAndTheNextWaits() async {
        let slots = CopySlots(limit: 2)
        slots.hold(3)
        #expect(await slots.acquire())
        #expect(await slots.acquire())
        #expect(slots.running == 2)
        let third = Task { await slots.acquire() }
        await waitUntil { slots.waiting == 1 }
        #expect(slots.release(ranCopy: true) == 2, "two still held")
        #expect(await third.value, "the freed slot passed to the waiting message")
        #expect(slots.running == 2)
        #expect(slots.waiting == 0)
    }

    @Test func waitersGetSlotsInArrivalOrder() async {
        let slots = CopySlots(limit: 1)
        slots.hold(4)
        #expect(await slots.acquire())
        let order = Locked<[Int]>([])
        var tasks: [Task<Void, Never>] = []
        for index in 1...3 {
            tasks.append(
                Task {
                    if await slots.acquire() {
                        order.withLock { $0.append(index) }
                        slots.release(ranCopy: true)
                    }
                })
            await waitUntil { slots.waiting == index }
        }
        slots.release(ranCopy: true)
        for task in tasks { await task.value }
        #expect(order.withLock { $0 } == [1, 2, 3])
        #expect(slots.held == 0)
        #expect(slots.running == 0)
    }

    @Test func roomForABatchWhileAtMostTheLimitIsHeld() async {
        let slots = CopySlots(limit: 8)
        #expect(slots.hasRoom)
        slots.hold(8)
        #expect(slots.hasRoom, "8 held with concurrency 8: another batch of 10 may come")
        slots.hold(10)
        #expect(!slots.hasRoom, "18 held: the loop waits")
        let room = Task { await slots.waitForRoom() }
        for _ in 0..<9 { slots.release(ranCopy: false) }
        #expect(!slots.hasRoom)
        slots.release(ranCopy: false)
        await room.value
        #expect(slots.hasRoom)
        #expect(slots.held == 8)
    }

    @Test func closingFailsWaitersAndLaterAcquiresButKeepsRunningCopies() async {
        let slots = CopySlots(limit: 1)
        slots.hold(3)
        #expect(await slots.acquire())
        let waiter = Task { await slots.acquire() }
        await waitUntil { slots.waiting == 1 }
        slots.close()
        #expect(await waiter.value == false)
        #expect(await slots.acquire() == false, "after close nothing starts")
        #expect(slots.running == 1, "the running copy keeps its slot")
        #expect(slots.release(ranCopy: true) == 2)
        #expect(slots.running == 0)
    }

    @Test func aCancelledWaiterGivesUpWithoutTakingASlot() async {
        let slots = CopySlots(limit: 1)
        slots.hold(2)
        #expect(await slots.acquire())
        let waiter = Task { await slots.acquire() }
        await waitUntil { slots.waiting == 1 }
        waiter.cancel()
        #expect(await waiter.value == false)
        #expect(slots.waiting == 0)
        slots.release(ranCopy: false)
        slots.release(ranCopy: true)
        #expect(slots.running == 0, "the slot was returned, not handed to the cancelled waiter")
        slots.hold(1)
        #expect(await slots.acquire())
    }

    @Test func aCancelledRoomWaitReturns() async {
        let slots = CopySlots(limit: 1)
        slots.hold(5)
        let room = Task { await slots.waitForRoom() }
        room.cancel()
        await room.value
        #expect(!slots.hasRoom)
    }

    @Test func releaseReportsWhenNothingIsHeld() async {
        let slots = CopySlots(limit: 4)
        slots.hold(2)
        #expect(await slots.acquire())
        #expect(await slots.acquire())
        #expect(slots.release(ranCopy: true) == 1)
        #expect(slots.release(ranCopy: true) == 0, "idle: the consumer sends its deletions now")
    }

    /// Yields until `condition` holds (other tasks get to run; no wall-clock wait).
    private func waitUntil(_ condition: () -> Bool) async {
        while !condition() { await Task.yield() }
    }
}
