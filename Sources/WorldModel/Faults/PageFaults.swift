/// `page_gap`: one item of the page is lost; the cursor still moves past it, so no page shows it.
struct PageGap: ResponseFault {
    func apply(to response: inout Response, context: ResponseFaultContext, using rng: inout RandomStream) -> Bool {
        guard context.page != nil, case .array(var items)? = response.body["items"], !items.isEmpty else {
            return false
        }
        items.remove(at: rng.nextInt(below: items.count))
        response.body = response.body.setting(.array(items), at: ["items"])
        return true
    }
}

/// `page_duplicate`: the page repeats an item: the last item of the previous page (as when rows
/// shift under an offset cursor), or on the first page one of its own items.
struct PageDuplicate: ResponseFault {
    func apply(to response: inout Response, context: ResponseFaultContext, using rng: inout RandomStream) -> Bool {
        guard let page = context.page, case .array(var items)? = response.body["items"] else { return false }
        if page.offset > 0, let id = page.matching[page.offset - 1]["id"]?.stringValue,
            let row = context.state.data[page.collection]?.row(id: id)
        {
            items.insert(projected(row, context.fieldProjection), at: 0)
        } else if !items.isEmpty {
            let index = rng.nextInt(below: items.count)
            items.insert(items[index], at: index + 1)
        } else {
            return false
        }
        response.body = response.body.setting(.array(items), at: ["items"])
        return true
    }
}

/// `empty_result`: a read answers as if nothing matched: a list has no items (total 0, no next
/// cursor), a get answers 404.
struct EmptyResult: ResponseFault {
    func apply(to response: inout Response, context: ResponseFaultContext, using rng: inout RandomStream) -> Bool {
        switch context.tool.operation {
        case .list:
            response.body = ["items": [], "next_cursor": nil, "total": 0]
            return true
        case .get:
            response = .error(404, code: "not_found", message: "not found")
            return true
        default:
            return false
        }
    }
}

/// `stale_read`: a read shows the previous version of the row(s) it returns, where one exists.
struct StaleRead: ResponseFault {
    func apply(to response: inout Response, context: ResponseFaultContext, using rng: inout RandomStream) -> Bool {
        guard let collection = context.tool.operation.collection, context.tool.isReadOnly,
            let rows = context.state.data[collection]
        else { return false }
        func stale(_ item: JSON) -> JSON? {
            guard let id = item["id"]?.stringValue, let previous = rows.previousVersions(of: id).last else {
                return nil
            }
            return projected(previous, context.fieldProjection)
        }
        if case .array(var items)? = response.body["items"] {
            var changed = false
            for index in items.indices {
                if let old = stale(items[index]) {
                    items[index] = old
                    changed = true
                }
            }
            if changed { response.body = response.body.setting(.array(items), at: ["items"]) }
            return changed
        }
        guard let old = stale(response.body) else { return false }
        response.body = old
        return true
    }
}

/// `error_in_ok`: status 200 whose body is an error, as some gateways answer.
struct ErrorInOK: ResponseFault {
    func apply(to response: inout Response, context: ResponseFaultContext, using rng: inout RandomStream) -> Bool {
        response = Response(
            status: 200,
            body: ["error": ["code": "upstream_error", "message": "upstream query failed; partial results discarded"]],
            headers: response.headers)
        return true
    }
}

/// `malformed_json`: the rendered body is cut short at a random point so it no longer parses.
enum MalformedJSON {
    static func truncate(_ body: String, using rng: inout RandomStream) -> String {
        let bytes = Array(body.utf8)
        guard bytes.count > 1 else { return "{" }
        // Cut somewhere in the first 90%, never at the very end; a strict prefix of a JSON object
        // or array never parses.
        let limit = max(1, bytes.count * 9 / 10)
        let cut = 1 + rng.nextInt(below: limit)
        var prefix = Array(bytes[0..<min(cut, bytes.count - 1)])
        // Do not split a UTF-8 sequence.
        while let last = prefix.last, last & 0xC0 == 0x80 { prefix.removeLast() }
        if let last = prefix.last, last >= 0xC0 { prefix.removeLast() }
        return String(decoding: prefix, as: UTF8.self)
    }
}

func projected(_ row: JSONObject, _ fields: [String]?) -> JSON {
    guard let fields else { return .object(row) }
    var object = JSONObject(minimumCapacity: fields.count)
    for field in fields {
        if let value = row[field] { object[field] = value }
    }
    return .object(object)
}
