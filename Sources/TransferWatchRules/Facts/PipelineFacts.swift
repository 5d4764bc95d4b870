/// The fact schemas rule files are checked against: one per step kind, and one for the pipeline's state.
///
/// Step groups (`kind: step`) read the record of the workflow step that just ran; state groups
/// (`kind: state`) read a snapshot of the pipeline. Building the values is the engine's job; these are
/// only the types, so `rules lint` can check every expression and template without AWS.
package enum PipelineFacts {
    /// The object facts of one S3 object in a copy step (`source`, `destination`).
    private static var object: FactSchema {
        [
            // The bucket name.
            "bucket": .string,
            // The object key.
            "key": .string,
            // The size in bytes, when known.
            "size": .optional(.number),
            // The ETag, when known.
            "etag": .optional(.string),
        ]
    }

    /// The schema of a copy step: one upload moved (or not) from the SFTP bucket to the destination.
    ///
    /// - `result`: `moved`, `alreadyMoved`, `superseded` or `failed`.
    /// - `source`, `destination`: `{bucket, key, size?, etag?}` of the uploaded and the copied object.
    /// - `uploader`: the SFTP user who uploaded, when known. `window`: the delivery window's ID, when known.
    /// - `delivery`: the delivery's ID, when one was recorded. `counted`: whether it counted towards the window.
    /// - `windowComplete`: whether this delivery completed the window.
    /// - `multipart`, `parts?`: whether the copy was multipart and in how many parts. `bytes`: bytes copied.
    /// - `latency`: how long the step took. `requests`: AWS requests made. `attempts?`: attempts of the copy.
    /// - `errorCode?`: the AWS error code of a failure. `notes`: free-form remarks.
    /// - `startedAt`, `finishedAt`: when the step ran. `now`: evaluation time. `environment`: the deployment name.
    package static let copyStep: FactSchema = [
        "result": .string,
        "source": .object(object),
        "destination": .object(object),
        "uploader": .optional(.string),
        "window": .optional(.string),
        "delivery": .optional(.string),
        "counted": .bool,
        "windowComplete": .bool,
        "multipart": .bool,
        "parts": .optional(.number),
        "bytes": .number,
        "latency": .duration,
        "requests": .number,
        "attempts": .optional(.number),
        "errorCode": .optional(.string),
        "notes": .list(.string),
        "startedAt": .timestamp,
        "finishedAt": .timestamp,
        "now": .timestamp,
        "environment": .string,
    ]

    /// The schema of a provisioning step: the window's server and SFTP users made ready.
    ///
    /// - `result`: the step's outcome (`succeeded`, `partial`, `failed`, …). `window`: the window's ID. `runID`: this run.
    /// - `server.{id?, origin?, createdAt?, state?}`: the server used (created, adopted or reused) and its state.
    /// - `usersCreated`, `usersAdopted`, `usersNoLongerListed`, `inactive`: usernames in each situation.
    /// - `usersAlreadyProvisioned`: how many needed nothing. `skipped`: usernames skipped, with `failures` the
    ///   messages of failed operations. `windowOpened`: whether this run opened the window.
    /// - `requests`: AWS requests made. `duration`, `serverWait`, `rateLimitWait`: timings.
    /// - `notes`, `startedAt`, `finishedAt`, `now`, `environment`: as for copy.
    package static let provisionStep: FactSchema = [
        "result": .string,
        "window": .string,
        "runID": .string,
        "server": .object([
            "id": .optional(.string),
            "origin": .optional(.string),
            "createdAt": .optional(.timestamp),
            "state": .optional(.string),
        ]),
        "usersCreated": .list(.string),
        "usersAdopted": .list(.string),
        "usersAlreadyProvisioned": .number,
        "usersNoLongerListed": .list(.string),
        "skipped": .list(.string),
        "inactive": .list(.string),
        "windowOpened": .bool,
        "failures": .list(.string),
        "requests": .number,
        "rateLimitWait": .duration,
        "serverWait": .duration,
        "duration": .duration,
        "notes": .list(.string),
        "startedAt": .timestamp,
        "finishedAt": .timestamp,
        "now": .timestamp,
        "environment": .string,
    ]

    /// The schema of a teardown step: the window's server and users removed after the window closed.
    ///
    /// - `result`: the outcome. `window`: the window's ID. `reason`: why teardown ran (schedule, lifespan, …).
    /// - `dryRun`, `includeOrphans`: how it was run.
    /// - `server.{id?, createdAt?, age?, deleted?}`: the server torn down, its age then, and whether it is gone.
    /// - `usersDeleted`, `usersAlreadyGone`, `orphansDeleted`: usernames and server IDs in each situation.
    /// - `windowClosed`: whether the window was closed. `failures`: messages of failed operations.
    /// - `requests`, `rateLimitWait`, `duration`, `notes`, `startedAt`, `finishedAt`, `now`, `environment`: as above.
    package static let teardownStep: FactSchema = [
        "result": .string,
        "window": .string,
        "reason": .string,
        "dryRun": .bool,
        "includeOrphans": .bool,
        "server": .object([
            "id": .optional(.string),
            "createdAt": .optional(.timestamp),
            "age": .optional(.duration),
            "deleted": .optional(.bool),
        ]),
        "usersDeleted": .list(.string),
        "usersAlreadyGone": .list(.string),
        "windowClosed": .bool,
        "orphansDeleted": .list(.string),
        "failures": .list(.string),
        "requests": .number,
        "rateLimitWait": .duration,
        "duration": .duration,
        "notes": .list(.string),
        "startedAt": .timestamp,
        "finishedAt": .timestamp,
        "now": .timestamp,
        "environment": .string,
    ]

    /// The schema of the pipeline's state, read by state groups at their interval.
    ///
    /// - `now`: the evaluation time.
    /// - `window.{id, openedAt, closesAt, complete, closed, maxLifespan}`: the current delivery window; `closed`
    ///   once teardown closed it or its scheduled close passed; `maxLifespan` is `sftp.maxLifespan`.
    /// - `counter.{delivered, expected, missing, lastDeliveryAt?}`: deliveries counted, expected, the usernames
    ///   still missing, and when the last one arrived.
    /// - `server?.{id, state, online, createdAt, age, costSoFar}`: the window's server when there is one;
    ///   `costSoFar` is in USD at Transfer's hourly price.
    /// - `copies.{failedLast1h, succeededLast1h, lastFailureAt?, failedKeys}`: recent copy outcomes; `failedKeys`
    ///   are the source keys whose copy failed and that are still waiting in the source bucket.
    /// - `provisioning.{expectedUsers, usersProvisioned, lastResult?, lastRunAt?}`: the window's SFTP users
    ///   expected (active employees) and provisioned, and the last provisioning run's result and time.
    /// - `servers.{managed, orphans}`: IDs of the servers this pipeline manages, and of managed servers no window owns.
    /// - `environment`: the deployment name.
    package static let state: FactSchema = [
        "now": .timestamp,
        "window": .object([
            "id": .string,
            "openedAt": .timestamp,
            "closesAt": .timestamp,
            "complete": .bool,
            "closed": .bool,
            "maxLifespan": .duration,
        ]),
        "counter": .object([
            "delivered": .number,
            "expected": .number,
            "missing": .list(.string),
            "lastDeliveryAt": .optional(.timestamp),
        ]),
        "server": .optional(
            .object([
                "id": .string,
                "state": .string,
                "online": .bool,
                "createdAt": .timestamp,
                "age": .duration,
                "costSoFar": .number,
            ])),
        "copies": .object([
            "failedLast1h": .number,
            "succeededLast1h": .number,
            "lastFailureAt": .optional(.timestamp),
            "failedKeys": .list(.string),
        ]),
        "provisioning": .object([
            "expectedUsers": .number,
            "usersProvisioned": .number,
            "lastResult": .optional(.string),
            "lastRunAt": .optional(.timestamp),
        ]),
        "servers": .object([
            "managed": .list(.string),
            "orphans": .list(.string),
        ]),
        "environment": .string,
    ]
}
