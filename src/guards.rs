//! Which needles the SIMD prefilter searches for: the guard list shipped in `signatures/guards.txt`, completed at start-up for literals it misses, and the chooser (run by a test) that regenerates it from the corpus.
//!
//! A guard is a piece of one or more literals: a line holding a literal holds
//! one of its guards, so the prefilter only searches for guards and the
//! confirming automaton looks for the literals on the lines they lead to. Three
//! costs pull against each other (docs/PERFORMANCE.md has the profile):
//!
//! - every Teddy pass costs the same whatever it holds, and holds at most
//!   [`crate::hits`]'s group size: fewer guards, fewer passes;
//! - Teddy fingerprints a needle by its first four bytes and verifies every
//!   place those match: a guard should *start* with something rare;
//! - every line a guard is found on is visited (decoded, confirmed), which
//!   costs about as much as Teddy spends on 2 KiB: a guard should be rare.
//!
//! Sharing one piece between literals saves passes but common words
//! (` version`, `build`) are everywhere. How rare a piece is can only be
//! known from ordinary log text, so the choice is made ahead of time on the
//! corpus (our own realistic logs) and shipped; a literal the list does not
//! cover (a user's own signatures, or a new one before the list is
//! regenerated) is its own guard.

/// The shipped list: one JSON string per line; `#` starts a comment line.
const SHIPPED: &str = include_str!("../signatures/guards.txt");

/// Needles such that every literal contains at least one: the shipped guards
/// that some literal contains, plus every literal that none of them covers.
pub(crate) fn guards(literals: &[String]) -> Vec<String> {
    let mut out: Vec<String> = shipped()
        .into_iter()
        .filter(|g| literals.iter().any(|l| l.contains(g.as_str())))
        .collect();
    for lit in literals {
        if !out.iter().any(|g| lit.contains(g.as_str())) {
            out.push(lit.clone());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The shipped guards. A line that does not parse is skipped: the list is
/// checked by tests, and a missing guard only makes its literals their own.
fn shipped() -> Vec<String> {
    parse(SHIPPED)
}

fn parse(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| serde_json::from_str::<String>(l).ok())
        .collect()
}

/// The chooser that writes `signatures/guards.txt`: a greedy weighted set
/// cover of the literals by their pieces, priced by how often each piece and
/// its first four bytes occur in `background` (ordinary log text).
#[cfg(test)]
pub(crate) mod choose {
    use std::collections::HashMap;

    /// Longest piece tried, short of a whole literal.
    const MAX_PIECE: usize = 8;
    /// Shortest piece: Teddy's fingerprint is four bytes, and the loader
    /// refuses shorter literals.
    const MIN_PIECE: usize = 4;
    /// Nanoseconds Teddy spends verifying one place whose first four bytes
    /// match (the verify step was 19 % of a tree scan that had 5 million).
    const VERIFY_NS: f64 = 30.0;
    /// Nanoseconds one visited line costs (decode, confirm, track), from the
    /// same profile.
    const VISIT_NS: f64 = 800.0;
    /// Nanoseconds per byte of log one more needle costs: a Teddy pass is
    /// about 0.3 ns/byte for up to 40 needles. The greedy is myopic, and
    /// pricing a needle at a sixteenth of a pass, not a fortieth, gave fewer
    /// needles *and* fewer hits on held-out logs.
    const NEEDLE_NS_PER_BYTE: f64 = 0.02;

    /// Occurrences assumed for a piece the background lacks, by length: a
    /// four-byte piece never seen in a few hundred KiB may still be common
    /// elsewhere; an eight-byte one much less likely.
    fn prior(len: usize) -> f64 {
        match len {
            4 => 20.0,
            5 => 5.0,
            6 => 1.25,
            7 => 0.4,
            _ => 0.2,
        }
    }

    pub(crate) fn guards(literals: &[String], background: &[u8]) -> Vec<String> {
        let lits: Vec<&[u8]> = literals.iter().map(|l| l.as_bytes()).collect();
        // Every piece, with the literals holding it (each listed once).
        let mut holders: HashMap<&[u8], Vec<usize>> = HashMap::new();
        for (i, lit) in lits.iter().enumerate() {
            let mut add = |piece| {
                let v: &mut Vec<usize> = holders.entry(piece).or_default();
                if v.last() != Some(&i) {
                    v.push(i);
                }
            };
            for len in MIN_PIECE..=MAX_PIECE.min(lit.len()) {
                lit.windows(len).for_each(&mut add);
            }
            add(lit);
        }
        let counts = occurrences(holders.keys().copied(), background);
        let n = background.len().max(1) as f64;
        let rate = |p: &[u8]| (counts.get(p).copied().unwrap_or(0) as f64 + prior(p.len())) / n;
        let mut pieces: Vec<(&[u8], f64, Vec<usize>)> = holders
            .into_iter()
            .map(|(p, h)| {
                let head = &p[..MIN_PIECE.min(p.len())];
                let cost = VERIFY_NS * rate(head) + VISIT_NS * rate(p) + NEEDLE_NS_PER_BYTE;
                (p, cost, h)
            })
            .collect();
        // Byte order, so that ties go the same way on every run.
        pieces.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut covered = vec![false; lits.len()];
        let mut out = Vec::new();
        loop {
            let mut best: Option<(usize, f64)> = None;
            for (i, (_, cost, h)) in pieces.iter().enumerate() {
                let gain = h.iter().filter(|&&l| !covered[l]).count();
                if gain == 0 {
                    continue;
                }
                let value = gain as f64 / cost;
                if best.is_none_or(|(_, v)| value > v) {
                    best = Some((i, value));
                }
            }
            let Some((b, _)) = best else { break };
            for &l in &pieces[b].2 {
                covered[l] = true;
            }
            out.push(String::from_utf8_lossy(pieces[b].0).into_owned());
        }
        out.sort();
        out.dedup();
        out
    }

    /// How often each piece occurs in the background (overlapping).
    fn occurrences<'a>(
        pieces: impl Iterator<Item = &'a [u8]>,
        background: &[u8],
    ) -> HashMap<&'a [u8], usize> {
        let mut counts: HashMap<&[u8], usize> = pieces.map(|p| (p, 0)).collect();
        let mut long: Vec<&[u8]> = Vec::new();
        for p in counts.keys() {
            if p.len() > MAX_PIECE {
                long.push(p);
            }
        }
        for p in long {
            counts.insert(p, memchr::memmem::find_iter(background, p).count());
        }
        for start in 0..background.len() {
            for len in MIN_PIECE..=MAX_PIECE {
                let Some(w) = background.get(start..start + len) else { break };
                if let Some(c) = counts.get_mut(w) {
                    *c += 1;
                }
            }
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_line_parses() {
        let lines = SHIPPED.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
        assert_eq!(lines.count(), shipped().len());
        assert!(shipped().len() > 20, "the shipped list is there");
    }

    /// Literals the shipped list misses are their own guards; shipped guards
    /// no literal holds are not searched for.
    #[test]
    fn completes_and_prunes_the_shipped_list() {
        let own = "a literal no shipped guard is in: zqxjv".to_string();
        let g = guards(std::slice::from_ref(&own));
        assert_eq!(g, [own.clone()]);
        let some = shipped().into_iter().next().unwrap();
        let holder = format!("xx{some}yy");
        let g = guards(&[holder, own.clone()]);
        assert_eq!(g.len(), 2, "{g:?}");
        assert!(g.contains(&some) && g.contains(&own));
    }

    /// The chooser covers every literal, shares a rare piece between
    /// literals, and avoids a piece the background is full of.
    #[test]
    fn chooser_prefers_rare_shared_pieces() {
        let lits: Vec<String> = [
            "the version is too new: qzx",
            "the version is too old: qzx",
            "Cannot connect to the Docker daemon at tcp://",
            "abcd",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let background = "the version of this is the version. ".repeat(2000);
        let g = choose::guards(&lits, background.as_bytes());
        for l in &lits {
            assert!(g.iter().any(|g| l.contains(g.as_str())), "{l:?} has no guard in {g:?}");
        }
        assert!(g.iter().all(|g| !g.contains("version")), "{g:?}");
        assert!(g.len() <= 3, "the two `too ...: qzx` literals share a guard: {g:?}");
    }
}
