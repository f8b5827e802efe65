import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one way vaultform writes a file (key shares, root tokens, secret IDs, plan files,
/// reports): readers see the old content or the new, never part of it, and no other user
/// ever sees a byte the mode does not grant them.
///
/// The temporary file is created in the target's directory with `O_CREAT|O_EXCL|O_NOFOLLOW`
/// and the requested mode, so it never exists with more than that mode (the umask can only
/// take bits away; they are added back with `fchmod` on the open descriptor); the data is
/// written and `fsync`ed, then the file is renamed over the target and the directory synced.
/// A pre-planted file or symlink at the temporary name makes the creation fail instead of
/// being followed. Creating with a broad mode and `chmod`ing afterwards, as Foundation's
/// writers do, left every key share readable under umask 022 until the `chmod`.
enum AtomicFile {
    /// Replaces `path` with `data`, mode `permissions` exactly, whatever the umask.
    static func write(_ data: Data, to path: String, permissions: Int) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let mode = mode_t(permissions & 0o777)
        if mode & 0o077 == 0 { PrivateDirectory.warnIfOthersCanWrite(directory, holding: path) }
        let temporary = directory + "/.\(url.lastPathComponent).\(UUID().uuidString).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw AtomicFileError("cannot create \(temporary): \(errorText())") }
        var isOpen = true
        var renamed = false
        defer {
            if isOpen { close(descriptor) }
            if !renamed { unlink(temporary) }
        }
        // Only when the umask took bits away, and only ever adding bits that were asked for.
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw AtomicFileError("cannot read the mode of \(temporary): \(errorText())") }
        if status.st_mode & 0o777 != mode, fchmod(descriptor, mode) != 0 {
            throw AtomicFileError("cannot set the mode of \(temporary): \(errorText())")
        }
        guard writeAll(data, to: descriptor) else { throw AtomicFileError("cannot write \(temporary): \(errorText())") }
        guard fsync(descriptor) == 0 else { throw AtomicFileError("cannot write \(temporary) to disk: \(errorText())") }
        isOpen = false
        guard close(descriptor) == 0 else { throw AtomicFileError("cannot write \(temporary): \(errorText())") }
        guard rename(temporary, path) == 0 else { throw AtomicFileError("cannot replace \(path): \(errorText())") }
        renamed = true
        // The rename itself survives a crash only once the directory is on disk.
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    static func errorText() -> String { String(cString: strerror(errno)) }
}

/// Writes every byte of `data` to `descriptor`, resuming after partial writes and signals.
private func writeAll(_ data: Data, to descriptor: Int32) -> Bool {
    data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Bool in
        guard let base = buffer.baseAddress else { return true }
        var offset = 0
        while offset < buffer.count {
            let written = write(descriptor, base + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }
}

/// Directories that hold secret files: created with their mode from the start (0700 unless
/// the files in them are meant for other users too), and never a pre-planted symlink.
enum PrivateDirectory {
    /// Creates `path` (and any missing parent) with `mode`; an existing `path` must be a real
    /// directory, not a symlink to one, and is only warned about when others can write into it.
    static func create(_ path: String, mode: Int = 0o700) throws {
        var status = stat()
        if lstat(path, &status) == 0 {
            if status.st_mode & S_IFMT == S_IFLNK {
                throw AtomicFileError("\(path) is a symlink: refusing to write credentials through it (remove it, or give the real directory)")
            }
            guard status.st_mode & S_IFMT == S_IFDIR else { throw AtomicFileError("\(path) exists and is not a directory") }
            warnIfOthersCanWrite(path, holding: nil)
            return
        }
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if parent != path, lstat(parent, &status) != 0 { try create(parent, mode: 0o700) }
        warnIfOthersCanWrite(parent, holding: path)
        guard mkdir(path, mode_t(mode & 0o777)) == 0 || errno == EEXIST else {
            throw AtomicFileError("cannot create the directory \(path): \(AtomicFile.errorText())")
        }
        // mkdir did not follow a symlink planted in between: check what is there now.
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
            throw AtomicFileError("\(path) is not a directory (it changed while being created)")
        }
        if status.st_mode & 0o777 != mode_t(mode & 0o777) { _ = chmod(path, mode_t(mode & 0o777)) }
    }

    /// The mode of a directory holding files of `fileMode`: private, plus search and read
    /// for the classes the files are readable by (a container user reading a 0644 file).
    static func mode(forFiles fileMode: Int) -> Int {
        0o700 | (fileMode & 0o040 != 0 ? 0o050 : 0) | (fileMode & 0o004 != 0 ? 0o005 : 0)
    }

    /// Warns on standard error when users other than the owner can add or replace entries
    /// in `directory` (group or world writable without the sticky bit).
    static func warnIfOthersCanWrite(_ directory: String, holding file: String?) {
        var status = stat()
        guard stat(directory.isEmpty ? "." : directory, &status) == 0 else { return }
        guard status.st_mode & 0o022 != 0, status.st_mode & S_ISVTX == 0 else { return }
        let who = status.st_mode & 0o002 != 0 ? "every user" : "its group"
        Terminal.writeError("warning: \(directory) is writable by \(who): they can replace \(file ?? "the files in it")\n")
    }
}

/// Why a file could not be written; the message names the path and the reason.
struct AtomicFileError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
