/// Lets other tasks run every 50th step of a long CPU-bound test loop.
///
/// Tests share the cooperative thread pool (two threads in CI): a differential test that computes for twenty
/// seconds without suspending starves every other test's tasks meanwhile (the HTTP server tests timed out
/// waiting for their handlers, all at once). A suspension every few milliseconds keeps the pool fair.
func yieldNowAndThen(_ step: Int) async {
    if step % 50 == 0 { await Task.yield() }
}
