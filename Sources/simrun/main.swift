import Foundation
import WorldModel

// The whole CLI lives in `SimrunCLI`; this file only hands it the arguments and exits.
let code = await SimrunCLI.main(Array(CommandLine.arguments.dropFirst()))
exit(code.rawValue)
