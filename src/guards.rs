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

/// The shipped list: one JSON string per line, `#` starts a comment line, and
/// an empty line ends a group (one Teddy searcher; the order within a group
/// places the guards in Teddy's buckets, see [`choose`]).
const SHIPPED: &str = include_str!("../signatures/guards.txt");

/// Guards per Teddy searcher, at most (Teddy's own limit).
pub(crate) const GROUP_MAX: usize = 64;

/// Needles, in groups of at most [`GROUP_MAX`], such that every literal
/// contains at least one: the shipped guards that some literal contains, in
/// their groups, then every literal that none of them covers.
pub(crate) fn guards(literals: &[String]) -> Vec<Vec<String>> {
    let shipped = shipped();
    // One overlapping pass of every shipped guard over the literals tells
    // which guards some literal holds, and which literals hold none.
    let all: Vec<&String> = shipped.iter().flatten().collect();
    let ac = aho_corasick::AhoCorasick::new(&all)
        // Fixed strings from the shipped list.
        .expect("shipped guard automaton");
    let mut held = vec![false; all.len()];
    let mut own: Vec<String> = Vec::new();
    for lit in literals {
        let mut covered = false;
        for m in ac.find_overlapping_iter(lit.as_str()) {
            held[m.pattern().as_usize()] = true;
            covered = true;
        }
        if !covered && !own.iter().any(|o| lit.contains(o.as_str())) {
            own.push(lit.clone());
        }
    }
    let mut held = held.into_iter();
    let mut groups: Vec<Vec<String>> = shipped
        .into_iter()
        .map(|g| g.into_iter().filter(|_| held.next() == Some(true)).collect())
        .filter(|g: &Vec<String>| !g.is_empty())
        .collect();
    groups.extend(own.chunks(GROUP_MAX).map(|c| c.to_vec()));
    groups
}

/// The shipped groups. A line that does not parse is skipped: the list is
/// checked by tests, and a missing guard only makes its literals their own.
fn shipped() -> Vec<Vec<String>> {
    parse(SHIPPED)
}

fn parse(text: &str) -> Vec<Vec<String>> {
    let mut groups: Vec<Vec<String>> = Vec::new();
    let mut group = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        if line.trim().is_empty() {
            groups.push(std::mem::take(&mut group));
        } else if let Ok(g) = serde_json::from_str::<String>(line) {
            group.push(g);
        }
    }
    groups.push(group);
    groups.retain(|g| !g.is_empty());
    groups
}

/// The text of `signatures/guards.txt` for these groups.
#[cfg(test)]
pub(crate) fn render(groups: &[Vec<String>]) -> String {
    let mut text = String::from(
        "# The prefilter's needles, one JSON string per line, one Teddy searcher per\n\
         # group (groups end at an empty line; the order places guards in buckets).\n\
         # Every literal of the built-in signatures, probes and tracker holds one.\n\
         # Generated from the corpus (src/guards.rs says how); regenerate with\n\
         # DINDLOG_BLESS=1 cargo test --lib shipped_guards_are_current\n",
    );
    for (i, group) in groups.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        for g in group {
            // A String always serialises.
            text.push_str(&serde_json::to_string(g).unwrap_or_default());
            text.push('\n');
        }
    }
    text
}

/// The chooser that writes `signatures/guards.txt`, from `background`
/// (ordinary log text): a greedy weighted set cover of the literals by their
/// pieces, then a layout of the chosen guards in Teddy's buckets.
#[cfg(test)]
pub(crate) mod choose {
    use std::collections::HashMap;

    /// Longest piece tried, short of a whole literal.
    const MAX_PIECE: usize = 8;
    /// Shortest piece: Teddy's fingerprint is four bytes, and the loader
    /// refuses shorter literals.
    const HEAD: usize = 4;
    /// Nanoseconds Teddy spends on a place whose four bytes pass a bucket's
    /// fingerprint, and the prefilter on checking a found guard's literals.
    const VERIFY_NS: f64 = 30.0;
    /// Nanoseconds per byte of log that one more guard costs. A Teddy pass
    /// with nothing to verify costs about 0.25 ms per guard per 64 MiB
    /// (0.004 ns/byte); a guard also blurs its bucket's fingerprint, which
    /// the cover cannot see (the layout below limits it). Timing the whole
    /// prefilter on held-out logs for 0.005 to 0.3 (153 to 81 guards), 0.02
    /// to 0.05 were best and alike (docs/PERFORMANCE.md).
    const GUARD_NS_PER_BYTE: f64 = 0.05;

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

    /// The groups of guards for `literals`, each in Teddy's pattern order.
    pub(crate) fn guards(literals: &[String], background: &[u8]) -> Vec<Vec<String>> {
        layout(&cover(literals, background), background)
    }

    /// Pieces such that every literal holds one, cheapest per literal first.
    fn cover(literals: &[String], background: &[u8]) -> Vec<String> {
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
            for len in HEAD..=MAX_PIECE.min(lit.len()) {
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
                // Teddy verifies where the head matches; the prefilter then
                // checks each literal holding the piece where it matches.
                let head = &p[..HEAD.min(p.len())];
                let checks = rate(head) + rate(p) * h.len() as f64;
                (p, VERIFY_NS * checks + GUARD_NS_PER_BYTE, h)
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
        let long: Vec<&[u8]> = counts.keys().copied().filter(|p| p.len() > MAX_PIECE).collect();
        for p in long {
            counts.insert(p, memchr::memmem::find_iter(background, p).count());
        }
        for start in 0..background.len() {
            for len in HEAD..=MAX_PIECE {
                let Some(w) = background.get(start..start + len) else { break };
                if let Some(c) = counts.get_mut(w) {
                    *c += 1;
                }
            }
        }
        counts
    }

    /// Teddy's buckets per searcher: 16 with more than 32 guards ("fat"
    /// Teddy, with AVX2), else 8.
    fn buckets(guards: usize) -> usize {
        if guards > 32 {
            16
        } else {
            8
        }
    }

    /// What one Teddy bucket lets through at each of the four head bytes:
    /// a byte passes if its low nibble and its high nibble are each those
    /// of some guard of the bucket at that byte (Teddy's fingerprint).
    #[derive(Clone, Copy, Default)]
    struct Bucket {
        lo: [u16; HEAD],
        hi: [u16; HEAD],
        /// Background places that pass this bucket's fingerprint.
        passing: u64,
    }

    impl Bucket {
        /// This bucket with one more guard.
        fn with(mut self, guard: &[u8], grams: &[([u8; HEAD], u32)]) -> Bucket {
            for (j, &b) in guard.iter().take(HEAD).enumerate() {
                self.lo[j] |= 1 << (b & 15);
                self.hi[j] |= 1 << (b >> 4);
            }
            let pass = |g: &[u8; HEAD]| {
                (0..HEAD).all(|j| {
                    self.lo[j] >> (g[j] & 15) & 1 == 1 && self.hi[j] >> (g[j] >> 4) & 1 == 1
                })
            };
            self.passing = grams.iter().filter(|(g, _)| pass(g)).map(|&(_, c)| c as u64).sum();
            self
        }
    }

    /// Splits the guards into Teddy searchers and orders each so that Teddy
    /// puts guards whose heads look alike in one bucket: a bucket's
    /// fingerprint passes every mix of its guards' nibbles, so unlike heads
    /// in one bucket let through far more places to verify (the profile
    /// showed verification costing more than the search itself).
    ///
    /// Greedily, guards with the commonest heads first, each goes to the
    /// bucket with room where it adds the fewest passing places of the
    /// background. The order then follows aho-corasick 1.1's assignment:
    /// pattern `i` goes to bucket `15 - i % 16`, unless an earlier pattern
    /// has the same low nibbles in its head (then to that one's bucket,
    /// which the layout keeps them in). Another assignment in a later
    /// version of the crate would only cost speed, never a match.
    fn layout(guards: &[String], background: &[u8]) -> Vec<Vec<String>> {
        let mut counts: HashMap<[u8; HEAD], u32> = HashMap::new();
        for w in background.windows(HEAD) {
            let mut g = [0; HEAD];
            g.copy_from_slice(w);
            *counts.entry(g).or_default() += 1;
        }
        let mut grams: Vec<([u8; HEAD], u32)> = counts.into_iter().collect();
        grams.sort_unstable();
        let groups = guards.len().div_ceil(super::GROUP_MAX).max(1);
        let size = guards.len().div_ceil(groups);
        // Bucket capacities of each group: pattern `i` of a group of `s`
        // lands in bucket n - 1 - i % n, so the last buckets take the extra.
        let mut room: Vec<Vec<usize>> = (0..groups)
            .map(|g| {
                let s = size.min(guards.len() - g * size);
                let n = buckets(s);
                (0..n).map(|k| s / n + usize::from(n - 1 - k < s % n)).collect()
            })
            .collect();
        let head_count = |g: &str| {
            let h = &g.as_bytes()[..HEAD.min(g.len())];
            grams.binary_search_by(|(k, _)| k[..].cmp(h)).map_or(0, |i| grams[i].1)
        };
        let mut order: Vec<&String> = guards.iter().collect();
        order.sort_by_key(|g| (std::cmp::Reverse(head_count(g)), g.as_str()));
        let lonybs = |g: &str| -> Vec<u8> { g.bytes().take(HEAD).map(|b| b & 15).collect() };
        let mut buckets: Vec<Vec<Bucket>> =
            room.iter().map(|r| vec![Bucket::default(); r.len()]).collect();
        let mut members: Vec<Vec<Vec<&String>>> =
            room.iter().map(|r| vec![Vec::new(); r.len()]).collect();
        for g in order {
            let places: Vec<(usize, usize)> = (0..groups)
                .flat_map(|gi| (0..room[gi].len()).map(move |k| (gi, k)))
                .filter(|&(gi, k)| room[gi][k] > 0)
                .collect();
            let twin = places
                .iter()
                .copied()
                .find(|&(gi, k)| members[gi][k].iter().any(|m| lonybs(m) == lonybs(g)));
            let (gi, k) = twin.unwrap_or_else(|| {
                let mut best = (0, 0, u64::MAX);
                for &(gi, k) in &places {
                    let b = buckets[gi][k];
                    let added = b.with(g.as_bytes(), &grams).passing - b.passing;
                    if added < best.2 {
                        best = (gi, k, added);
                    }
                }
                (best.0, best.1)
            });
            room[gi][k] -= 1;
            buckets[gi][k] = buckets[gi][k].with(g.as_bytes(), &grams);
            members[gi][k].push(g);
        }
        // Row by row: the pattern at index i of a group is for bucket n - 1 - i % n.
        members
            .into_iter()
            .map(|mut group| {
                group.iter_mut().for_each(|b| b.sort());
                let n = group.len();
                let rows = group.iter().map(Vec::len).max().unwrap_or(0);
                let mut out = Vec::new();
                for r in 0..rows {
                    for c in 0..n {
                        if let Some(g) = group[n - 1 - c].get(r) {
                            out.push((*g).clone());
                        }
                    }
                }
                out
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_line_parses() {
        let lines = SHIPPED.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
        let groups = shipped();
        assert_eq!(lines.count(), groups.iter().map(Vec::len).sum::<usize>());
        assert!(groups.concat().len() > 20, "the shipped list is there");
        assert!(groups.iter().all(|g| g.len() <= GROUP_MAX), "{groups:?}");
        assert_eq!(parse(&render(&groups)), groups);
    }

    /// Literals the shipped list misses are their own guards; shipped guards
    /// no literal holds are not searched for.
    #[test]
    fn completes_and_prunes_the_shipped_list() {
        let own = "a literal no shipped guard is in: zqxjv".to_string();
        assert_eq!(guards(std::slice::from_ref(&own)), [[own.clone()]]);
        let some = shipped()[0][0].clone();
        let holder = format!("xx{some}yy");
        let g = guards(&[holder, own.clone()]);
        assert_eq!(g, [vec![some], vec![own]]);
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
        let g: Vec<String> = choose::guards(&lits, background.as_bytes()).concat();
        for l in &lits {
            assert!(g.iter().any(|g| l.contains(g.as_str())), "{l:?} has no guard in {g:?}");
        }
        assert!(g.iter().all(|g| !g.contains("version")), "{g:?}");
        assert!(g.len() <= 3, "the two `too ...: qzx` literals share a guard: {g:?}");
    }
}
