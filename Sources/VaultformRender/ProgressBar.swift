/// The progress bar apply draws on the last line of a terminal while it works, under the
/// `[k/n]` line of each operation (which stays, so the scrollback is the same as without a
/// terminal).
public enum ProgressBar {
    /// Moves to the start of the line and erases it (ANSI `CR`, `EL 2`).
    public static let clearLine = "\r\u{1B}[2K"

    /// `[##########----------]  12/40  30%`: `done` of `total` operations, `width` cells
    /// between the brackets. Plain ASCII, so any terminal and font shows it.
    public static func render(done: Int, total: Int, width: Int = 30) -> String {
        let total = max(total, 1), done = min(max(done, 0), total), width = max(width, 1)
        let filled = done * width / total
        let percent = done * 100 / total
        let counter = String(repeating: " ", count: max(0, String(total).count - String(done).count)) + "\(done)/\(total)"
        let percentText = String(repeating: " ", count: 3 - String(percent).count) + "\(percent)%"
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] "
            + counter + " " + percentText
    }

    /// What to write when an operation of `total` starts, `done` having finished (apply
    /// runs some side by side, so this is a count, not the operation's place): erase the
    /// bar, print the operation's line, redraw the bar below it.
    public static func started(done: Int, total: Int, line: String) -> String {
        clearLine + line + "\n" + render(done: done, total: total)
    }

    /// What to write when an operation finishes, `done` (this one included) of `total`: the
    /// bar, advanced.
    public static func finished(done: Int, total: Int) -> String {
        clearLine + render(done: done, total: total)
    }
}
