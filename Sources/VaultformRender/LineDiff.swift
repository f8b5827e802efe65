/// A line diff (longest common subsequence), enough for policies of a few hundred lines.
enum LineDiff {
    enum Line: Equatable { case same(String), removed(String), added(String) }

    static func diff(_ old: [String], _ new: [String]) -> [Line] {
        let n = old.count, m = new.count
        var lengths = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lengths[i][j] = old[i] == new[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
            }
        }
        var result: [Line] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, old[i] == new[j] {
                result.append(.same(old[i])); i += 1; j += 1
            } else if i < n, j == m || lengths[i + 1][j] >= lengths[i][j + 1] {
                result.append(.removed(old[i])); i += 1  // removals before additions, as diff(1) prints them
            } else {
                result.append(.added(new[j])); j += 1
            }
        }
        return result
    }
}
