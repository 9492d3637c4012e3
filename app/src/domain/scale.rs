//! Rating scales and the scores on them.

use serde::{Deserialize, Serialize};

/// The point range a cycle rates on. Only the three ranges the method allows can be built, so every
/// `Scale` in the program is a valid one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scale {
    pub min: i32,
    pub max: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a scale must be 1..=5, 1..=7 or 0..=10, not {min}..={max}")]
pub struct ScaleError {
    pub min: i32,
    pub max: i32,
}

impl Scale {
    /// The default five-point scale of the reference report.
    pub const FIVE: Scale = Scale { min: 1, max: 5 };

    pub fn new(min: i32, max: i32) -> Result<Self, ScaleError> {
        match (min, max) {
            (1, 5) | (1, 7) | (0, 10) => Ok(Scale { min, max }),
            _ => Err(ScaleError { min, max }),
        }
    }

    /// Number of points on the scale.
    pub fn len(self) -> usize {
        (self.max - self.min + 1) as usize
    }

    pub fn is_empty(self) -> bool {
        false
    }

    pub fn points(self) -> impl Iterator<Item = i32> {
        self.min..=self.max
    }

    pub fn contains(self, value: i64) -> bool {
        (i64::from(self.min)..=i64::from(self.max)).contains(&value)
    }

    /// Lowest score counted in the top-two-box share.
    pub fn top_two_from(self) -> i32 {
        self.max - 1
    }
}

/// A score that is known to lie on its cycle's scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Score(i32);

impl Score {
    pub fn parse(value: i64, scale: Scale) -> Result<Self, ScoreError> {
        if scale.contains(value) {
            Ok(Score(value as i32))
        } else {
            Err(ScoreError::OffScale)
        }
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    #[error("score is off the scale")]
    OffScale,
}

/// The label of every point of a scale, in both languages, shown beside the radio buttons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScaleLabels {
    pub zh: Vec<String>,
    pub en: Vec<String>,
}

impl ScaleLabels {
    /// Labels of the default five-point importance scale.
    pub fn five_point_importance() -> Self {
        ScaleLabels {
            zh: ["不重要", "较不重要", "一般重要", "很重要", "极其重要"]
                .map(String::from)
                .to_vec(),
            en: [
                "Not important",
                "Slightly important",
                "Moderately important",
                "Very important",
                "Extremely important",
            ]
            .map(String::from)
            .to_vec(),
        }
    }

    /// True when both languages have exactly one label per point.
    pub fn fits(&self, scale: Scale) -> bool {
        self.zh.len() == scale.len() && self.en.len() == scale.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_three_method_scales_exist() {
        let cases = [
            ((1, 5), true),
            ((1, 7), true),
            ((0, 10), true),
            ((0, 5), false),
            ((1, 10), false),
            ((5, 1), false),
            ((1, 1), false),
        ];
        for ((min, max), ok) in cases {
            assert_eq!(Scale::new(min, max).is_ok(), ok, "{min}..={max}");
        }
    }

    #[test]
    fn score_must_lie_on_the_scale() {
        let five = Scale::FIVE;
        let ten = Scale::new(0, 10).unwrap();
        let cases = [
            (five, 0, false),
            (five, 1, true),
            (five, 5, true),
            (five, 6, false),
            (five, -1, false),
            (ten, 0, true),
            (ten, 10, true),
            (ten, 11, false),
            (five, i64::MAX, false),
        ];
        for (scale, v, ok) in cases {
            assert_eq!(Score::parse(v, scale).is_ok(), ok, "{v} on {scale:?}");
        }
        assert_eq!(Score::parse(4, five).unwrap().get(), 4);
    }

    #[test]
    fn top_two_box_starts_one_below_the_top() {
        assert_eq!(Scale::FIVE.top_two_from(), 4);
        assert_eq!(Scale::new(0, 10).unwrap().top_two_from(), 9);
    }

    #[test]
    fn default_labels_fit_the_default_scale() {
        assert!(ScaleLabels::five_point_importance().fits(Scale::FIVE));
        assert!(!ScaleLabels::five_point_importance().fits(Scale::new(1, 7).unwrap()));
    }

    #[test]
    fn points_run_over_the_whole_scale() {
        assert!(!Scale::FIVE.is_empty());
        assert_eq!(Scale::FIVE.points().collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
        let eleven = Scale::new(0, 10).unwrap();
        assert_eq!(
            eleven.points().collect::<Vec<_>>(),
            (0..=10).collect::<Vec<_>>()
        );
        // Labels fit only when both languages have one per point.
        let five = ScaleLabels::default_for(Scale::FIVE);
        assert!(five.fits(Scale::FIVE));
        let short_en = ScaleLabels {
            en: five.en[..4].to_vec(),
            ..five.clone()
        };
        assert!(!short_en.fits(Scale::FIVE));
        let short_zh = ScaleLabels {
            zh: five.zh[..4].to_vec(),
            ..five.clone()
        };
        assert!(!short_zh.fits(Scale::FIVE));
    }
}
