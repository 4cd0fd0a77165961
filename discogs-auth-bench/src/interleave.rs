//! Two contenders timed in alternating batches, for ratios that a shared machine's drift does
//! not move.
//!
//! Criterion measures one benchmark after the other, so a neighbour's burst during one of
//! them moves the ratio of the two. Here the two take turns, batch by batch (the order flipping
//! every round); each round's ratio compares two batches measured back to back, and the
//! reported ratio is the median over the rounds.

use std::time::Instant;

use crate::report::median;

/// What [`paired`] measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paired {
    /// The median over the rounds of `first`'s time per call, in nanoseconds.
    pub first: f64,
    /// The same for `second`.
    pub second: f64,
    /// The median over the rounds of `first ÷ second`.
    pub ratio: f64,
}

/// Times `batch` calls of `first`, then of `second` (or the other way round: the order flips
/// every round), `rounds` times.
pub fn paired(
    rounds: usize,
    batch: u32,
    mut first: impl FnMut(),
    mut second: impl FnMut(),
) -> Paired {
    let batch = batch.max(1);
    let time = |call: &mut dyn FnMut()| {
        let start = Instant::now();
        for _ in 0..batch {
            call();
        }
        start.elapsed().as_secs_f64() * 1e9 / f64::from(batch)
    };
    let (mut first_times, mut second_times) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        if round % 2 == 0 {
            first_times.push(time(&mut first));
            second_times.push(time(&mut second));
        } else {
            second_times.push(time(&mut second));
            first_times.push(time(&mut first));
        }
    }
    let ratios = first_times
        .iter()
        .zip(&second_times)
        .map(|(first, second)| first / second)
        .collect();
    Paired {
        first: median(first_times).unwrap_or(f64::NAN),
        second: median(second_times).unwrap_or(f64::NAN),
        ratio: median(ratios).unwrap_or(f64::NAN),
    }
}

/// How many calls of `call` take about `target_ns` (at least one), from a short trial.
pub fn batch_for(target_ns: f64, call: &mut dyn FnMut()) -> u32 {
    const TRIAL: u32 = 200;
    let start = Instant::now();
    for _ in 0..TRIAL {
        call();
    }
    let per_call = start.elapsed().as_secs_f64() * 1e9 / f64::from(TRIAL);
    // Saturating float-to-int cast; at least one call.
    ((target_ns / per_call.max(1.0)) as u32).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Batches alternate and the order flips every round.
    #[test]
    fn batches_alternate_with_the_order_flipped_every_round() {
        let calls = std::cell::RefCell::new(String::new());
        let result = paired(
            3,
            2,
            || calls.borrow_mut().push('a'),
            || calls.borrow_mut().push('b'),
        );
        assert_eq!(calls.into_inner(), "aabbbbaaaabb");
        // Two pushes may take less than the clock can tell apart: times are at least zero
        // (never NaN), the ratio is not asserted.
        assert!(result.first >= 0.0 && result.second >= 0.0, "{result:?}");
    }

    #[test]
    fn a_batch_has_at_least_one_call() {
        assert_eq!(
            batch_for(0.0, &mut || {
                std::hint::black_box(0);
            }),
            1
        );
    }
}
