import Testing
import WorldModel
