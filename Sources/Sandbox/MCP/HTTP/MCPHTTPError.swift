/// Why `simrun serve --http` could not start listening.
public struct MCPHTTPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The address that was asked for.
    public var address: String
    /// What the system said.
    public var reason: String

    /// Creates an error.
    public init(address: String, reason: String) {
        self.address = address
        self.reason = reason
    }

    public var description: String { "cannot listen on \(address): \(reason)" }
}
