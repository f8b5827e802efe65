import VaultformCore

/// A plan or drift report in GitHub-flavoured Markdown, for a pull-request comment or a CI
/// job summary: a heading with the counts, then one collapsible section per object whose
/// body is the text plan's block for it in a `diff` fence (so `+` and `-` lines are coloured),
/// then the blockers and warnings. Secret values never appear: the blocks are the text
/// plan's, which shows only shapes and fingerprints.
public enum PlanMarkdown {
    /// `title` names what ran, e.g. `vaultform plan` or `vaultform drift`.
    public static func render(_ plan: Plan, title: String) -> String {
        let (add, change, destroy) = plan.summary
        var text: String
        if plan.isEmpty {
            text = "### \(title): no changes\n\nThe server matches the manifest.\n"
        } else {
            text = "### \(title): \(add) to add, \(change) to change, \(destroy) to destroy\n\n"
            for operation in plan.operations {
                var summary = "<code>\(escape(PlanText.symbol(operation.action, Style(enabled: false)))) \(escape(operation.address.description))</code> \(verb(operation))"
                if operation.isDestructive { summary += " — <strong>destroys its data</strong>" }
                if operation.rotates { summary += " — <strong>replaces secret values</strong>" }
                if operation.selfLockout != nil { summary += " — <strong>self-lockout</strong>" }
                text += "<details><summary>\(summary)</summary>\n\n```diff\n"
                text += PlanText.block(operation, Style(enabled: false)).replacingOccurrences(of: "```", with: "` ` `")
                text += "```\n\n</details>\n"
            }
        }
        if !plan.targets.isEmpty { text += "\n> " + escape(PlanText.targeting(plan).replacingOccurrences(of: "\n", with: "")) + "\n" }
        if !plan.ignored.isEmpty {
            text += "\nIgnored (`ignore_fields`, owned elsewhere): "
                + plan.ignored.keys.sorted().map { "`\($0)` (\(plan.ignored[$0, default: []].joined(separator: ", ")))" }.joined(separator: ", ") + "\n"
        }
        if !plan.findings.isEmpty {
            text += "\n| | object | finding |\n|---|---|---|\n"
            for finding in plan.findings {
                let label = finding.severity == .blocker ? "**blocker**" : "warning"
                let hint = finding.hint.map { "<br>hint: \(cell($0))" } ?? ""
                text += "| \(label) | `\(finding.address)` | \(cell(finding.message))\(hint) |\n"
            }
            if !plan.blockers.isEmpty { text += "\nApply refuses this plan until the blockers are resolved.\n" }
        }
        return text
    }

    static func verb(_ operation: Operation) -> String {
        switch operation.action {
        case .create: "will be created"
        case .update: "will be updated in place"
        case .replace: "must be replaced"
        case .delete: operation.onlyForgets ? "will be forgotten (the server keeps it)" : "will be destroyed"
        case .noop: "is unchanged"
        }
    }

    /// Text safe inside HTML (a `<summary>`).
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// Text safe inside a table cell: no pipes or line breaks.
    static func cell(_ text: String) -> String {
        escape(text).replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
