import TransferWatchAWS

extension CopyWorkflow {
    /// Every AWS call the copy workflow makes and where (checked against a real run by `PermissionDriftTests`).
    ///
    /// - `HeadObject` reads the source (bare bucket/key, or above the multipart threshold) and the destination
    ///   (verification, and "already moved" when the source is gone); `s3:ListBucket` makes a missing key a 404.
    /// - `CopyObject` and `UploadPartCopy` read the source and write the destination.
    /// - Only the source is ever deleted, and only multipart uploads to the destination are aborted.
    /// - The delivery is counted by ``DeliveryLedger`` (its ``DeliveryLedger/countingPermissions``).
    package static let permissions = PermissionSet(
        "copy workflow",
        [
            OperationUse(
                S3Client.Operations.headObject,
                [
                    "s3:GetObject": [.sourceObjects, .destinationObjects],
                    "s3:ListBucket": [.sourceBucket, .destinationBucket],
                ]),
            OperationUse(
                S3Client.Operations.copyObject,
                [
                    "s3:GetObject": [.sourceObjects], "s3:PutObject": [.destinationObjects],
                ]),
            OperationUse(S3Client.Operations.deleteObject, on: .sourceObjects),
            OperationUse(S3Client.Operations.createMultipartUpload, on: .destinationObjects),
            OperationUse(
                S3Client.Operations.uploadPartCopy,
                [
                    "s3:GetObject": [.sourceObjects], "s3:PutObject": [.destinationObjects],
                ]),
            OperationUse(S3Client.Operations.completeMultipartUpload, on: .destinationObjects),
            OperationUse(S3Client.Operations.abortMultipartUpload, on: .destinationObjects),
        ] + DeliveryLedger.countingPermissions.uses)
}
