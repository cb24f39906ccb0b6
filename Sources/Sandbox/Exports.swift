// The few types of simrun's inner modules that an embedder works with, re-exported one by one
// so that `import Sandbox` is all a test suite needs, without flooding its namespace with the
// engine's internals (which the package's modules share with `package` access).

/// Where a loaded scenario's fault rules came from (selection and overlay SHA-256).
@_exported import struct Scenarios.FaultProvenance
/// Which fault rules an episode uses: the scenario's, an overlay's, or none.
@_exported import enum Scenarios.FaultSelection
/// A loaded, validated scenario.
@_exported import struct Scenarios.Scenario
/// One problem in a scenario file: the file, the JSON path and what is wrong (a `Diagnostic`).
@_exported import typealias Scenarios.ScenarioIssue
/// Why a scenario file could not be loaded: every problem found.
@_exported import struct Scenarios.ScenarioLoadError
/// Loads scenario files, with errors naming the file and JSON path.
@_exported import enum Scenarios.ScenarioLoader
/// A scenario's instruction and budgets.
@_exported import struct Scenarios.ScenarioTask
/// One problem in a document simrun reads: file, JSON path, expected, found, suggestion.
@_exported import struct WorldModel.Diagnostic
/// A JSON value: tool arguments, parsed bodies, inputs and schemas.
@_exported import enum WorldModel.JSON
/// A JSON number, integer or binary floating point, as the wire had it.
@_exported import enum WorldModel.JSONNumber
/// A JSON object whose members keep their order.
@_exported import struct WorldModel.JSONObject
/// Why a text is not JSON, with line, column and what was expected.
@_exported import struct WorldModel.JSONParseError
/// Limits on what the JSON parser accepts.
@_exported import struct WorldModel.JSONParseLimits
/// What an agent sees of one tool call: status, body, headers, latency and faults fired.
@_exported import struct WorldModel.Observation
/// One header of an observation, e.g. `Retry-After`.
@_exported import struct WorldModel.ResponseHeader
/// An episode's virtual clock: sleeping on it is agent think time, and takes no real time.
@_exported import class WorldModel.VirtualClock
/// A point in an episode's virtual time, in milliseconds.
@_exported import struct WorldModel.VirtualInstant
