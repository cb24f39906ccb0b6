/// Renders responses as the agent sees them.
public enum Decoder {
    /// Renders `response`: JSON bodies as canonical JSON with `Content-Type: application/json`;
    /// a string body with a `Content-Type` header of its own (an HTML page) as that text.
    public static func render(_ response: Response, latencyMs: Int64, faults: [String]) -> Observation {
        var headers = response.headers
        let body: String
        if let index = headers.firstIndex(where: { $0.name == "Content-Type" }), case .string(let text) = response.body {
            body = text
            headers.insert(headers.remove(at: index), at: 0)
        } else {
            body = response.body.canonicalText
            headers.insert(Header("Content-Type", "application/json"), at: 0)
        }
        return Observation(status: response.status, latencyMs: latencyMs, body: body, headers: headers, faults: faults)
    }
}
