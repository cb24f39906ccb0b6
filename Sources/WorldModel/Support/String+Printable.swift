extension String {
    /// The text with line breaks, tabs and other control characters escaped (`\n`, `\t`,
    /// `\u{1B}`), so that a file name or other user-given text quoted in a message stays on one
    /// line and cannot move the cursor or recolour the terminal. Other text is unchanged.
    package var printable: String {
        guard unicodeScalars.contains(where: Self.needsEscape) else { return self }
        var text = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where Self.needsEscape(scalar):
                text += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text
    }

    /// C0 and C1 control characters and DEL.
    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
