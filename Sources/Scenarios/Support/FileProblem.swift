import Foundation

/// Why a file could not be read or written, in words a person can act on ("no such file",
/// "permission denied", "is a directory"), taken from `errno` or from the code of the error
/// Foundation threw — never Foundation's own text (`The operation could not be completed…`,
/// `NSCocoaErrorDomain`).
package enum FileProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file (or a directory on its path) does not exist.
    case noSuchFile
    /// The process may not read (or write) it.
    case permissionDenied
    /// The path names a directory.
    case isDirectory
    /// A component of the path is not a directory.
    case notADirectory
    /// The disk (or quota) is full.
    case noSpace
    /// The file is larger than the reader accepts; checked before reading anything.
    case tooLarge(bytes: Int64, limit: Int)
    /// Anything else, described by the system (`strerror`) or by its error code.
    case other(String)

    /// The problem `errno` value `code` names.
    package init(errno code: Int32) {
        switch code {
        case ENOENT: self = .noSuchFile
        case EACCES, EPERM, EROFS: self = .permissionDenied
        case EISDIR: self = .isDirectory
        case ENOTDIR: self = .notADirectory
        case ENOSPC, EDQUOT: self = .noSpace
        default: self = .other(String(cString: strerror(code)))
        }
    }

    /// The problem behind an error Foundation threw while reading or writing a file: its POSIX
    /// code when it carries one, else its Cocoa error code.
    package init(_ error: any Error) {
        if let problem = error as? FileProblem {
            self = problem
            return
        }
        if let posix = error as? POSIXError {
            self.init(errno: posix.code.rawValue)
            return
        }
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain
        {
            self.init(errno: Int32(underlying.code))
            return
        }
        if nsError.domain == NSPOSIXErrorDomain {
            self.init(errno: Int32(nsError.code))
            return
        }
        switch CocoaError.Code(rawValue: nsError.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: self = .noSuchFile
        case .fileReadNoPermission, .fileWriteNoPermission, .fileWriteVolumeReadOnly: self = .permissionDenied
        case .fileWriteOutOfSpace: self = .noSpace
        case .fileReadTooLarge: self = .other("too large to read")
        default: self = .other("error \(nsError.code)")
        }
    }

    /// `no such file`, `permission denied`, `is a directory`, ….
    package var description: String {
        switch self {
        case .noSuchFile: "no such file"
        case .permissionDenied: "permission denied"
        case .isDirectory: "is a directory"
        case .notADirectory: "a component of the path is not a directory"
        case .noSpace: "no space left on the device"
        case .tooLarge(let bytes, let limit): "the file is \(bytes) bytes, more than the limit of \(limit) bytes"
        case .other(let text): text
        }
    }

    /// Reads the whole file at `path` once, into one buffer. With `maximumBytes`, a larger file
    /// is refused from its size alone, before anything is read or allocated.
    package static func readBytes(atPath path: String, maximumBytes: Int? = nil) throws(FileProblem) -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw FileProblem(errno: errno) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw FileProblem(errno: errno) }
        if (status.st_mode & S_IFMT) == S_IFDIR { throw .isDirectory }
        let size = Int64(status.st_size)
        if let maximumBytes, size > Int64(maximumBytes) { throw .tooLarge(bytes: size, limit: maximumBytes) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(size))
        // Read until end of file: the size is a hint (a file may grow, and /proc files report 0).
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileProblem(errno: errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if let maximumBytes, bytes.count > maximumBytes {
                throw .tooLarge(bytes: Int64(bytes.count), limit: maximumBytes)
            }
        }
        return bytes
    }

    /// Whether `path` names a directory (following symbolic links).
    package static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }
}
