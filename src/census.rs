//! A daily census of stays: how many had started, had ended and were in on each night, counted
//! once over the days of all the periods asked for. Every per-period count of DOMAIN.md
//! sections 4 and 5 is then a difference of two running totals, so the cost of a report grows
//! with the rows plus the days, not with the rows times the periods.
//!
//! A stay `s..e` (day numbers; `e` absent while ongoing) is in on the nights `s, s+1, …, e-1`
//! (DOMAIN.md section 4: a same-day stay has no night). For a period `[p1, p2]`:
//!
//! | measure                          | from the running totals up to a day       |
//! |----------------------------------|-------------------------------------------|
//! | started in the period            | `started(p2) - started(p1 - 1)`           |
//! | ended in the period              | `ended(p2) - ended(p1 - 1)`               |
//! | active at the end of the period  | `started(p2) - ended(p2)`                 |
//! | active at some time in it        | `started(p2) - ended(p1 - 1)`             |
//! | nights in the period             | `nights(p2) - nights(p1 - 1)`             |
//!
//! where `started(d)` counts stays with `s <= d`, `ended(d)` stays with `e <= d`, and
//! `nights(d)` the nights up to and including night `d` (the sum over days of those in).

use std::ops::{Add, Sub};

use crate::periods::Day;

/// What a census counts: stays (`i64`), or a whole-number weight per stay and night such as a
/// daily cost in millionths of a pound (`i128`). Whole numbers keep every difference exact: with
/// floating point, running totals that grow and are then subtracted lose the last digits, enough
/// to move a mean cost across a half penny.
pub trait Tally: Copy + Default + Add<Output = Self> + Sub<Output = Self> {}
impl Tally for i64 {}
impl Tally for i128 {}

/// Stays counted on the days `first..=last`: the day before the first period to the end of the
/// last. Stays that start before `first` count as starting on it, which changes no difference
/// the table above takes (all are taken at `first` or later).
#[derive(Debug, Clone)]
pub struct Census<T: Tally> {
    first: Day,
    started: Vec<T>,
    ended: Vec<T>,
    nights: Vec<T>,
    finished: bool,
}

impl<T: Tally> Census<T> {
    pub fn new(first: Day, last: Day) -> Census<T> {
        let days = (last - first + 1).max(0) as usize;
        Census {
            first,
            started: vec![T::default(); days],
            ended: vec![T::default(); days],
            nights: Vec::new(),
            finished: false,
        }
    }

    fn slot(&self, day: Day) -> Option<usize> {
        let slot = (day.max(self.first) - self.first) as usize;
        (slot < self.started.len()).then_some(slot)
    }

    /// Counts a stay from `start` to `end` (`None`: ongoing), with weight `weight`.
    pub fn add(&mut self, start: Day, end: Option<Day>, weight: T) {
        debug_assert!(!self.finished, "stays added to a finished census");
        // A stay starting after the last day is never counted; nor is an end after it.
        let Some(slot) = self.slot(start) else { return };
        self.started[slot] = self.started[slot] + weight;
        if let Some(slot) = end.and_then(|e| self.slot(e)) {
            self.ended[slot] = self.ended[slot] + weight;
        }
    }

    /// Turns the daily events into running totals.
    pub fn finish(mut self) -> Census<T> {
        let mut nights = Vec::with_capacity(self.started.len());
        let (mut started, mut ended, mut total) = (T::default(), T::default(), T::default());
        for slot in 0..self.started.len() {
            started = started + self.started[slot];
            ended = ended + self.ended[slot];
            self.started[slot] = started;
            self.ended[slot] = ended;
            // In on night `slot`: started on or before it, not ended on or before it.
            total = total + (started - ended);
            nights.push(total);
        }
        self.nights = nights;
        self.finished = true;
        self
    }

    fn at(&self, totals: &[T], day: Day) -> T {
        debug_assert!(
            self.finished && day >= self.first,
            "census read before finish or before its first day"
        );
        totals[(day - self.first) as usize]
    }

    pub fn started_in(&self, p1: Day, p2: Day) -> T {
        self.at(&self.started, p2) - self.at(&self.started, p1 - 1)
    }

    pub fn ended_in(&self, p1: Day, p2: Day) -> T {
        self.at(&self.ended, p2) - self.at(&self.ended, p1 - 1)
    }

    pub fn active_at_end(&self, p2: Day) -> T {
        self.at(&self.started, p2) - self.at(&self.ended, p2)
    }

    pub fn active_in(&self, p1: Day, p2: Day) -> T {
        self.at(&self.started, p2) - self.at(&self.ended, p1 - 1)
    }

    pub fn nights_in(&self, p1: Day, p2: Day) -> T {
        self.at(&self.nights, p2) - self.at(&self.nights, p1 - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::periods::day_of;
    use chrono::NaiveDate;

    fn d(text: &str) -> Day {
        day_of(NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap())
    }

    /// Nights of `s..e` in `[p1, p2]` by the definition: `max(0, min(e, p2 + 1) - max(s, p1))`.
    fn nights_by_definition(s: Day, e: Option<Day>, p1: Day, p2: Day) -> i64 {
        let end = e.map_or(p2 + 1, |e| e.min(p2 + 1));
        i64::from((end - s.max(p1)).max(0))
    }

    #[test]
    fn february_2024_by_hand() {
        // February 2024 (29 days), the census running from 31 January to 31 March.
        let (p1, p2) = (d("2024-02-01"), d("2024-02-29"));
        let mut census = Census::<i64>::new(d("2024-01-31"), d("2024-03-31"));
        // Crosses both ends: 29 nights in February, active at the end.
        census.add(d("2024-01-20"), Some(d("2024-03-05")), 1);
        // Starts on the first day and ends on the last: 28 nights, ended in February.
        census.add(d("2024-02-01"), Some(d("2024-02-29")), 1);
        // Same day: no night, started and ended in February, never active at the end.
        census.add(d("2024-02-10"), Some(d("2024-02-10")), 1);
        // Ongoing from 15 February: 15 nights (15th to 29th), active at the end.
        census.add(d("2024-02-15"), None, 1);
        // Ends on 1 February: one night (31 January) before the period, none in it.
        census.add(d("2024-01-25"), Some(d("2024-02-01")), 1);
        // Wholly before the census, and after it: neither counts anywhere.
        census.add(d("2023-12-01"), Some(d("2023-12-24")), 1);
        census.add(d("2024-04-02"), None, 1);
        let census = census.finish();
        assert_eq!(census.started_in(p1, p2), 3);
        assert_eq!(census.ended_in(p1, p2), 3);
        assert_eq!(census.active_at_end(p2), 2);
        assert_eq!(census.active_in(p1, p2), 5);
        assert_eq!(census.nights_in(p1, p2), 29 + 28 + 15);
        // March: 4 nights of the first stay, 31 of the ongoing one.
        assert_eq!(census.nights_in(d("2024-03-01"), d("2024-03-31")), 4 + 31);
        assert_eq!(census.ended_in(d("2024-03-01"), d("2024-03-31")), 1);
    }

    #[test]
    fn weights_multiply_nights() {
        // Daily costs in pence: £650.25 for 2 March nights, £100.10 for 2.
        let mut census = Census::<i128>::new(d("2024-02-29"), d("2024-03-31"));
        census.add(d("2024-02-20"), Some(d("2024-03-03")), 65_025);
        census.add(d("2024-03-30"), None, 10_010);
        let census = census.finish();
        let march = census.nights_in(d("2024-03-01"), d("2024-03-31"));
        assert_eq!(march, 2 * 65_025 + 2 * 10_010);
    }

    #[test]
    fn agrees_with_the_definition_for_every_stay_and_period() {
        // Every stay of up to 40 days starting in a 70-day window (ongoing ones too), against
        // every period of up to 35 days in it.
        let base = d("2024-01-10");
        let (first, last) = (base + 9, base + 60);
        let mut stays = Vec::new();
        for s in base..base + 70 {
            stays.push((s, None));
            for len in 0..40 {
                stays.push((s, Some(s + len)));
            }
        }
        let mut census = Census::<i64>::new(first, last);
        for &(s, e) in &stays {
            census.add(s, e, 1);
        }
        let census = census.finish();
        for p1 in first + 1..=last {
            for p2 in p1..=(p1 + 35).min(last) {
                let touching =
                    |&&(s, e): &&(Day, Option<Day>)| s <= p2 && e.is_none_or(|e| e >= p1);
                let nights: i64 = stays
                    .iter()
                    .map(|&(s, e)| nights_by_definition(s, e, p1, p2))
                    .sum();
                let started = stays.iter().filter(|(s, _)| (p1..=p2).contains(s)).count() as i64;
                let ended = stays
                    .iter()
                    .filter(|(_, e)| e.is_some_and(|e| (p1..=p2).contains(&e)))
                    .count() as i64;
                let active_end = stays
                    .iter()
                    .filter(|(s, e)| *s <= p2 && e.is_none_or(|e| e > p2))
                    .count() as i64;
                let active = stays.iter().filter(touching).count() as i64;
                assert_eq!(census.nights_in(p1, p2), nights, "nights {p1} {p2}");
                assert_eq!(census.started_in(p1, p2), started);
                assert_eq!(census.ended_in(p1, p2), ended);
                assert_eq!(census.active_at_end(p2), active_end);
                assert_eq!(census.active_in(p1, p2), active);
            }
        }
    }
}
