//! Exact statistics of integer scores, computed from per-value counts.
//!
//! Scores are small integers, so a histogram (count per scale point) holds everything the statistics
//! need: the cost of every figure here depends on the number of scale points, never on the number of
//! responses.

use super::Scale;
use serde::{Deserialize, Serialize};

/// Count of answers per point of a scale, plus the "don't know" answers that carry no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Histogram {
    scale: Scale,
    counts: Vec<u64>,
    pub dont_know: u64,
}

impl Histogram {
    pub fn new(scale: Scale) -> Self {
        Histogram {
            scale,
            counts: vec![0; scale.len()],
            dont_know: 0,
        }
    }

    /// Builds a histogram from raw answers (`None` = don't know). Values off the scale are a bug in the
    /// caller and panic.
    pub fn from_answers(scale: Scale, answers: impl IntoIterator<Item = Option<i32>>) -> Self {
        let mut h = Histogram::new(scale);
        for a in answers {
            match a {
                Some(v) => h.add(v, 1),
                None => h.dont_know += 1,
            }
        }
        h
    }

    /// Adds `n` answers of value `v`.
    pub fn add(&mut self, v: i32, n: u64) {
        assert!(
            self.scale.contains(v.into()),
            "value {v} off the scale {:?}",
            self.scale
        );
        self.counts[(v - self.scale.min) as usize] += n;
    }

    /// Adds every count of `other` (same scale) into this one.
    pub fn merge(&mut self, other: &Histogram) {
        debug_assert_eq!(self.scale, other.scale);
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.dont_know += other.dont_know;
    }

    pub fn count(&self, v: i32) -> u64 {
        self.counts[(v - self.scale.min) as usize]
    }

    /// Number of answers with a value (don't know excluded).
    pub fn n(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Every answer, don't know included: the number of respondents who saw the question.
    pub fn answers(&self) -> u64 {
        self.n() + self.dont_know
    }

    /// The value at 0-based position `k` of the sorted answers.
    fn order_statistic(&self, k: u64) -> f64 {
        let mut seen = 0;
        for (i, c) in self.counts.iter().enumerate() {
            seen += c;
            if k < seen {
                return f64::from(self.scale.min + i as i32);
            }
        }
        unreachable!("order statistic {k} beyond n = {}", self.n())
    }

    /// Quantile `p` in [0, 1] by linear interpolation between order statistics: position
    /// h = (n - 1) p, result x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]). This is numpy's
    /// default `percentile`, R's type 7 and Python's `statistics.quantiles(method="inclusive")`, so
    /// auditors can reproduce every figure with the tool they have. `None` when n = 0.
    pub fn quantile(&self, p: f64) -> Option<f64> {
        let n = self.n();
        if n == 0 {
            return None;
        }
        let h = (n - 1) as f64 * p;
        let lo = h.floor() as u64;
        let x_lo = self.order_statistic(lo);
        if lo + 1 >= n {
            return Some(x_lo);
        }
        let x_hi = self.order_statistic(lo + 1);
        Some(x_lo + (h - lo as f64) * (x_hi - x_lo))
    }

    pub fn mean(&self) -> Option<f64> {
        let n = self.n();
        if n == 0 {
            return None;
        }
        let sum: f64 = self.values().map(|(v, c)| f64::from(v) * c as f64).sum();
        Some(sum / n as f64)
    }

    /// Sample standard deviation (divisor n - 1); 0 for a single answer, as a single answer shows no
    /// spread, and `None` with no answer.
    pub fn sd(&self) -> Option<f64> {
        let n = self.n();
        let mean = self.mean()?;
        if n < 2 {
            return Some(0.0);
        }
        let ss: f64 = self
            .values()
            .map(|(v, c)| c as f64 * (f64::from(v) - mean).powi(2))
            .sum();
        Some((ss / (n - 1) as f64).sqrt())
    }

    /// Share of answers with a value in the top two points of the scale.
    pub fn top_two(&self) -> Option<f64> {
        let n = self.n();
        if n == 0 {
            return None;
        }
        let top: u64 = self
            .values()
            .filter(|(v, _)| *v >= self.scale.top_two_from())
            .map(|(_, c)| c)
            .sum();
        Some(top as f64 / n as f64)
    }

    fn values(&self) -> impl Iterator<Item = (i32, u64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .map(|(i, c)| (self.scale.min + i as i32, *c))
    }

    /// Every statistic of the method at once.
    pub fn stats(&self) -> AxisStats {
        let q1 = self.quantile(0.25);
        let q3 = self.quantile(0.75);
        AxisStats {
            n: self.n(),
            mean: self.mean(),
            sd: self.sd(),
            median: self.quantile(0.5),
            q1,
            q3,
            iqr: q1.zip(q3).map(|(a, b)| b - a),
            top2: self.top_two(),
            dont_know: self.dont_know,
        }
    }
}

/// Statistics of one topic on one axis. Every figure is `None` (null in JSON) when n = 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AxisStats {
    pub n: u64,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub median: Option<f64>,
    pub q1: Option<f64>,
    pub q3: Option<f64>,
    pub iqr: Option<f64>,
    pub top2: Option<f64>,
    pub dont_know: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(values: &[i32], dont_know: u64) -> Histogram {
        let mut h = Histogram::from_answers(Scale::FIVE, values.iter().map(|v| Some(*v)));
        h.dont_know = dont_know;
        h
    }

    fn close(a: Option<f64>, b: f64) {
        let a = a.expect("a value");
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    // Expected values computed by hand and checked with numpy.percentile / statistics.stdev.
    #[test]
    fn odd_count() {
        // sorted 1 2 3 4 5 5 5: mean 25/7; q1 at h=1.5 -> 2.5; median x[3] = 4; q3 at h=4.5 -> 5
        let s = h(&[5, 1, 4, 5, 2, 3, 5], 2).stats();
        assert_eq!(s.n, 7);
        close(s.mean, 25.0 / 7.0);
        // sum of squares about the mean: sum x^2 = 105, n mean^2 = 625/7 -> ss = 110/7
        close(s.sd, (110.0f64 / 7.0 / 6.0).sqrt());
        close(s.q1, 2.5);
        close(s.median, 4.0);
        close(s.q3, 5.0);
        close(s.iqr, 2.5);
        close(s.top2, 4.0 / 7.0);
        assert_eq!(s.dont_know, 2);
    }

    #[test]
    fn even_count() {
        // sorted 2 3 3 4: q1 at h=0.75 -> 2.75; median at 1.5 -> 3; q3 at 2.25 -> 3.25
        let s = h(&[3, 4, 2, 3], 0).stats();
        close(s.mean, 3.0);
        close(s.sd, (2.0f64 / 3.0).sqrt());
        close(s.q1, 2.75);
        close(s.median, 3.0);
        close(s.q3, 3.25);
        close(s.iqr, 0.5);
        close(s.top2, 0.25);
    }

    #[test]
    fn single_value() {
        let s = h(&[4], 1).stats();
        assert_eq!(s.n, 1);
        close(s.mean, 4.0);
        close(s.sd, 0.0);
        close(s.q1, 4.0);
        close(s.median, 4.0);
        close(s.q3, 4.0);
        close(s.iqr, 0.0);
        close(s.top2, 1.0);
    }

    #[test]
    fn empty_or_only_dont_know_gives_no_figures() {
        for dk in [0, 3] {
            let s = h(&[], dk).stats();
            assert_eq!(s.n, 0);
            assert_eq!(s.dont_know, dk);
            for v in [s.mean, s.sd, s.median, s.q1, s.q3, s.iqr, s.top2] {
                assert_eq!(v, None);
            }
        }
    }

    #[test]
    fn quantile_extremes_are_min_and_max() {
        let hist = h(&[2, 2, 3, 5], 0);
        close(hist.quantile(0.0), 2.0);
        close(hist.quantile(1.0), 5.0);
    }

    #[test]
    fn merge_adds_counts() {
        let mut a = h(&[1, 2], 1);
        a.merge(&h(&[2, 5], 2));
        assert_eq!(a.count(2), 2);
        assert_eq!(a.n(), 4);
        assert_eq!(a.dont_know, 3);
        assert_eq!(a.answers(), 7);
    }

    #[test]
    fn zero_based_scale() {
        let scale = Scale::new(0, 10).unwrap();
        let s = Histogram::from_answers(scale, [Some(0), Some(10), Some(9), None]).stats();
        close(s.mean, 19.0 / 3.0);
        close(s.median, 9.0);
        close(s.top2, 2.0 / 3.0);
        assert_eq!(s.dont_know, 1);
    }

    /// The figures computed the plain way, from the sorted list of answers.
    fn from_list(scale: Scale, answers: &[Option<i32>]) -> AxisStats {
        let mut v: Vec<f64> = answers.iter().flatten().map(|&x| f64::from(x)).collect();
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let n = v.len();
        let dont_know = (answers.len() - n) as u64;
        if n == 0 {
            return AxisStats {
                n: 0,
                mean: None,
                sd: None,
                median: None,
                q1: None,
                q3: None,
                iqr: None,
                top2: None,
                dont_know,
            };
        }
        let mean = v.iter().sum::<f64>() / n as f64;
        let sd = if n < 2 {
            0.0
        } else {
            (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
        };
        // Type 7: h = (n - 1) p, interpolate between the order statistics around h.
        let q = |p: f64| {
            let h = (n - 1) as f64 * p;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            v[lo] + (h - lo as f64) * (v[hi] - v[lo])
        };
        let top = v.iter().filter(|&&x| x >= f64::from(scale.max - 1)).count();
        AxisStats {
            n: n as u64,
            mean: Some(mean),
            sd: Some(sd),
            median: Some(q(0.5)),
            q1: Some(q(0.25)),
            q3: Some(q(0.75)),
            iqr: Some(q(0.75) - q(0.25)),
            top2: Some(top as f64 / n as f64),
            dont_know,
        }
    }

    /// A small deterministic generator (SplitMix64), so a failure can be replayed from its seed.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    #[test]
    fn histogram_figures_equal_figures_of_the_raw_list_for_random_answer_sets() {
        let scales = [
            Scale::FIVE,
            Scale::new(1, 7).unwrap(),
            Scale::new(0, 10).unwrap(),
        ];
        for seed in 0..2000u64 {
            let mut rng = Rng(seed);
            let scale = scales[rng.below(3) as usize];
            // Mostly small sets (where quantiles are delicate), some large.
            let len = if rng.below(10) == 0 {
                rng.below(5000)
            } else {
                rng.below(12)
            };
            // Skewed answers: a random favourite value, some "don't know".
            let favourite = scale.min + rng.below(scale.len() as u64) as i32;
            let answers: Vec<Option<i32>> = (0..len)
                .map(|_| match rng.below(10) {
                    0 => None,
                    1..=4 => Some(favourite),
                    _ => Some(scale.min + rng.below(scale.len() as u64) as i32),
                })
                .collect();
            let from_histogram = Histogram::from_answers(scale, answers.iter().copied()).stats();
            let expected = from_list(scale, &answers);
            assert_eq!(from_histogram.n, expected.n, "seed {seed}");
            assert_eq!(from_histogram.dont_know, expected.dont_know, "seed {seed}");
            for (name, a, b) in [
                ("mean", from_histogram.mean, expected.mean),
                ("sd", from_histogram.sd, expected.sd),
                ("median", from_histogram.median, expected.median),
                ("q1", from_histogram.q1, expected.q1),
                ("q3", from_histogram.q3, expected.q3),
                ("iqr", from_histogram.iqr, expected.iqr),
                ("top2", from_histogram.top2, expected.top2),
            ] {
                match (a, b) {
                    (Some(a), Some(b)) => {
                        assert!((a - b).abs() < 1e-9, "seed {seed}: {name} {a} != {b}")
                    }
                    (a, b) => assert_eq!(a, b, "seed {seed}: {name}"),
                }
            }
        }
    }
}
