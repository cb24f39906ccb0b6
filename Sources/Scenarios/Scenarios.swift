@_exported import WorldModel
