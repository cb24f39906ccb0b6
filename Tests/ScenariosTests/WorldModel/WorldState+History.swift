@testable import WorldModel

extension WorldState {
    /// This state with row history on in every collection, as if a `stale_read` rule could read
    /// each of them (a world keeps history only where one can).
    func keepingHistory() -> WorldState {
        var state = self
        for index in state.data.collections.indices { state.data[index: index].keepsHistory = true }
        return state
    }
}
