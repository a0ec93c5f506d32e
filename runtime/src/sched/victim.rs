//! Victim selection: the order in which a worker whose home queue is empty takes chunks from
//! the other queues.
//!
//! | selection | order |
//! |---|---|
//! | SEQ | queues `home+1, home+2, …` (mod the queue count), each drained before the next |
//! | SEQPRI | first the queues of the worker's own group in that order, then all queues in that order |
//! | RANDOM | one chunk from a random queue that is not known to be empty, until all are |
//! | RANDOMPRI | RANDOM among the own group's queues, then RANDOM among all |
//!
//! A group is a CPU package: with PERCPU a queue belongs to its worker's package; with
//! PERGROUP every queue is a group of its own, so the PRI variants equal the plain ones.
//! Queues are only ever emptied during a pipeline, never refilled, so a queue that answered
//! "empty" once is skipped for good and every order ends once all queues are empty.

use super::config::VictimSelection;

/// A small, fast pseudo-random generator (xorshift64*); quality is ample for picking victims.
#[derive(Debug, Clone)]
pub(crate) struct XorShift(u64);

impl XorShift {
    /// A generator from a seed (any value; 0 is remapped).
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next value below `bound` (which must be positive).
    pub(crate) fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % bound
    }
}

/// Visits the victims of a worker whose home queue `home` is drained.
///
/// `queue_groups[q]` is the group of queue `q`. `take_one(q)` claims and runs one chunk of
/// queue `q` and returns `false` when `q` is empty (or the pipeline is cancelled, which makes
/// every queue look empty).
pub(crate) fn visit_victims(
    selection: VictimSelection,
    home: usize,
    queue_groups: &[usize],
    rng: &mut XorShift,
    mut take_one: impl FnMut(usize) -> bool,
) {
    let queues = queue_groups.len();
    if queues <= 1 {
        return;
    }
    let others = (1..queues).map(|offset| (home + offset) % queues);
    let same_group = |queue: &usize| queue_groups[*queue] == queue_groups[home];
    match selection {
        VictimSelection::SEQ => sequential(others, &mut take_one),
        VictimSelection::SEQPRI => {
            sequential(others.clone().filter(same_group), &mut take_one);
            sequential(others, &mut take_one);
        }
        VictimSelection::RANDOM => random(others.collect(), rng, &mut take_one),
        VictimSelection::RANDOMPRI => {
            random(
                others.clone().filter(same_group).collect(),
                rng,
                &mut take_one,
            );
            random(
                others.filter(|queue| !same_group(queue)).collect(),
                rng,
                &mut take_one,
            );
        }
    }
}

/// Drains each queue in order.
fn sequential(order: impl Iterator<Item = usize>, take_one: &mut impl FnMut(usize) -> bool) {
    for queue in order {
        while take_one(queue) {}
    }
}

/// Takes one chunk at a time from a random candidate, dropping candidates found empty.
fn random(
    mut candidates: Vec<usize>,
    rng: &mut XorShift,
    take_one: &mut impl FnMut(usize) -> bool,
) {
    while !candidates.is_empty() {
        let pick = rng.below(candidates.len());
        if !take_one(candidates[pick]) {
            candidates.swap_remove(pick);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs a selection over queues holding `chunks[q]` chunks; returns the queues in the
    /// order chunks were taken from them.
    fn order(
        selection: VictimSelection,
        home: usize,
        groups: &[usize],
        chunks: &[usize],
    ) -> Vec<usize> {
        let mut left = chunks.to_vec();
        left[home] = 0;
        let mut taken = Vec::new();
        visit_victims(selection, home, groups, &mut XorShift::new(7), |queue| {
            if left[queue] == 0 {
                return false;
            }
            left[queue] -= 1;
            taken.push(queue);
            true
        });
        assert!(
            left.iter().all(|&count| count == 0),
            "{selection}: {left:?}"
        );
        taken
    }

    #[test]
    fn seq_drains_in_index_order() {
        let groups = [0, 0, 1, 1];
        assert_eq!(
            order(VictimSelection::SEQ, 1, &groups, &[2, 2, 2, 2]),
            vec![2, 2, 3, 3, 0, 0]
        );
    }

    #[test]
    fn seqpri_prefers_the_own_group() {
        let groups = [0, 1, 0, 1];
        assert_eq!(
            order(VictimSelection::SEQPRI, 1, &groups, &[1, 1, 1, 1]),
            vec![3, 2, 0]
        );
    }

    #[test]
    fn random_takes_everything() {
        let groups = [0, 0, 1, 1, 1];
        let taken = order(VictimSelection::RANDOM, 0, &groups, &[0, 3, 3, 3, 3]);
        assert_eq!(taken.len(), 12);
    }

    #[test]
    fn randompri_empties_the_own_group_first() {
        let groups = [0, 1, 0, 1, 0];
        let taken = order(VictimSelection::RANDOMPRI, 0, &groups, &[0, 2, 2, 2, 2]);
        assert!(taken[..4].iter().all(|&queue| groups[queue] == 0));
        assert!(taken[4..].iter().all(|&queue| groups[queue] == 1));
    }

    #[test]
    fn one_queue_has_no_victims() {
        assert!(order(VictimSelection::RANDOM, 0, &[0], &[5]).is_empty());
    }
}
