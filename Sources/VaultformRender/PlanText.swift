import VaultformCore
import VaultformManifest
import VaultformPolicy

/// A plan for people, in the shape Terraform users know: a legend for the symbols used, one
/// block per object with its fields (`old → new` for updates, a line diff for policies), and
/// a closing count. Sensitive values are never shown.
public enum PlanText {
    /// The whole plan as text; `color` adds ANSI colours for a terminal.
    public static func render(_ plan: Plan, color: Bool) -> String {
        let style = Style(enabled: color)
        guard !plan.isEmpty else {
            // With blockers, what the server lacks is not known yet: no claim that it matches.
            guard plan.blockers.isEmpty else {
                return "No changes could be planned: the blockers below must be resolved first, so whether the server matches the manifest is not known.\n"
                    + findings(plan, style)
            }
            let scope = plan.targets.isEmpty ? "The server matches the manifest.\n" : targeting(plan)
            return "No changes. " + scope + ignoring(plan) + findings(plan, style)
        }
        let used = Set(plan.operations.map(\.action))
        let legend = [Action.create, .update, .replace, .delete].filter(used.contains).map { action in
            symbol(action, style) + " " + verb(action)
        }
        var output = "vaultform will perform the following actions (" + legend.joined(separator: ", ") + "):\n"
        for operation in plan.operations {
            output += "\n" + block(operation, style)
        }
        let (add, change, destroy) = plan.summary
        output += "\n" + style.bold("Plan: \(add) to add, \(change) to change, \(destroy) to destroy.") + "\n"
        if !plan.targets.isEmpty { output += "\n" + targeting(plan) }
        return output + ignoring(plan) + findings(plan, style)
    }

    /// The fields the manifest leaves to someone else, one object a line; empty without any.
    static func ignoring(_ plan: Plan) -> String {
        guard !plan.ignored.isEmpty else { return "" }
        return "\nIgnored (`ignore_fields`: owned elsewhere, not compared):\n"
            + plan.ignored.keys.sorted().map { "  \($0): \(plan.ignored[$0, default: []].joined(separator: ", "))\n" }.joined()
    }

    /// What a targeted plan covers: only its targets, so "no changes" says nothing of the rest.
    static func targeting(_ plan: Plan) -> String {
        "This plan covers only its targets (" + plan.targets.map(\.description).joined(separator: ", ")
            + "); other objects were not compared.\n"
    }

    /// Blockers and warnings, after the plan, each with its hint; then what blockers mean.
    static func findings(_ plan: Plan, _ style: Style) -> String {
        guard !plan.findings.isEmpty else { return "" }
        var text = ""
        for finding in plan.findings.sorted(by: { ($0.severity == .blocker ? 0 : 1, $0.address) < ($1.severity == .blocker ? 0 : 1, $1.address) }) {
            let label = finding.severity == .blocker ? style.red("Blocker:") : style.yellow("Warning:")
            text += "\n\(label) \(finding.address): \(finding.message)\n"
            if let hint = finding.hint { text += "  hint: \(hint)\n" }
        }
        let blockers = plan.blockers.count
        if blockers > 0 {
            text += "\n" + style.bold("Apply will refuse this plan until the \(blockers == 1 ? "blocker" : "\(blockers) blockers") above \(blockers == 1 ? "is" : "are") resolved.") + "\n"
        }
        return text
    }

    static func verb(_ action: Action) -> String {
        switch action {
        case .create: "create"
        case .update: "update in place"
        case .replace: "destroy and re-create"
        case .delete: "destroy"
        case .noop: "no change"
        }
    }

    static func symbol(_ action: Action, _ style: Style) -> String {
        switch action {
        case .create: style.green("+")
        case .update: style.yellow("~")
        case .replace, .delete: style.red(action.rawValue)
        case .noop: " "
        }
    }

    static func block(_ operation: Operation, _ style: Style) -> String {
        let address = operation.address
        let heading: String
        switch operation.action {
        case .create: heading = "will be created"
        case .update: heading = "will be updated in place"
        case .replace: heading = "must be replaced"
        case .delete: heading = operation.onlyForgets ? "will be forgotten (the server keeps it)" : "will be destroyed"
        case .noop: heading = "is unchanged"
        }
        var text = style.bold("  # \(address) \(heading)")
        if operation.isDestructive { text += style.red(" (destroys its data)") }
        if operation.rotates { text += style.red(" (replaces secret values)") }
        text += "\n"
        if let reason = operation.reason { text += "  # (\(reason))\n" }
        if let lockout = operation.selfLockout { text += style.red("  ! self-lockout: \(lockout)") + "\n" }
        let prefix = operation.action == .replace ? "" : "  "
        let title = "\(address.kind.rawValue) \"\(address.name)\""
        if operation.action == .delete { return text + prefix + symbol(.delete, style) + " " + title + "\n" }
        text += prefix + symbol(operation.action, style) + " " + title + " {\n"
        let width = operation.changes.filter { !isPolicy($0) }.map(\.field.count).max() ?? 0
        for change in operation.changes {
            text += field(change, action: operation.action, width: width, style)
        }
        return text + "    }\n"
    }

    static func isPolicy(_ change: FieldChange) -> Bool {
        if case .policy? = change.after { return true }
        if case .policy? = change.before { return true }
        return false
    }

    static func field(_ change: FieldChange, action: Action, width: Int, _ style: Style) -> String {
        let name = change.field.padding(toLength: max(width, change.field.count), withPad: " ", startingAt: 0)
        let forced = change.forcesReplacement.map { style.red(" # forces replacement: \($0)") } ?? ""
        if isPolicy(change) {
            let before = policyText(change.before), after = policyText(change.after)
            let sign = change.before == nil ? symbol(.create, style) : symbol(.update, style)
            var text = "      \(sign) \(change.field):\(forced)\n"
            for line in LineDiff.diff(before, after) {
                switch line {
                case .same(let content): text += content.isEmpty ? "\n" : "          \(content)\n"
                case .removed(let content): text += "        " + style.red(content.isEmpty ? "-" : "- \(content)") + "\n"
                case .added(let content): text += "        " + style.green(content.isEmpty ? "+" : "+ \(content)") + "\n"
                }
            }
            return text
        }
        switch (change.before, change.after) {
        case (nil, let after?):
            return "      \(symbol(.create, style)) \(name) = \(after)\(forced)\n"
        case (let before?, let after?):
            return "      \(symbol(.update, style)) \(name) = \(before) → \(after)\(forced)\n"
        case (let before?, nil):
            return "      \(symbol(.delete, style)) \(name) = \(before)\n"
        case (nil, nil):
            return ""
        }
    }

    static func policyText(_ value: FieldValue?) -> [String] {
        guard case .policy(let document)? = value else { return [] }
        return document.renderHCL().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            .reversed().drop { $0.isEmpty }.reversed()
    }
}
