//! The anonymity rule: which groupings of a cycle's respondents may be shown.
//!
//! Every figure the product shows counts one grouping of the respondents: all of them, the internal
//! groups, the external groups, or one group (the "internal vs external" layout shows the internal and
//! the external grouping side by side). The groupings shown together cut the respondents into cells:
//! the respondents who belong to exactly the same shown groupings. A cell's answers can be worked out by
//! adding and subtracting shown figures, so every cell must hold no response or at least k. Where one
//! would be smaller, further groupings are withheld until none is (complementary suppression). Which
//! are withheld depends on the response counts and the groups' order alone, never on the answers.

use super::{GroupInfo, Respondents};
use serde::{Deserialize, Serialize};

/// The rule a cycle's figures were disclosed by. A confirmation records it, so that a result confirmed
/// under the older rule still computes, and hashes, as it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnonymityRule {
    /// Before December 2026: a group or a filter below k was withheld on its own; everyone's figures
    /// were always shown and weighted over every group.
    #[default]
    GroupsBelowK,
    /// The cell rule of this module; weighted figures use the shown groups only.
    Cells,
}

/// What may be shown of a cycle's respondents.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Disclosure {
    /// The withheld groupings by their [`Respondents::key`]: `all`, `internal`, `external`, then group
    /// codes in the groups' order.
    pub withheld: Vec<String>,
    /// Weighted figures count every group with answers (the older rule), not only the shown ones.
    pub weigh_every_group: bool,
}

impl Disclosure {
    /// Applies `rule` to the groups of a cycle and `n[i]`, the responses of `groups[i]`.
    pub fn new(rule: AnonymityRule, k: u32, groups: &[GroupInfo], n: &[u64]) -> Disclosure {
        let groupings = Groupings { groups, n };
        let small = |count: u64| count > 0 && count < u64::from(k);
        let shown = match rule {
            AnonymityRule::GroupsBelowK => {
                let mut shown: Vec<bool> = (0..groupings.len())
                    .map(|j| !small(groupings.count(j)))
                    .collect();
                shown[0] = true;
                shown
            }
            AnonymityRule::Cells => groupings.suppress(small),
        };
        Disclosure {
            withheld: (0..groupings.len())
                .filter(|&j| !shown[j])
                .map(|j| groupings.key(j).to_string())
                .collect(),
            weigh_every_group: rule == AnonymityRule::GroupsBelowK,
        }
    }

    /// Whether the figures of `who` may be shown (the split layout: both of its sides).
    pub fn shows(&self, who: &Respondents) -> bool {
        match who {
            Respondents::Split => {
                self.shows(&Respondents::Internal) && self.shows(&Respondents::External)
            }
            who => !self.withheld.iter().any(|w| w == who.key()),
        }
    }

    /// Whether one group's own figures may be shown.
    pub fn shows_group(&self, code: &str) -> bool {
        !self.withheld.iter().any(|w| w == code)
    }

    /// Whether a group's answers go into the weighted figures.
    pub fn weighs(&self, code: &str) -> bool {
        self.weigh_every_group || self.shows_group(code)
    }
}

/// The groupings a cycle can show: 0 all, 1 internal, 2 external, then one per group.
struct Groupings<'a> {
    groups: &'a [GroupInfo],
    n: &'a [u64],
}

impl Groupings<'_> {
    fn len(&self) -> usize {
        3 + self.groups.len()
    }

    fn key(&self, j: usize) -> &str {
        match j {
            0 => "all",
            1 => "internal",
            2 => "external",
            _ => &self.groups[j - 3].code,
        }
    }

    /// Whether group `i` belongs to grouping `j`.
    fn has(&self, j: usize, i: usize) -> bool {
        match j {
            0 => true,
            1 => self.groups[i].internal,
            2 => !self.groups[i].internal,
            _ => j - 3 == i,
        }
    }

    fn count(&self, j: usize) -> u64 {
        (0..self.groups.len())
            .filter(|&i| self.has(j, i))
            .map(|i| self.n.get(i).copied().unwrap_or(0))
            .sum()
    }

    /// The cells that the `shown` groupings cut the respondents into: for each, which shown groupings
    /// its respondents belong to, and how many responses it holds. Respondents in no shown grouping
    /// are in no figure and form no cell.
    fn cells(&self, shown: &[bool]) -> Vec<(Vec<bool>, u64)> {
        let mut cells: Vec<(Vec<bool>, u64)> = Vec::new();
        for i in 0..self.groups.len() {
            let n = self.n.get(i).copied().unwrap_or(0);
            if n == 0 {
                continue;
            }
            let member: Vec<bool> = (0..self.len())
                .map(|j| shown[j] && self.has(j, i))
                .collect();
            if !member.contains(&true) {
                continue;
            }
            match cells.iter_mut().find(|(m, _)| *m == member) {
                Some(cell) => cell.1 += n,
                None => cells.push((member, n)),
            }
        }
        cells
    }

    /// The shown groupings under the cell rule. A grouping that is itself small is withheld first.
    /// Then, while a cell is small, one more grouping is withheld: one whose removal merges that cell
    /// with another, else one that tells it apart from another; of those the one with the fewest
    /// responses, the finer (later) one on a tie. Everyone's figures go only when nothing else can.
    fn suppress(&self, small: impl Fn(u64) -> bool) -> Vec<bool> {
        let mut shown: Vec<bool> = (0..self.len()).map(|j| !small(self.count(j))).collect();
        loop {
            let cells = self.cells(&shown);
            let Some((member, _)) = cells.iter().find(|(_, n)| small(*n)) else {
                return shown;
            };
            let merges = |j: usize| {
                let mut other = member.clone();
                other[j] = !other[j];
                cells.iter().any(|(m, _)| *m == other)
            };
            let separates = |j: usize| cells.iter().any(|(m, _)| m[j] != member[j]);
            let pick = |fits: &dyn Fn(usize) -> bool| {
                (1..self.len())
                    .filter(|&j| shown[j] && fits(j))
                    .min_by_key(|&j| (self.count(j), std::cmp::Reverse(j)))
            };
            match pick(&merges).or_else(|| pick(&separates)) {
                Some(j) => shown[j] = false,
                // The small cell is all there is: everything it belongs to goes.
                None => {
                    for (j, m) in member.iter().enumerate() {
                        if *m {
                            shown[j] = false;
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Bilingual;
    use rand::{rngs::StdRng, Rng, SeedableRng};

    fn group(code: &str, internal: bool) -> GroupInfo {
        GroupInfo {
            code: code.into(),
            name: Bilingual {
                zh: code.into(),
                en: code.into(),
            },
            internal,
            weight: 1.0,
        }
    }

    /// The cells of what `d` shows, worked out here from the groups' memberships rather than by the
    /// code under test: respondents grouped by the set of shown groupings they belong to.
    fn shown_cells(d: &Disclosure, groups: &[GroupInfo], n: &[u64]) -> Vec<(Vec<String>, u64)> {
        let mut cells: std::collections::BTreeMap<Vec<String>, u64> = Default::default();
        for (g, &count) in groups.iter().zip(n) {
            let side = if g.internal { "internal" } else { "external" };
            let member: Vec<String> = ["all", side, &g.code]
                .into_iter()
                .filter(|key| !d.withheld.iter().any(|w| w == key))
                .map(String::from)
                .collect();
            if count > 0 && !member.is_empty() {
                *cells.entry(member).or_default() += count;
            }
        }
        cells.into_iter().collect()
    }

    fn customers_employees_regulator() -> Vec<GroupInfo> {
        vec![group("CUS", false), group("EMP", true), group("REG", false)]
    }

    #[test]
    fn one_regulator_cannot_be_subtracted_out() {
        // 5 customers, 5 employees and 1 regulator, k = 5. Showing the customers and "external" would
        // give the regulator away (external - customers), as would everyone - customers - employees.
        let groups = customers_employees_regulator();
        let d = Disclosure::new(AnonymityRule::Cells, 5, &groups, &[5, 5, 1]);
        assert_eq!(d.withheld, ["CUS", "REG"]);
        assert!(d.shows(&Respondents::All));
        assert!(d.shows(&Respondents::External));
        assert!(d.shows(&Respondents::Split));
        assert!(d.shows_group("EMP"));
        assert!(!d.shows(&Respondents::Group("CUS".into())));
        assert!(!d.weighs("REG") && !d.weighs("CUS") && d.weighs("EMP"));
        assert_eq!(
            shown_cells(&d, &groups, &[5, 5, 1]),
            [
                (vec!["all".into(), "external".into()], 6),
                (vec!["all".into(), "internal".into(), "EMP".into()], 5)
            ]
        );
        // The older rule withheld the regulator alone, which is what let it be subtracted out.
        let old = Disclosure::new(AnonymityRule::GroupsBelowK, 5, &groups, &[5, 5, 1]);
        assert_eq!(old.withheld, ["REG"]);
        assert!(old.weighs("REG"));
    }

    #[test]
    fn everyone_is_withheld_only_below_k_in_all() {
        let groups = customers_employees_regulator();
        let d = Disclosure::new(AnonymityRule::Cells, 5, &groups, &[2, 1, 1]);
        assert_eq!(
            d.withheld,
            ["all", "internal", "external", "CUS", "EMP", "REG"]
        );
        assert!(!d.shows(&Respondents::All));
        assert!(shown_cells(&d, &groups, &[2, 1, 1]).is_empty());
        // No answers at all: nothing to protect.
        let none = Disclosure::new(AnonymityRule::Cells, 5, &groups, &[0, 0, 0]);
        assert!(none.withheld.is_empty());
        // Groups at k or over, and empty groups, hide nothing.
        let enough = Disclosure::new(AnonymityRule::Cells, 5, &groups, &[5, 9, 0]);
        assert!(enough.withheld.is_empty());
    }

    #[test]
    fn the_side_that_only_repeats_a_small_group_goes_too() {
        // Internal = EMP alone (3 < k): withheld; but everyone - external would give it back. No single
        // grouping merges EMP with another cell, so the smallest that tells them apart goes (SUP),
        // then "external", which then merges EMP with SUP. Everyone's figures stay.
        let groups = vec![group("EMP", true), group("CUS", false), group("SUP", false)];
        let d = Disclosure::new(AnonymityRule::Cells, 5, &groups, &[3, 6, 5]);
        assert_eq!(d.withheld, ["internal", "external", "EMP", "SUP"]);
        for (cell, n) in shown_cells(&d, &groups, &[3, 6, 5]) {
            assert!(n >= 5, "{cell:?} holds {n}");
        }
        assert!(d.shows(&Respondents::All));
    }

    /// The rule's promise for any group sizes and any k: every cell of what is shown holds no response
    /// or at least k; everyone's figures are shown whenever there are k responses; a grouping below k
    /// is never shown; and where every group has 0 or k responses, nothing is withheld.
    #[test]
    fn every_cell_holds_zero_or_at_least_k_for_random_groups() {
        let mut rng = StdRng::seed_from_u64(20261201);
        for case in 0..20_000 {
            let k: u32 = rng.gen_range(1..=12);
            let groups: Vec<GroupInfo> = (0..rng.gen_range(1..=7))
                .map(|i| group(&format!("G{i}"), rng.gen_bool(0.4)))
                .collect();
            let n: Vec<u64> = groups
                .iter()
                .map(|_| match rng.gen_range(0..4) {
                    0 => 0,
                    1 => rng.gen_range(1..u64::from(k) + 1),
                    _ => rng.gen_range(1..=3 * u64::from(k)),
                })
                .collect();
            let d = Disclosure::new(AnonymityRule::Cells, k, &groups, &n);
            let why = format!("case {case}: k = {k}, n = {n:?}, {groups:?} -> {d:?}");
            for (cell, count) in shown_cells(&d, &groups, &n) {
                assert!(count >= u64::from(k), "cell {cell:?} holds {count}; {why}");
            }
            let total: u64 = n.iter().sum();
            assert_eq!(
                d.shows(&Respondents::All),
                total == 0 || total >= u64::from(k),
                "{why}"
            );
            for (g, &count) in groups.iter().zip(&n) {
                if count > 0 && count < u64::from(k) {
                    assert!(!d.shows_group(&g.code), "{why}");
                }
            }
            if n.iter().all(|&c| c == 0 || c >= u64::from(k)) {
                assert!(d.withheld.is_empty(), "{why}");
            }
        }
    }
}
