import Foundation
import WorldModel

/// Loads scenario files (format version 1) into validated `Scenario` values.
///
/// Every mistake is reported with the file, the JSON path, what was expected and what was
/// found, and a suggestion when a name is close; all mistakes at once, in file order.
public enum ScenarioLoader {
    /// The scenario format version this build reads.
    public static let formatVersion: Int64 = 1

    /// Loads the scenario at `path`; with `overlay`, fault rules are added, replaced or disabled
    /// by id; with `faults: .none`, the world has no fault rules at all. The scenario's
    /// `faultProvenance` records the selection (and the overlay's SHA-256).
    public static func load(contentsOf path: String, faults: FaultSelection = .scenario) throws(ScenarioLoadError)
        -> Scenario
    {
        // The file's bytes are a temporary, freed once parsed: a large scenario's bytes and its
        // compiled world are not held at the same time.
        var scenario = try load(try parse(try readFile(path), file: path), file: path)
        scenario.path = path
        try apply(faults, to: &scenario)
        return scenario
    }

    /// Loads a scenario from the bytes of a file; `file` names it in messages.
    public static func load(bytes: [UInt8], file: String) throws(ScenarioLoadError) -> Scenario {
        try load(try parse(bytes, file: file), file: file)
    }

    /// Loads a scenario from a parsed document; `file` names it in messages.
    ///
    /// A document with `world` takes `data`, `services`, `tools` and `faults` from that world file
    /// (a path relative to `file`), adding or overriding its own; mistakes are reported in the file
    /// they were written in. The scenario's `sha256` is its own file's; `worldFile` names the world
    /// file and its SHA-256.
    public static func load(_ document: JSON, file: String) throws(ScenarioLoadError) -> Scenario {
        var merged = document
        var world: WorldFile?
        var origins: [WorldFile.Origin] = []
        if case .object(let root) = document, let reference = root["world"] {
            let loaded = try WorldFile.load(reference, scenarioFile: file)
            (merged, origins) = loaded.merged(into: root, scenarioFile: file)
            world = loaded
        } else if WorldFile.isWorld(document) {
            throw ScenarioLoadError(issues: [
                ScenarioIssue(
                    file: file, path: "",
                    message:
                        "is a world file (no task, checks or solution): it is loaded through the scenarios that name it in 'world'"
                )
            ])
        }
        var reader = ScenarioReader(file: file)
        reader.hasWorld = world != nil
        let (read, identity) = Self.read(merged, with: &reader, identifying: document)
        guard reader.issues.isEmpty, var scenario = read else {
            let issues =
                reader.issues.isEmpty
                ? [ScenarioIssue(file: file, path: "", message: "the scenario could not be read")]
                : IssueOrder.sorted(reader.issues, in: merged)
            throw ScenarioLoadError(issues: issues.map { WorldFile.relocate($0, origins: origins) })
        }
        // The identity is the scenario's own file's, hashed once (a world file's members are not
        // part of it), streamed so a large file is not serialized a second time in memory.
        scenario.sha256 = identity ?? document.canonicalSHA256
        if let world {
            scenario.worldFile = WorldFileReference(path: world.path, sha256: world.sha256)
        }
        return scenario
    }

    /// How many rows of data make a scenario large enough to load on several threads: below it,
    /// starting threads costs more than it saves.
    static let concurrentLoadRows = 20_000

    /// Spreads independent parts of loading a large scenario over the cores (Dispatch's
    /// `concurrentPerform`); every part is a pure computation, so the scenario is the same.
    static let concurrently: ConcurrentPerform = { iterations, body in
        DispatchQueue.concurrentPerform(iterations: iterations, execute: body)
    }

    /// Reads `merged` with `reader`; for a document with at least `concurrentLoadRows` rows of
    /// data, meanwhile computes on another thread the SHA-256 of `document` (the scenario's
    /// identity), returned beside the scenario (nil for a smaller one: its identity is computed
    /// once it has loaded without issues).
    private static func read(_ merged: JSON, with reader: inout ScenarioReader, identifying document: JSON)
        -> (Scenario?, String?)
    {
        var rows = 0
        for collection in merged["data"]?.objectValue?.values ?? [] { rows += collection.arrayValue?.count ?? 0 }
        guard rows >= concurrentLoadRows else { return (reader.readScenario(merged), nil) }
        final class Parts: @unchecked Sendable {  // Each part writes its own member.
            var reader: ScenarioReader
            var scenario: Scenario?
            var identity: String?
            init(_ reader: ScenarioReader) { self.reader = reader }
        }
        let parts = Parts(reader)
        concurrently(2) { part in
            if part == 0 {
                parts.identity = document.canonicalSHA256
            } else {
                parts.scenario = parts.reader.readScenario(merged)
            }
        }
        reader = parts.reader
        return (parts.scenario, parts.identity)
    }

    /// Applies a fault selection to a scenario that still has its own fault rules, and records
    /// it (with the overlay's SHA-256) in `scenario.faultProvenance`.
    ///
    /// An overlay is read once, here. Applying a selection to a scenario that already had one
    /// applied is a programmer error (an overlay's `disable` would meet rules it already
    /// removed) and traps.
    package static func apply(_ selection: FaultSelection, to scenario: inout Scenario) throws(ScenarioLoadError) {
        precondition(
            scenario.faultProvenance.selection == .scenario,
            "a fault selection is applied once, to a scenario with its own fault rules")
        let file = scenario.path ?? scenario.name
        let rules: [FaultRule]
        var provenance = FaultProvenance(selection: selection)
        switch selection {
        case .scenario: return
        case .none: rules = []
        case .overlay(let path):
            let overlay = try FaultOverlay.load(contentsOf: path, for: scenario)
            rules = overlay.apply(to: scenario.world.spec.faults)
            provenance.overlaySHA256 = overlay.sha256
        }
        do throws(WorldError) {
            scenario.world = try scenario.world.replacingFaults(rules)
        } catch {
            throw ScenarioLoadError(issues: [ScenarioIssue(file: file, path: "faults", message: error.description)])
        }
        scenario.faultProvenance = provenance
    }

    /// The largest scenario or overlay file read: the JSON parser's limit, checked against the
    /// file's size before anything is read.
    package static let maximumFileBytes = JSONParseLimits().maximumBytes

    /// The bytes of the file at `path`, read once; a file over `maximumFileBytes` is refused
    /// from its size alone.
    package static func readFile(_ path: String) throws(ScenarioLoadError) -> [UInt8] {
        do throws(FileProblem) {
            return try FileProblem.readBytes(atPath: path, maximumBytes: maximumFileBytes)
        } catch {
            let message =
                switch error {
                case .noSuchFile, .tooLarge: error.description
                case .isDirectory: "is a directory, not a scenario file"
                default: "cannot be read: \(error)"
                }
            throw ScenarioLoadError(issues: [ScenarioIssue(file: path, path: "", message: message)])
        }
    }

    /// Parses the bytes of a scenario or overlay file; `file` names it in messages.
    package static func parse(_ bytes: [UInt8], file: String) throws(ScenarioLoadError) -> JSON {
        do throws(JSONParseError) {
            return try JSON(parsing: bytes)
        } catch {
            throw ScenarioLoadError(issues: [ScenarioIssue(file: file, path: "", message: "not valid JSON: \(error)")])
        }
    }
}

extension ScenarioReader {
    static let topLevelKeys = [
        "$schema", "simrun", "name", "title", "description", "world", "task", "data", "services", "tools", "faults",
        "checks", "solution",
    ]

    mutating func readScenario(_ document: JSON) -> Scenario? {
        guard
            let root = object(
                document, "", allowed: Self.topLevelKeys,
                required: ["simrun", "name", "task"] + (hasWorld ? [] : ["services", "tools"]) + ["checks", "solution"])
        else {
            return nil
        }
        if let version = root["simrun"] {
            if integer(version, "simrun") != ScenarioLoader.formatVersion, case .number = version {
                report(
                    "simrun",
                    "this build reads scenario format version \(ScenarioLoader.formatVersion), found \(version)")
            }
        }
        _ = string(root["$schema"], "$schema")  // for editors; not read
        let name = string(root["name"], "name", nonEmpty: true) ?? ""
        if !name.isEmpty, !Self.isScenarioName(name) {
            report(
                "name",
                "a scenario name is lower-case kebab-case (letters, digits and '-', like 'crm-refund'), found '\(name)'"
            )
        }
        let title = string(root["title"], "title") ?? name
        let description = string(root["description"], "description") ?? ""
        let task = readTask(root["task"])

        let data = readData(root["data"])
        let services = readServices(root["services"])
        if case .array(let toolValues)? = root["tools"], toolValues.isEmpty {
            report("tools", "expected at least one tool")
        }
        // Names as declared, so a service or tool with its own mistakes does not also make every
        // reference to it an "unknown" one.
        let serviceNames = root["services"]?.objectValue?.keys ?? []
        var catalog = Catalog(data: data.map { ($0.name, $0.rows) }, services: serviceNames)
        catalog.servicesDeclared = root["services"] != nil
        catalog.collectFields(fromTools: root["tools"]?.arrayValue ?? [])
        catalog.tools = root["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        let tools = readTools(root["tools"], catalog: catalog)
        catalog.toolSpecs = tools
        let faults = readFaults(root["faults"], path: "faults", catalog: catalog)
        let checks = readChecks(root["checks"], catalog: catalog)
        let solution = readSolution(root["solution"], catalog: catalog)

        guard issues.isEmpty else { return nil }
        var store = EntityStore()
        do throws(EntityStoreError) {
            for collection in data {
                guard let built = collection.built else { preconditionFailure("data.\(collection.name) was not built") }
                try store.add(built)
            }
        } catch {
            report("data", error.description)
            return nil
        }
        let world: World
        do throws(WorldError) {
            world = try World(WorldSpec(initialData: store, services: services, tools: tools, faults: faults))
        } catch {
            report("tools", error.description)
            return nil
        }
        return Scenario(
            name: name, title: title, description: description, task: task ?? ScenarioTask(instruction: ""),
            world: world, checks: checks, solution: solution,
            sha256: "", path: nil, documentWithoutData: Self.removingData(document))
    }

    /// `document` without its `data` member, which the compiled world holds (`Scenario.document`
    /// puts it back from there when asked).
    static func removingData(_ document: JSON) -> JSON {
        guard case .object(var root) = document, root["data"] != nil else { return document }
        root["data"] = nil
        return .object(root)
    }

    /// `crm-refund`: lower-case letters, digits and '-', starting with a letter or digit.
    static func isScenarioName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first != UInt8(ascii: "-") else { return false }
        return name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-")
        }
    }

    mutating func readTask(_ value: JSON?) -> ScenarioTask? {
        guard
            let task = object(
                value, "task", allowed: ["instruction", "max_steps", "deadline_ms"], required: ["instruction"])
        else {
            return nil
        }
        let instruction = string(task["instruction"], "task.instruction", nonEmpty: true) ?? ""
        let maxSteps = integer(task["max_steps"], "task.max_steps", in: 1...1_000_000) ?? 50
        let deadline = integer(task["deadline_ms"], "task.deadline_ms", in: 1...Int64(1) << 50) ?? 600_000
        return ScenarioTask(instruction: instruction, maxSteps: Int(maxSteps), deadlineMs: deadline)
    }

    /// The collections under `data`, each with its rows and, when its rows are all valid
    /// objects, the collection built from them (`built`; nil otherwise).
    ///
    /// One pass over the rows checks each is an object with a string id and collects it; the
    /// collection is built from them in bulk, which finds repeated ids without a set of them;
    /// only when it finds one are the rows scanned again to report every repeat at its path.
    mutating func readData(_ value: JSON?) -> [(name: String, rows: [JSONObject], built: EntityCollection?)] {
        guard let value else { return [] }
        guard case .object(let data) = value else {
            report("data", "expected an object of collections (name → array of rows), found \(Self.describe(value))")
            return []
        }
        var collections: [(name: String, rows: [JSONObject], built: EntityCollection?)] = []
        for (name, rowsValue) in data.members {
            let path = Self.join("data", name)
            checkIdentifier(name, path, what: "a collection name")
            guard let rows = array(rowsValue, path) else {
                collections.append((name, [], nil))  // still a declared name: references to it are not "unknown"
                continue
            }
            var objects: [JSONObject] = []
            objects.reserveCapacity(rows.count)
            var valid = true
            for (index, row) in rows.enumerated() {
                // The row's path is spelled out only for a message (a million rows, no strings).
                func rowPath() -> String { Self.join(path, index) }
                guard case .object(let object) = row else {
                    report(rowPath(), "expected a row (an object), found \(Self.describe(row))")
                    valid = false
                    continue
                }
                guard let id = object["id"] else {
                    report(rowPath(), "missing required key 'id' (every row needs a string id)")
                    valid = false
                    continue
                }
                guard case .string = id else {
                    report(Self.join(rowPath(), "id"), "expected a string id, found \(Self.describe(id))")
                    valid = false
                    continue
                }
                objects.append(object)
            }
            var built: EntityCollection?
            do throws(EntityStoreError) {
                built = try EntityCollection(name: name, rows: objects, concurrently: ScenarioLoader.concurrently)
            } catch {
                reportRepeatedIDs(rows, path: path, collection: name)
            }
            collections.append((name, objects, valid ? built : nil))
        }
        return collections
    }

    /// Reports every row of `rows` (the array at `path`) whose string id an earlier row has.
    /// Ids compare by their UTF-8 bytes, as the entity store does (`é` and `e` + U+0301 differ).
    mutating func reportRepeatedIDs(_ rows: [JSON], path: String, collection name: String) {
        var seen: Set<_JSONKey> = []
        for (index, row) in rows.enumerated() {
            guard case .string(let text)? = row["id"] else { continue }
            if !seen.insert(_JSONKey(text)).inserted {
                report(Self.join(Self.join(path, index), "id"), "duplicate id '\(text)' in \(name)")
            }
        }
    }
}

extension ScenarioLoader {
    /// The file a scenario argument names: the path itself when it exists, otherwise, for a bare
    /// name (no `/`, no `.json`), the shipped scenario `NAME.json` in the first of
    /// `shippedDirectories` that has it, so `simrun run crm-refund` works from any directory.
    public static func resolve(_ argument: String) -> String {
        if FileManager.default.fileExists(atPath: argument) { return argument }
        guard !argument.contains("/"), !argument.hasSuffix(".json") else { return argument }
        for directory in shippedDirectories() {
            let shipped = "\(directory)/\(argument).json"
            if FileManager.default.fileExists(atPath: shipped) { return shipped }
        }
        return argument
    }

    /// Where shipped scenarios are looked for, in order, existing directories only:
    /// `./scenarios`; each directory of `SIMRUN_SCENARIOS` (colon-separated); then beside the
    /// running executable: `scenarios` next to it, `../share/simrun/scenarios`, and `scenarios`
    /// in up to four directories above it (a `.build/…/simrun` of a checkout finds the
    /// checkout's scenarios).
    public static func shippedDirectories(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        executable: String? = currentExecutablePath()
    ) -> [String] {
        var candidates = ["scenarios"]
        if let list = environment["SIMRUN_SCENARIOS"] {
            candidates += list.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        }
        if let executable {
            var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
            candidates.append(directory.appendingPathComponent("scenarios").path)
            candidates.append(directory.appendingPathComponent("../share/simrun/scenarios").standardized.path)
            for _ in 0..<4 {
                directory = directory.deletingLastPathComponent()
                candidates.append(directory.appendingPathComponent("scenarios").path)
            }
        }
        var seen: [String] = []
        for candidate in candidates where !seen.contains(candidate) {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), isDirectory.boolValue {
                seen.append(candidate)
            }
        }
        return seen
    }

    /// The running executable's real path (through `/proc/self/exe` where there is one).
    public static func currentExecutablePath() -> String? {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return resolved
        }
        return Bundle.main.executablePath
    }
}
