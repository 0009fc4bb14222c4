//! `--shard I/N`: splits a bulk scan's inputs, down to the members of zip and tar archives, between N jobs so that each reads about as many bytes, every job computing the same split on its own.
//!
//! # How the split is made
//!
//! Every job lists the same units: each input after the walk, except that a
//! zip or an uncompressed tar is replaced by its members (those the member
//! rule takes), listed from the archive's directory or headers without
//! decompressing. A unit weighs what will be read: a member's uncompressed
//! size, a file's size on disk (a compressed log or a compressed tar is one
//! unit, weighed compressed: its members cannot be listed without
//! decompressing it all).
//!
//! [`assign`] then deals the units out greedily: the heaviest first (equal
//! weights in byte order of their names), each to the shard that holds the
//! fewest bytes so far (the lowest-numbered among equals). No shard ends more
//! than one unit heavier than the lightest (the largest unit bounds the
//! imbalance), and the result depends only on the list of (name, size): the
//! N jobs agree without talking to each other as long as they see the same
//! files, members and sizes, with the same arguments from the same directory
//! (names are the paths as printed). A unit listed by one job and not by
//! another could be read twice or not at all, so give every job the same
//! artifact.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet};
use std::path::Path;

use crate::archive;
use crate::walk::MemberRule;

/// One input to split: its name as printed, the file (`None` for standard
/// input, which is one unit of size 0) and the rule for its members.
pub struct Input<'a> {
    /// The name reports give it (`path` as named or walked, `<stdin>`).
    pub name: String,
    /// The file to list.
    pub path: Option<&'a Path>,
    /// Which of its members are read, if it is an archive.
    pub rule: &'a MemberRule,
}

/// What one shard reads of an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// The whole input (a file, or an archive that could not be listed).
    Whole,
    /// These members of an archive (paths inside it).
    Members(HashSet<String>),
}

/// Lists every unit of `inputs` and keeps what shard `i` of `n` reads: for
/// each input, `None` when none of it falls in the shard.
pub fn plan(inputs: &[Input<'_>], i: u32, n: u32) -> Vec<Option<Part>> {
    // (input index, member path when the unit is a member)
    let mut owners: Vec<(usize, Option<String>)> = Vec::new();
    let mut units: Vec<(String, u64)> = Vec::new();
    for (k, input) in inputs.iter().enumerate() {
        let Some(path) = input.path else {
            owners.push((k, None));
            units.push((input.name.clone(), 0));
            continue;
        };
        match archive::list_members(path) {
            Some(members) => {
                for m in members.into_iter().filter(|m| input.rule.takes(&m.path)) {
                    units.push((format!("{}!{}", input.name, m.path), m.size));
                    owners.push((k, Some(m.path)));
                }
            }
            None => {
                let size = std::fs::metadata(path).map_or(0, |m| m.len());
                owners.push((k, None));
                units.push((input.name.clone(), size));
            }
        }
    }
    let shards = assign(&units, n);
    let mut out: Vec<Option<Part>> = vec![None; inputs.len()];
    for ((k, member), shard) in owners.into_iter().zip(shards) {
        if shard != i {
            continue;
        }
        match member {
            None => out[k] = Some(Part::Whole),
            Some(m) => match &mut out[k] {
                Some(Part::Members(set)) => {
                    set.insert(m);
                }
                slot => *slot = Some(Part::Members(HashSet::from([m]))),
            },
        }
    }
    out
}

/// Assigns each unit, given as (name, size) in any order, to a shard from 1
/// to `n`; the result is in the order of `units`. `n` of 0 counts as 1.
///
/// ```
/// use dindlog::shard::assign;
/// let units = [("a", 100), ("b", 60), ("c", 50), ("d", 10)];
/// assert_eq!(assign(&units, 2), [1, 2, 2, 1]);
/// ```
pub fn assign<S: AsRef<str>>(units: &[(S, u64)], n: u32) -> Vec<u32> {
    let n = n.max(1);
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_by(|&a, &b| {
        let (na, sa) = (&units[a].0, units[a].1);
        let (nb, sb) = (&units[b].0, units[b].1);
        sb.cmp(&sa).then_with(|| na.as_ref().as_bytes().cmp(nb.as_ref().as_bytes())).then(a.cmp(&b))
    });
    // A min-heap of (load, shard): the lightest shard, the lowest on ties.
    let mut loads: BinaryHeap<Reverse<(u64, u32)>> = (1..=n).map(|i| Reverse((0, i))).collect();
    let mut out = vec![0; units.len()];
    for i in order {
        let Some(Reverse((load, shard))) = loads.pop() else { break };
        out[i] = shard;
        // A zero-size unit still counts, so empty files spread out too.
        loads.push(Reverse((load.saturating_add(units[i].1.max(1)), shard)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_whatever_the_order() {
        let units: Vec<(String, u64)> =
            (0..50).map(|i| (format!("f{i}"), (i * 37 % 11) as u64 * 1000)).collect();
        let a = assign(&units, 4);
        let mut rev = units.clone();
        rev.reverse();
        let mut b = assign(&rev, 4);
        b.reverse();
        assert_eq!(a, b);
        assert!(a.iter().all(|&s| (1..=4).contains(&s)));
    }

    #[test]
    fn more_shards_than_units() {
        assert_eq!(assign(&[("x", 5)], 3), [1]);
        assert!(assign::<&str>(&[], 3).is_empty());
        assert_eq!(assign(&[("a", 0), ("b", 0), ("c", 0)], 3), [1, 2, 3]);
    }
}
