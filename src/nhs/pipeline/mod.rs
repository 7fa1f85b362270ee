//! NHS England's OAP measures from MHSDS tables, computed as its pipeline computes them
//! (NHSDigital/mental-health-monthly-statistics, `menh_bbrb/notebooks/02_Specific_Prepare/
//! 08_oaps/oaps_prep.py`, aggregated by `measure_metadata.py` and `mhsds_functions.py`; DOMAIN.md
//! section 14). Each rule says where in that code it is.
//!
//! For a reporting month `E` (a `UniqMonthID`), with `rp_end` its last day:
//! - rows are read for `E` when their `UniqMonthID` is one of the 12 months ending with `E`
//!   (`months`: those `MHS000Header` has, when given) and their record version is current at
//!   `rp_end` (`RecordEndDate` empty or on or after it, `RecordStartDate` before it); a spell
//!   or ward stay also only in a month whose reporting period it overlaps
//!   (`oaps_hospprovspell`, `oaps_wardstay`);
//! - an OAP is an `MHS101Referral` row with `ReasonOAT` '10' (`oaps_referrals`); its end is
//!   `ServDischDate`, or, when a later referral of the same person was received after it started
//!   and before it ended (or while it is open), the latest such received date, taken over every
//!   monthly row of both in the 12 months (`overlapping_oaps_referrals`);
//! - its hospital spells join on `UniqServReqID`, `Person_ID` and `OrgIDProv`, their ward stays
//!   on `UniqHospProvSpellID`, `Person_ID` and the referral's `OrgIDProv`, each from any month of
//!   the window (`oaps_month`, `oaps_quarter`, `oaps_year`: the joins do not match months);
//! - started (OAP01) = received in the window; ended (OAP04) = its end in the window; active at
//!   the end (OAP03) = no end, or an end after `rp_end` in a row of month `E`, and Q and Y take
//!   the month's (`"source_table": "oaps_month"`); each a count of distinct `UniqServReqID`;
//! - an adult acute count needs a ward stay with an adult acute bed (`Acute_Bed` = 'Y': bed
//!   type 200–202 in a row of April 2024 on, 10–12 before) holding the received date (started),
//!   the end (ended), or open after `rp_end` (active): `WS_Start`, `WS_End`, `WS_Active`, whose
//!   `BETWEEN StartDateWardStay AND EndDateWardStay` never holds for an open ward stay;
//! - bed days (OAP02) in the month: the hospital spell's nights in the month
//!   (`hosp_spell_bed_days_rp` from `StartDateHospProvSpell`), on the rows of the ward stay with
//!   the highest `UniqWardStayID` (`RANK` = 1, text order), once per distinct row of
//!   `oaps_month`: a spell whose received date or end falls in two ward stays of different bed
//!   types counts twice; OAP02a when that ward stay's bed is adult acute;
//! - the denominators of OAP08–OAP11 (`oaps_all_admissions_*`): distinct spells started
//!   (`StartDateHospProvSpell` in the window), discharged, open at `rp_end` in a row of month
//!   `E`, and their nights in the month; the adult acute twins count a spell when any of its ward
//!   stays of the window is adult acute (bed days: the one with the highest id).
//!
//! - the breakdowns by group of people (`MHS001MPI` given; DOMAIN.md section 12): a row of
//!   `oaps_month` takes the person's master record of the reporting month current at
//!   `rp_end`; a row of `oaps_quarter` or `oaps_year` every version of the record of its own
//!   month (`MPI.UniqMonthID = OAPs.UniqMonthID`, and no version filter there); a spell of
//!   `oaps_all_admissions_month` the reporting month's current record, and of `_quarter` and
//!   `_year` every current record of the window (the join is on `Person_ID` alone). So a
//!   referral or spell whose person changed group (an age band at a birthday, a corrected
//!   record) is counted in each; no record: UNKNOWN. Every level is crossed with each group
//!   ([`groups`]).
//!
//! The one deliberate difference: bed days at Q and Y (OAP02, OAP02a, and the bed days under
//! OAP09 and OAP09a) are the sum of the window's monthly values. Read literally, the quarterly
//! and yearly tables add a spell's nights (from the referral's received date) once per monthly
//! row of the referral and per distinct ward stay submission, which counts a night up to 12 times.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;

mod beds;
mod groups;

use super::measures::Tallies;
use crate::demographics::{Dimension, Person};
use crate::input::mhsds::records::{month_start, Month, Referral, Spell, WardStay};
use crate::input::mhsds::{Mhsds, People};
use crate::periods::{add_months, day_of, month_end, Day};
pub use beds::hosp_spell_bed_days;
use beds::{bed_type_for, is_acute};
use groups::Grouping;

/// A level of the MHSDS measures.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LevelKey {
    England,
    /// The collaborative of the sending provider (of an OAP) or of the provider (of a spell).
    Collaborative(String),
    /// `OrgIDReferringOrg`, `UNKNOWN` when empty.
    SendingProvider(String),
    /// `OrgIDProv` of the referral.
    ReceivingProvider(String),
    /// A level's people of one group (`group` indexes [`Dimension::groups`]).
    Group {
        of: Box<LevelKey>,
        dimension: Dimension,
        group: usize,
    },
}

/// The tallies of one level for each (reporting month, window) in order M, Q, Y: inappropriate
/// OAPs, and all spells (the denominators; England and collaboratives only).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counted {
    pub oaps: Vec<Tallies>,
    pub spells: Vec<Tallies>,
}

const STARTED: usize = 0;
const DAYS: usize = 1;
const ACTIVE: usize = 2;
const ENDED: usize = 3;

/// The sending provider of a referral with none (`coalesce(OrgIDReferring, "UNKNOWN")`).
pub const UNKNOWN_PROVIDER: &str = "UNKNOWN";

/// The levels a row is counted at, as indexes into [`Index::keys`] (at most four).
#[derive(Debug, Clone, Copy, Default)]
struct Levels {
    at: [u32; 4],
    len: u8,
}

impl Levels {
    fn iter(&self) -> impl Iterator<Item = u32> + Clone + '_ {
        self.at[..self.len as usize].iter().copied()
    }
}

/// Indexes built once for every reporting month.
struct Index<'a> {
    /// The inappropriate referrals (`ReasonOAT` '10'), each with its levels.
    inappropriate: Vec<(&'a Referral, Levels)>,
    /// Every spell row with its levels, by month.
    spells_by_month: HashMap<Month, Vec<(&'a Spell, Levels)>>,
    spells_of_referral: HashMap<u32, Vec<&'a Spell>>,
    stays_of_spell: HashMap<u32, Vec<&'a WardStay>>,
    /// Each ward stay id's place in text order (the pipeline orders `UniqWardStayID` as text).
    stay_order: Vec<u32>,
    /// The months `MHS000Header` holds, with their reporting periods (empty: none given).
    header: BTreeMap<Month, (Day, Day)>,
    /// The levels, each once.
    keys: Vec<LevelKey>,
    /// Who each person was, and how they are grouped (`None`: no `MHS001MPI`, no groups).
    people: &'a People,
    grouping: Option<Grouping>,
}

impl<'a> Index<'a> {
    fn new(m: &'a Mhsds) -> Index<'a> {
        let t = &m.tables;
        let mut spells_of_referral: HashMap<u32, Vec<&Spell>> = HashMap::new();
        for s in &t.spells {
            spells_of_referral.entry(s.referral).or_default().push(s);
        }
        let mut stays_of_spell: HashMap<u32, Vec<&WardStay>> = HashMap::new();
        for w in &t.ward_stays {
            stays_of_spell.entry(w.spell).or_default().push(w);
        }
        let mut order: Vec<u32> = (0..t.ward_stay_ids.values.len() as u32).collect();
        order.sort_by(|a, b| t.ward_stay_ids.text(*a).cmp(t.ward_stay_ids.text(*b)));
        let mut stay_order = vec![0; order.len()];
        for (place, id) in order.into_iter().enumerate() {
            stay_order[id as usize] = place as u32;
        }
        let header = t
            .header
            .iter()
            .map(|h| (h.month, (h.start, h.end)))
            .collect();
        // The sending provider of each referral id with an out-of-area reason (its latest row).
        let mut latest: HashMap<u32, (Month, Option<u32>)> = HashMap::new();
        for r in &t.referrals {
            let entry = latest.entry(r.id).or_insert((r.month, r.referrer));
            if r.month >= entry.0 {
                *entry = (r.month, r.referrer);
            }
        }
        let mut keys: Vec<LevelKey> = vec![LevelKey::England];
        let mut key_of: HashMap<LevelKey, u32> = HashMap::from([(LevelKey::England, 0)]);
        let mut intern = |key: LevelKey| -> u32 {
            *key_of.entry(key.clone()).or_insert_with(|| {
                keys.push(key);
                keys.len() as u32 - 1
            })
        };
        let organisation = |code: u32| t.organisations.text(code);
        let sending = |referrer: Option<u32>| referrer.map_or(UNKNOWN_PROVIDER, organisation);
        let collaborative =
            |provider: &str| m.providers.collaborative(provider).map(str::to_string);
        let mut sender_levels: HashMap<Option<u32>, (u32, Option<u32>)> = HashMap::new();
        let mut inappropriate = Vec::new();
        for r in t.referrals.iter().filter(|r| r.reason == 0) {
            let (send, collab) = *sender_levels.entry(r.referrer).or_insert_with(|| {
                let code = sending(r.referrer);
                let c = collaborative(code).map(|c| intern(LevelKey::Collaborative(c)));
                (intern(LevelKey::SendingProvider(code.to_string())), c)
            });
            let receive = intern(LevelKey::ReceivingProvider(
                organisation(r.provider).to_string(),
            ));
            let mut levels = Levels {
                at: [0, receive, send, 0],
                len: 3,
            };
            if let Some(c) = collab {
                levels.at[3] = c;
                levels.len = 4;
            }
            inappropriate.push((r, levels));
        }
        // A spell's collaborative: its sending provider's when its referral is out of area,
        // else its provider's.
        let mut provider_levels: HashMap<String, Option<u32>> = HashMap::new();
        let mut spells_by_month: HashMap<Month, Vec<(&Spell, Levels)>> = HashMap::new();
        for s in &t.spells {
            let provider = match latest.get(&s.referral) {
                Some((_, sender)) => sending(*sender),
                None => organisation(s.provider),
            };
            let collab = match provider_levels.get(provider) {
                Some(c) => *c,
                None => {
                    let c = collaborative(provider).map(|c| intern(LevelKey::Collaborative(c)));
                    provider_levels.insert(provider.to_string(), c);
                    c
                }
            };
            let levels = match collab {
                Some(c) => Levels {
                    at: [0, c, 0, 0],
                    len: 2,
                },
                None => Levels { at: [0; 4], len: 1 },
            };
            spells_by_month
                .entry(s.month)
                .or_default()
                .push((s, levels));
        }
        Index {
            inappropriate,
            spells_by_month,
            spells_of_referral,
            stays_of_spell,
            stay_order,
            header,
            keys,
            people: &m.people,
            grouping: m.people.given.then(Grouping::new),
        }
    }

    /// Whether the pipeline's `months` table holds a month (all do without `MHS000Header`).
    fn known(&self, month: Month) -> bool {
        self.header.is_empty() || self.header.contains_key(&month)
    }

    /// A month's reporting period: `MHS000Header`'s, or the calendar month.
    fn period(&self, month: Month) -> (Day, Day) {
        self.header.get(&month).copied().unwrap_or_else(|| {
            let start = month_start(month);
            (day_of(start), day_of(month_end(start)))
        })
    }
}

/// What one reporting month gives each level: counts per window (M, Q, Y) and the month's bed
/// days, for OAPs and for all spells.
#[derive(Debug, Clone, Default)]
struct MonthFigures {
    oaps: [Tallies; 3],
    spells: [Tallies; 3],
}

/// The figures of every level (by index) for a reporting month `end` (see the module's rules):
/// its M, and with `every_window` its Q and Y too.
fn month_figures(ix: &Index, end: Month, every_window: bool) -> HashMap<u32, MonthFigures> {
    let rp_end = day_of(month_end(month_start(end)));
    let window_start = |len: i32| day_of(add_months(month_start(end), 1 - len));
    let in_table = |month: Month| month <= end && month > end - 12 && ix.known(month);
    // A spell or ward stay row `oaps_hospprovspell` / `oaps_wardstay` keep for `end`.
    let overlaps = |month: Month, start: Day, stop: Option<Day>| {
        let (p1, p2) = ix.period(month);
        start <= p2 && stop.is_none_or(|s| s >= p1)
    };
    let spell_ok = |s: &Spell| {
        in_table(s.month)
            && s.version.current_at(rp_end)
            && overlaps(s.month, s.start, s.discharged)
    };
    let stay_ok = |w: &WardStay| {
        in_table(w.month) && w.version.current_at(rp_end) && overlaps(w.month, w.start, w.end)
    };

    // oaps_referrals: the 12 months, current versions (no `months` join).
    let referrals: Vec<&(&Referral, Levels)> = ix
        .inappropriate
        .iter()
        .filter(|(r, _)| r.month <= end && r.month > end - 12 && r.version.current_at(rp_end))
        .collect();
    // overlapping_oaps_referrals: the latest later referral of the same person, by id.
    let mut by_person: HashMap<u32, Vec<&Referral>> = HashMap::new();
    for (r, _) in &referrals {
        by_person.entry(r.person).or_default().push(r);
    }
    let mut new_end: HashMap<u32, Day> = HashMap::new();
    for rows in by_person.values().filter(|rows| rows.len() > 1) {
        for a in rows {
            for b in rows {
                if a.id != b.id
                    && a.received < b.received
                    && a.discharged.is_none_or(|d| b.received < d)
                {
                    let e = new_end.entry(a.id).or_insert(b.received);
                    *e = (*e).max(b.received);
                }
            }
        }
    }
    let end_of = |r: &Referral| new_end.get(&r.id).copied().or(r.discharged);

    let mut figures: HashMap<u32, MonthFigures> = HashMap::new();
    // Distinct ids counted: (level, window, tally (4 and up: spells), adult acute, id).
    let mut counted: HashSet<(u32, u8, u8, u8, u32)> = HashSet::new();
    let unknown = Person::UNKNOWN.pack();
    // A row's group levels (see the module: whose master records, of which months): with
    // `every_version`, every version of each month's record, current or not.
    let mut groups: Vec<u32> = Vec::new();
    let group_levels = |levels: &Levels,
                        person: u32,
                        months: &[Month],
                        every_version: bool,
                        out: &mut Vec<u32>| {
        out.clear();
        let Some(g) = &ix.grouping else { return };
        let mut whos: Vec<u32> = Vec::new();
        for &m in months {
            if every_version {
                whos.extend(ix.people.every_version(person, m));
            } else {
                whos.extend(ix.people.at(person, m, rp_end));
            }
        }
        if whos.is_empty() {
            whos.push(unknown);
        }
        whos.sort_unstable();
        whos.dedup();
        for &who in &whos {
            g.levels_of(levels.iter(), who, out);
        }
        if whos.len() > 1 {
            out.sort_unstable();
            out.dedup();
        }
    };
    let windows: &[i32] = if every_window { &[1, 3, 12] } else { &[1] };
    for (w, &len) in windows.iter().enumerate() {
        let (from, first_month) = (window_start(len), end - len + 1);
        let in_window = |month: Month| month >= first_month && month <= end;
        for (r, levels) in referrals
            .iter()
            .copied()
            .filter(|(r, _)| in_window(r.month) && ix.known(r.month))
        {
            let r_end = end_of(r);
            // `oaps_month` reads the month's current record; `oaps_quarter` and `oaps_year` every
            // version of the row's month's (their MHS001MPI has no version filter).
            group_levels(levels, r.person, &[r.month], w > 0, &mut groups);
            let all_levels = || levels.iter().chain(groups.iter().copied());
            let spells: Vec<&Spell> = ix
                .spells_of_referral
                .get(&r.id)
                .into_iter()
                .flatten()
                .copied()
                .filter(|s| {
                    s.person == r.person
                        && s.provider == r.provider
                        && in_window(s.month)
                        && spell_ok(s)
                })
                .collect();
            let stays: Vec<&WardStay> = spells
                .iter()
                .flat_map(|s| ix.stays_of_spell.get(&s.id).into_iter().flatten().copied())
                .filter(|x| {
                    x.person == r.person
                        && x.provider == r.provider
                        && in_window(x.month)
                        && stay_ok(x)
                })
                .collect();
            let holds = |x: &WardStay, day: Day| x.end.is_some_and(|e| x.start <= day && day <= e);
            let started = from <= r.received && r.received <= rp_end;
            let started_acute = stays.iter().any(|x| is_acute(x) && holds(x, r.received));
            let ended = r_end.is_some_and(|e| from <= e && e <= rp_end);
            let ended_acute =
                r_end.is_some_and(|e| stays.iter().any(|x| is_acute(x) && holds(x, e)));
            let active = w == 0
                && (r_end.is_none() || (r_end.is_some_and(|e| e > rp_end) && r.month == end));
            let active_acute = stays
                .iter()
                .any(|x| is_acute(x) && x.end.is_none_or(|e| e > rp_end));
            for (flag, acute, tally) in [
                (started, started_acute, STARTED),
                (ended, ended_acute, ENDED),
                (active, active_acute, ACTIVE),
            ] {
                if flag {
                    for level in all_levels() {
                        counted.insert((level, w as u8, tally as u8, 0, r.id));
                        if acute {
                            counted.insert((level, w as u8, tally as u8, 1, r.id));
                        }
                    }
                }
            }
            // OAP02M: the rows of `oaps_month` with RANK 1, each with the spell's nights.
            if w == 0 {
                for s in &spells {
                    let mine: Vec<&&WardStay> = stays.iter().filter(|x| x.spell == s.id).collect();
                    let key = |x: &WardStay| (bed_type_for(end, x.bed_type), is_acute(x));
                    let distinct = |keys: &mut dyn Iterator<Item = (u16, bool)>| -> i64 {
                        let set: HashSet<(u16, bool)> = keys.collect();
                        set.len().max(1) as i64
                    };
                    let at_start =
                        distinct(&mut mine.iter().filter(|x| holds(x, r.received)).map(|x| key(x)));
                    let open = r_end.is_none_or(|e| e > rp_end);
                    let at_active = distinct(
                        &mut mine
                            .iter()
                            .filter(|x| open && x.end.is_none_or(|e| e > rp_end))
                            .map(|x| key(x)),
                    );
                    let at_end = distinct(
                        &mut mine
                            .iter()
                            .filter(|x| r_end.is_some_and(|e| holds(x, e)))
                            .map(|x| key(x)),
                    );
                    let rows = at_start * at_active * at_end;
                    let nights = hosp_spell_bed_days(s.discharged, rp_end, s.start, from);
                    let top = mine.iter().map(|x| ix.stay_order[x.id as usize]).max();
                    let ranked: HashSet<(u16, bool)> = mine
                        .iter()
                        .filter(|x| Some(ix.stay_order[x.id as usize]) == top)
                        .map(|x| key(x))
                        .collect();
                    let (all, acute) = if top.is_none() {
                        (1, 0)
                    } else {
                        (
                            ranked.len() as i64,
                            ranked.iter().filter(|k| k.1).count() as i64,
                        )
                    };
                    for level in all_levels() {
                        let f = figures.entry(level).or_default();
                        f.oaps[0][0][DAYS] += nights * rows * all;
                        f.oaps[0][1][DAYS] += nights * rows * acute;
                    }
                }
            }
        }

        // The denominators: every spell of the window.
        let window_months: Vec<Month> = (first_month..=end).collect();
        for (s, levels) in (first_month..=end)
            .flat_map(|m| ix.spells_by_month.get(&m).into_iter().flatten())
            .filter(|(s, _)| spell_ok(s))
        {
            let stays = || {
                ix.stays_of_spell
                    .get(&s.id)
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|x| x.provider == s.provider && in_window(x.month) && stay_ok(x))
            };
            let started = from <= s.start && s.start <= rp_end;
            let ended = s.discharged.is_some_and(|d| from <= d && d <= rp_end);
            let active = s.discharged.is_none_or(|d| d > rp_end) && s.month == end;
            let counts_bed_days = w == 0 && s.month == end;
            if started || ended || active || counts_bed_days {
                group_levels(levels, s.person, &window_months, false, &mut groups);
            }
            let all_levels = || levels.iter().chain(groups.iter().copied());
            if started || ended || active {
                let any_acute = stays().any(is_acute);
                for (flag, tally) in [(started, STARTED), (ended, ENDED), (active, ACTIVE)] {
                    if flag {
                        for level in all_levels() {
                            counted.insert((level, w as u8, tally as u8 + 4, 0, s.id));
                            if any_acute {
                                counted.insert((level, w as u8, tally as u8 + 4, 1, s.id));
                            }
                        }
                    }
                }
            }
            // BEDDAYSM: no DISTINCT in `oaps_all_admissions_month`: every RANK 1 row counts.
            if counts_bed_days {
                let top = stays().map(|x| ix.stay_order[x.id as usize]).max();
                let (all, acute) = match top {
                    None => (1, 0),
                    Some(top) => stays()
                        .filter(|x| ix.stay_order[x.id as usize] == top)
                        .fold((0, 0), |(a, b), x| (a + 1, b + i64::from(is_acute(x)))),
                };
                let nights = hosp_spell_bed_days(s.discharged, rp_end, s.start, from);
                for level in all_levels() {
                    let f = figures.entry(level).or_default();
                    f.spells[0][0][DAYS] += nights * all;
                    f.spells[0][1][DAYS] += nights * acute;
                }
            }
        }
        // The window's distinct ids, counted (and let go before the next, larger, window).
        for (level, w, tally, acute, _) in counted.drain() {
            let f = figures.entry(level).or_default();
            let (w, tally, acute) = (w as usize, tally as usize, acute as usize);
            if tally >= 4 {
                f.spells[w][acute][tally - 4] += 1;
            } else {
                f.oaps[w][acute][tally] += 1;
            }
        }
    }
    // OAP03 at Q and Y is the month's (but not its denominator's adult acute twin, whose ward
    // stays are the window's).
    for f in figures.values_mut() {
        for w in 1..3 {
            for acute in 0..2 {
                f.oaps[w][acute][ACTIVE] = f.oaps[0][acute][ACTIVE];
            }
        }
    }
    figures
}

/// The tallies of every level for each reporting month (first days), in the order (month,
/// window M, Q, Y). Bed days at Q and Y are the sums of the window's monthly values.
pub fn levels(m: &Mhsds, months: &[NaiveDate]) -> BTreeMap<LevelKey, Counted> {
    let ix = Index::new(m);
    let ends: Vec<Month> = months
        .iter()
        .map(|&d| crate::input::mhsds::records::month_of(d))
        .collect();
    // Every month whose bed days a Q or Y sums: only their M is needed.
    let mut needed: Vec<Month> = ends.iter().flat_map(|&e| (e - 11)..=e).collect();
    needed.sort_unstable();
    needed.dedup();
    let per_month: HashMap<Month, HashMap<u32, MonthFigures>> = needed
        .iter()
        .map(|&e| (e, month_figures(&ix, e, ends.contains(&e))))
        .collect();
    // Every level with figures (England always), base levels and group levels.
    let mut present: Vec<u32> = per_month
        .values()
        .flat_map(|f| f.keys().copied())
        .chain([0])
        .collect();
    present.sort_unstable();
    present.dedup();
    let mut out = BTreeMap::new();
    for k in present {
        let key = match ix.grouping.as_ref().and_then(|g| g.decode(k)) {
            Some((base, dimension, group)) => LevelKey::Group {
                of: Box::new(ix.keys[base as usize].clone()),
                dimension,
                group,
            },
            None => ix.keys[k as usize].clone(),
        };
        let mut counted = Counted::default();
        for &e in &ends {
            let of = |month: Month| per_month.get(&month).and_then(|f| f.get(&k));
            let this = of(e).cloned().unwrap_or_default();
            for (w, len) in [(0usize, 1), (1, 3), (2, 12)] {
                let mut oaps = this.oaps[w];
                let mut spells = this.spells[w];
                for acute in 0..2 {
                    let days = |f: fn(&MonthFigures) -> &[Tallies; 3]| -> i64 {
                        ((e - len + 1)..=e)
                            .filter_map(of)
                            .map(|m| f(m)[0][acute][DAYS])
                            .sum()
                    };
                    oaps[acute][DAYS] = days(|m| &m.oaps);
                    spells[acute][DAYS] = days(|m| &m.spells);
                }
                counted.oaps.push(oaps);
                counted.spells.push(spells);
            }
        }
        out.insert(key, counted);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::mhsds::records::day;

    /// The hand-worked tables, only the rows of one person.
    fn one_person(person: &str) -> Mhsds {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/mhsds-tables");
        let mut m =
            crate::input::mhsds::read_folder(std::path::Path::new(dir), None, false).unwrap();
        let p = m.tables.people.find(person).unwrap();
        let t = &mut m.tables;
        t.referrals.retain(|r| r.person == p);
        t.spells.retain(|s| s.person == p);
        t.ward_stays.retain(|w| w.person == p);
        m
    }

    #[test]
    fn bed_days_at_q_both_readings_of_one_spell() {
        // A1: received 2024-03-10, its spell open from that day, submitted in March, April and
        // May 2024 with one ward stay (bed type 10 in March, 200 after). Reporting month May.
        let m = one_person("PA");
        let may = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
        let levels = levels(&m, &[may]);
        let q = levels[&LevelKey::England].oaps[1][0][DAYS];
        // oapstat: the monthly values summed, March 22 (10th to 31st) + April 30 + May 31.
        assert_eq!(q, 22 + 30 + 31);
        // Read literally, `oaps_quarter` is the DISTINCT rows of every monthly referral row
        // joined to every monthly spell row and every monthly ward stay row of the quarter (the
        // joins do not match months), each with `Bed_Days_Qtr_HS`: the spell's nights from the
        // received date. Its spell rows are alike (their month is not selected), but its ward
        // stay rows are not (`BedDaysWSEndRP` grows every month), so the rows are the monthly
        // referral rows times the monthly ward stay rows, and OAP02 Q sums them all.
        let t = &m.tables;
        let (start_q, end_q) = (day(2024, 3, 1), day(2024, 5, 31));
        let mut rows = std::collections::BTreeSet::new();
        for r in &t.referrals {
            for s in t.spells.iter().filter(|s| s.referral == r.id) {
                for w in t.ward_stays.iter().filter(|w| w.spell == s.id) {
                    let nights = hosp_spell_bed_days(s.discharged, end_q, r.received, start_q);
                    rows.insert((r.month, w.month, nights));
                }
            }
        }
        let literal: i64 = rows.iter().map(|row| row.2).sum();
        assert_eq!(rows.len(), 9);
        assert_eq!(literal, 9 * 83);
    }
}
