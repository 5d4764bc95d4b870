import Foundation

/// Why a ``MotoServer`` could not be started or driven.
package enum MotoServerError: Error, Equatable, CustomStringConvertible {
    /// Neither `TRANSFERWATCH_PYTHON` nor `<repo>/.venv/bin/python3` names an interpreter.
    case pythonNotFound
    /// Python cannot run the launcher (no interpreter, moto missing, wrong version): ``MotoServer/availability``'s reason.
    case unavailable(reason: String)
    /// A launcher or script that should ship in the resource bundle is missing.
    case missingResource(String)
    /// The launcher exited before printing `MOTO_READY`; `stderr` is the end of its log.
    case exitedBeforeReady(status: Int32, stderr: String)
    /// The launcher did not print `MOTO_READY`, or moto did not answer `GET /moto-api/`, in time.
    case startTimedOut(seconds: Int, stderr: String)
    /// A call to moto's own API (`/moto-api/...`) failed.
    case motoAPIFailed(path: String, status: Int, body: String)

    package var description: String {
        switch self {
        case .pythonNotFound:
            return "no Python interpreter for moto: set \(RepositoryPaths.pythonEnvironmentKey) or run `make venv`"
        case .unavailable(let reason):
            return "moto emulator unavailable: \(reason)"
        case .missingResource(let name):
            return "moto: resource \(name) is missing from the TransferWatchTestSupport bundle"
        case .exitedBeforeReady(let status, let stderr):
            return "moto: launcher exited with status \(status) before it was ready; its stderr ends with:\n\(stderr)"
        case .startTimedOut(let seconds, let stderr):
            return "moto: not ready after \(seconds) s; its stderr ends with:\n\(stderr)"
        case .motoAPIFailed(let path, let status, let body):
            return "moto: \(path) answered \(status): \(body)"
        }
    }
}
