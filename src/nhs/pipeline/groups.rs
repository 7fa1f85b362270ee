//! The groups of people of the pipeline's breakdowns ("England; Age Band", "Sending Provider;
//! Gender" and the others; DOMAIN.md section 12): every level crossed with every group of each
//! dimension is one more level, numbered so that finding a row's group levels is arithmetic.

use crate::demographics::{Dimension, Person};

/// The bit that marks a group level's number.
const GROUP: u32 = 1 << 31;

/// Room for every group of the five dimensions (56 with their UNKNOWNs).
const SLOTS: u32 = 64;

/// Each dimension's groups, by the byte of a [`Person`] it reads.
pub struct Grouping {
    tables: [[u8; 256]; 5],
    /// Where each dimension's groups start among the slots.
    offsets: [u8; 5],
}

impl Grouping {
    pub fn new() -> Grouping {
        let mut offsets = [0u8; 5];
        let mut next = 0usize;
        for (i, d) in Dimension::ALL.iter().enumerate() {
            offsets[i] = next as u8;
            next += d.group_count();
        }
        assert!(next <= SLOTS as usize, "the groups fit their slots");
        Grouping {
            tables: Dimension::ALL.map(Dimension::group_table),
            offsets,
        }
    }

    /// Pushes onto `out` the group levels of a row counted at `bases` whose person is `who`
    /// ([`Person::pack`]ed): one a base and dimension.
    pub fn levels_of(
        &self,
        bases: impl Iterator<Item = u32> + Clone,
        who: u32,
        out: &mut Vec<u32>,
    ) {
        let person = Person::unpack(who);
        for (i, d) in Dimension::ALL.iter().enumerate() {
            let slot = u32::from(self.offsets[i])
                + u32::from(self.tables[i][usize::from(d.byte_of(person))]);
            out.extend(bases.clone().map(|base| GROUP | (base * SLOTS + slot)));
        }
    }

    /// The base level, dimension and group (index into [`Dimension::groups`]) of a group
    /// level; `None` for a level that is not one.
    pub fn decode(&self, level: u32) -> Option<(u32, Dimension, usize)> {
        if level & GROUP == 0 {
            return None;
        }
        let (base, slot) = ((level & !GROUP) / SLOTS, (level & !GROUP) % SLOTS);
        let i = self
            .offsets
            .iter()
            .rposition(|&o| u32::from(o) <= slot)
            .expect("slot 0 is the first dimension's");
        Some((
            base,
            Dimension::ALL[i],
            (slot - u32::from(self.offsets[i])) as usize,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demographics::{ethnicity_code, gender_code};

    #[test]
    fn a_persons_group_levels_name_their_groups() {
        let g = Grouping::new();
        let who = Person {
            age: 18,
            gender: gender_code("2").unwrap(),
            ethnicity: ethnicity_code("H").unwrap(),
            imd_decile: 10,
        };
        let mut out = Vec::new();
        g.levels_of([0u32, 7].into_iter(), who.pack(), &mut out);
        let named: Vec<(u32, &str, &str)> = out
            .iter()
            .map(|&l| {
                let (base, d, group) = g.decode(l).unwrap();
                (base, d.name(), d.groups()[group])
            })
            .collect();
        assert_eq!(
            named,
            [
                (0, "age_band", "18 to 24"),
                (7, "age_band", "18 to 24"),
                (0, "gender", "Female"),
                (7, "gender", "Female"),
                (0, "ethnicity", "Indian"),
                (7, "ethnicity", "Indian"),
                (0, "upper_ethnicity", "Asian or Asian British"),
                (7, "upper_ethnicity", "Asian or Asian British"),
                (0, "imd_decile", "10 Least deprived"),
                (7, "imd_decile", "10 Least deprived"),
            ]
        );
        assert_eq!(g.decode(7), None);
        out.clear();
        g.levels_of([3u32].into_iter(), Person::UNKNOWN.pack(), &mut out);
        assert!(out.iter().all(|&l| g
            .decode(l)
            .is_some_and(|(_, d, i)| d.groups()[i] == "UNKNOWN")));
    }
}
