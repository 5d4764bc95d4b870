import Foundation
import TransferWatchWorkflows

/// Moves one upload: the seam between the agent's loops and ``CopyWorkflow`` (tests may pass a fake).
package protocol UploadMover: Sendable {
    /// Moves the object an upload event announced.
    func move(_ event: S3ObjectEvent) async throws -> CopyStepRecord
    /// Moves `key` from `bucket`, with no event (reconciliation).
    func move(bucket: String, key: String) async throws -> CopyStepRecord
}

extension CopyWorkflow: UploadMover {
    package func move(_ event: S3ObjectEvent) async throws -> CopyStepRecord { try await run(event) }
    package func move(bucket: String, key: String) async throws -> CopyStepRecord {
        try await run(bucket: bucket, key: key)
    }
}
