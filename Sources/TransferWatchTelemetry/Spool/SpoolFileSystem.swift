import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin throwing wrappers over the POSIX calls the spool needs (open, pread, pwrite, fsync, ftruncate, rename),
/// each error naming the file.
enum SpoolFileSystem {
    /// Opens `path` with `flags`, creating it with mode 0600 when `O_CREAT` is given.
    static func open(_ path: String, _ flags: Int32) throws(SpoolError) -> Int32 {
        let descriptor = Glibc.open(path, flags | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .io(path: path, operation: "open", errno: errno) }
        return descriptor
    }

    /// Reads the whole file at `path`.
    static func readAll(_ path: String) throws(SpoolError) -> Data {
        let descriptor = try open(path, O_RDONLY)
        defer { close(descriptor) }
        var stats = stat()
        guard fstat(descriptor, &stats) == 0 else { throw .io(path: path, operation: "fstat", errno: errno) }
        return try read(descriptor, path: path, offset: 0, count: Int(stats.st_size))
    }

    /// Reads up to `count` bytes at `offset` (fewer at the end of the file).
    static func read(_ descriptor: Int32, path: String, offset: Int64, count: Int) throws(SpoolError) -> Data {
        var data = Data(count: count)
        var done = 0
        while done < count {
            let got = data.withUnsafeMutableBytes { raw in
                pread(descriptor, raw.baseAddress! + done, count - done, off_t(offset) + off_t(done))
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "read", errno: errno)
            }
            if got == 0 { break }
            done += got
        }
        data.count = done
        return data
    }

    /// Writes all of `data` at `offset`.
    static func write(_ descriptor: Int32, path: String, _ data: Data, at offset: Int64) throws(SpoolError) {
        var done = 0
        while done < data.count {
            let wrote = data.withUnsafeBytes { raw in
                pwrite(descriptor, raw.baseAddress! + done, data.count - done, off_t(offset) + off_t(done))
            }
            if wrote < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "write", errno: errno)
            }
            done += wrote
        }
    }

    /// Flushes the file's data to the disk.
    static func sync(_ descriptor: Int32, path: String) throws(SpoolError) {
        guard fsync(descriptor) == 0 else { throw .io(path: path, operation: "fsync", errno: errno) }
    }

    /// Cuts the file at `path` to `length` bytes and syncs it.
    static func truncate(_ path: String, to length: Int64) throws(SpoolError) {
        let descriptor = try open(path, O_WRONLY)
        defer { close(descriptor) }
        guard ftruncate(descriptor, off_t(length)) == 0 else {
            throw .io(path: path, operation: "ftruncate", errno: errno)
        }
        try sync(descriptor, path: path)
    }

    /// Syncs a folder, so a file created, renamed or removed in it survives a crash.
    static func syncDirectory(_ path: String) throws(SpoolError) {
        let descriptor = try open(path, O_RDONLY | O_DIRECTORY)
        defer { close(descriptor) }
        try sync(descriptor, path: path)
    }

    /// Replaces `path` atomically with `data`: write a temporary file, sync it, rename it over, sync the folder.
    static func replace(_ path: String, with data: Data, directory: String) throws(SpoolError) {
        let temporary = path + ".tmp"
        let descriptor = try open(temporary, O_WRONLY | O_CREAT | O_TRUNC)
        do {
            try write(descriptor, path: temporary, data, at: 0)
            try sync(descriptor, path: temporary)
        } catch {
            close(descriptor)
            throw error
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else { throw .io(path: path, operation: "rename", errno: errno) }
        try syncDirectory(directory)
    }

    /// Removes the file at `path`; a file already gone is fine.
    static func remove(_ path: String) throws(SpoolError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw .io(path: path, operation: "unlink", errno: errno) }
    }

    /// Creates the folder and its parents.
    static func makeDirectory(_ path: String) throws(SpoolError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            // Foundation wraps the POSIX error; keep its code so the message says why (permission, read-only, …).
            let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
            let code = underlying?.domain == NSPOSIXErrorDomain ? Int32(underlying?.code ?? Int(EIO)) : EIO
            throw .io(path: path, operation: "mkdir", errno: code)
        }
    }
}
