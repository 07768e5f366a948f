/// Anchored glob matching where `*` is the only metacharacter.
///
/// `*` matches any run of characters, including the empty run and including `/`.
/// Everything else matches itself, case-sensitively. The whole candidate must match.
public enum Wildcard {
    public static func matches(pattern: String, candidate: String) -> Bool {
        let p = Array(pattern.utf8)
        let c = Array(candidate.utf8)
        var pi = 0
        var ci = 0
        var starIndex = -1  // position of the last `*` seen in the pattern
        var resume = 0  // candidate position to retry from after that `*`
        while ci < c.count {
            if pi < p.count, p[pi] == 0x2A {
                starIndex = pi
                resume = ci
                pi += 1
            } else if pi < p.count, p[pi] == c[ci] {
                pi += 1
                ci += 1
            } else if starIndex >= 0 {
                // let the last `*` swallow one more character
                pi = starIndex + 1
                resume += 1
                ci = resume
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == 0x2A { pi += 1 }
        return pi == p.count
    }
}
