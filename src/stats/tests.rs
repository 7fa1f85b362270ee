//! The package's own test vectors (PHEindicatormethods `tests/testthat/`: the workbooks
//! `testdata_Byars_Wilson.xlsx`, `testdata_Proportion.xlsx`, `testdata_Rate.xlsx` and
//! `testdata_DSR_ISR.xlsx` that `testWilson.R`, `testByars.R`, `testProportions.R`,
//! `testRates.R` and `testDSRs.R` check against), hand-worked edges, and the SciPy cross-check
//! (`tests/data/stats/scipy.csv`, written by `bench/stats_compare.py`).

use super::dsr::standardised;
use super::proportion::wilson_interval;
use super::rate::{byar_lower, byar_upper, exact_poisson};
use super::*;

/// Equal to 1e-9 of the expected value (or 1e-12 absolutely, for values near zero).
#[track_caller]
fn close(actual: f64, expected: f64, what: &str) {
    let tolerance = (expected.abs() * 1e-9).max(1e-12);
    assert!(
        (actual - expected).abs() <= tolerance,
        "{what}: {actual} is not {expected} (difference {:e})",
        actual - expected
    );
}

#[track_caller]
fn close_interval(actual: Interval, expected: [f64; 3], what: &str) {
    close(actual.value, expected[0], &format!("{what} value"));
    close(actual.lower, expected[1], &format!("{what} lower"));
    close(actual.upper, expected[2], &format!("{what} upper"));
}

#[test]
fn z_is_the_two_sided_normal_quantile() {
    // R: qnorm(0.975), qnorm(0.999), qnorm(0.95).
    close(z(0.95), 1.959963984540054, "z(0.95)");
    close(z(0.998), 3.090232306167813, "z(0.998)");
    close(z(0.90), 1.6448536269514722, "z(0.90)");
}

#[test]
#[should_panic(expected = "a confidence level is a fraction between 0 and 1")]
fn a_confidence_in_percent_is_refused() {
    z(95.0);
}

/// `testdata_Byars_Wilson.xlsx`, sheet `testdata_B_W`, rows 1–6 and 13 (`testByars.R`).
#[test]
fn byar_limits_match_the_package() {
    #[rustfmt::skip]
    let cases = [
        (65.0, 0.95, Some(50.163187710459454), 82.84913854593984),
        (1045.0, 0.95, Some(982.5932018073325), 1110.33121298565),
        (1.0, 0.95, Some(0.01307213290150435), 5.5637555824752605),
        (65.0, 0.998, Some(42.8802614714802), 94.00029084431802),
        (1045.0, 0.998, Some(947.9407035610374), 1148.806160988033),
        (10.0, 0.998, Some(2.916318374695686), 24.193724927880535),
        // Negative, so NA in the package.
        (1.0, 0.998, None, 9.362180217908362),
    ];
    for (x, confidence, lower, upper) in cases {
        let what = format!("Byar {x} at {confidence}");
        match (byar_lower(x, z(confidence)), lower) {
            (Some(a), Some(e)) => close(a, e, &what),
            (None, None) => {}
            (a, e) => panic!("{what}: lower {a:?}, expected {e:?}"),
        }
        close(byar_upper(x, z(confidence)), upper, &what);
    }
}

/// `testdata_Byars_Wilson.xlsx` rows 7–12 (`testWilson.R`), including a fractional numerator.
#[test]
fn wilson_limits_match_the_package() {
    #[rustfmt::skip]
    let cases = [
        (65.0, 100.0, 0.95, 0.5525444329688797, 0.7363575175690247),
        (1045.0, 5000.0, 0.95, 0.19795549880013297, 0.22049130373189027),
        (0.445, 1.0, 0.95, 0.04381744772058822, 0.9334621276979156),
        (65.0, 100.0, 0.998, 0.4954946574070431, 0.7783540614089697),
        (1045.0, 5000.0, 0.998, 0.19179381799015244, 0.22731562902525818),
        (0.445, 1.0, 0.998, 0.019347006132900975, 0.9702259947019541),
    ];
    for (x, n, confidence, lower, upper) in cases {
        let interval = wilson_interval(x, n, z(confidence));
        close_interval(
            interval,
            [x / n, lower, upper],
            &format!("Wilson {x}/{n} at {confidence}"),
        );
    }
}

/// `testdata_Proportion.xlsx`, sheet `testdata_Prop` (`testProportions.R`): numerator,
/// denominator, multiplier, then value and the 95% and 99.8% limits.
#[test]
fn proportions_match_the_package() {
    #[rustfmt::skip]
    let cases: [(u64, u64, f64, [f64; 5]); 16] = [
        (1, 100, 1.0, [0.01, 0.0017674320641406511, 0.054486196178705294, 0.000873065697299977, 0.1045544528370582]),
        (5, 100, 1.0, [0.05, 0.02154367915436798, 0.11175046923191911, 0.013865320725997183, 0.16458852282596442]),
        (20, 100, 1.0, [0.2, 0.1333669333310325, 0.28882916559315885, 0.10519162066711432, 0.3471109417008601]),
        (65, 100, 1.0, [0.65, 0.5525444329688797, 0.7363575175690247, 0.4954946574070431, 0.7783540614089697]),
        (9856, 12345, 1.0, [0.7983799108950992, 0.7912101752909069, 0.8053640073614909, 0.7869924108419063, 0.8093061412589626]),
        (7776456, 7564336677, 1.0, [0.0010280420256339154, 0.0010273201001641094, 0.0010287644578977231, 0.0010269040118442213, 0.0010291812992698397]),
        (222, 3215, 1.0, [0.06905132192846034, 0.060791690363636595, 0.07833956681383633, 0.05647101964624248, 0.08418414185270134]),
        (999, 3456, 1.0, [0.2890625, 0.27418951080009873, 0.30440389662818057, 0.26583995768074953, 0.3134475449279985]),
        (1, 100, 100.0, [1.0, 0.1767432064140651, 5.44861961787053, 0.0873065697299977, 10.45544528370582]),
        (5, 100, 100.0, [5.0, 2.154367915436798, 11.17504692319191, 1.3865320725997183, 16.458852282596443]),
        (20, 100, 100.0, [20.0, 13.33669333310325, 28.882916559315884, 10.519162066711433, 34.71109417008601]),
        (65, 100, 100.0, [65.0, 55.25444329688797, 73.63575175690247, 49.54946574070431, 77.83540614089696]),
        (9856, 12345, 100.0, [79.83799108950991, 79.1210175290907, 80.53640073614909, 78.69924108419063, 80.93061412589626]),
        (7776456, 7564336677, 100.0, [0.10280420256339154, 0.10273201001641094, 0.10287644578977231, 0.10269040118442213, 0.10291812992698397]),
        (222, 3215, 100.0, [6.905132192846033, 6.07916903636366, 7.833956681383633, 5.647101964624248, 8.418414185270134]),
        (999, 3456, 100.0, [28.90625, 27.418951080009872, 30.440389662818056, 26.583995768074953, 31.344754492799847]),
    ];
    for (x, n, multiplier, [value, l95, u95, l998, u998]) in cases {
        let what = format!("proportion {x}/{n} × {multiplier}");
        let at95 = wilson(x, n, 0.95).unwrap().scaled(multiplier);
        close_interval(at95, [value, l95, u95], &format!("{what} at 0.95"));
        let at998 = wilson(x, n, 0.998).unwrap().scaled(multiplier);
        close_interval(at998, [value, l998, u998], &format!("{what} at 0.998"));
    }
}

/// `testdata_Proportion.xlsx`, sheet `testdata_Prop_g`: the grouped sums, at 0.95.
#[test]
fn grouped_proportions_match_the_package() {
    #[rustfmt::skip]
    let cases: [(u64, u64, [f64; 3]); 8] = [
        (2, 200, [0.01, 0.002746658133544438, 0.035721761716176796]),
        (10, 200, [0.05, 0.027382645600763925, 0.08957814813877597]),
        (40, 200, [0.2, 0.15045200926098115, 0.2608551865653788]),
        (130, 200, [0.65, 0.5816346433604008, 0.7127117587264192]),
        (19712, 24690, [0.7983799108950992, 0.7933291845541375, 0.8033378032278297]),
        (15552912, 15128673354, [0.0010280420256339154, 0.0010275314947741198, 0.0010285528098907119]),
        (444, 6430, [0.06905132192846034, 0.06310799576298091, 0.0755092618317013]),
        (1998, 6912, [0.2890625, 0.2784949436323704, 0.2998643901720741]),
    ];
    for (x, n, expected) in cases {
        close_interval(wilson(x, n, 0.95).unwrap(), expected, &format!("{x}/{n}"));
    }
}

#[test]
fn wilson_edges() {
    assert_eq!(wilson(0, 0, 0.95), None, "no denominator, no value");
    // x = 0: the lower limit is exactly 0 and the upper z²/(n + z²).
    let z2 = z(0.95).powi(2);
    let none = wilson(0, 50, 0.95).unwrap();
    close_interval(none, [0.0, 0.0, z2 / (50.0 + z2)], "0/50");
    // x = n: the mirror image.
    let all = wilson(50, 50, 0.95).unwrap();
    close_interval(all, [1.0, 50.0 / (50.0 + z2), 1.0], "50/50");
    // The package's 65/100 of DOMAIN.md section 12, to its 10 decimals.
    let domain = wilson(65, 100, 0.95).unwrap();
    assert!((domain.lower - 0.5525444330).abs() < 5e-11);
    assert!((domain.upper - 0.7363575176).abs() < 5e-11);
}

#[test]
#[should_panic(expected = "exceeds its denominator")]
fn a_proportion_above_one_is_refused() {
    wilson(6, 5, 0.95);
}

/// `testdata_Rate.xlsx`, sheet `testdata_Rate` (`testRates.R`): numerator, denominator,
/// multiplier, then value and the 95% and 99.8% limits (exact below 10, Byar's from 10).
#[test]
fn rates_match_the_package() {
    #[rustfmt::skip]
    let cases: [(u64, f64, f64, [f64; 5]); 17] = [
        (1, 100.0, 100.0, [1.0, 0.025317807984289897, 5.571643390938898, 0.0010005003335835344, 9.233413476451585]),
        (5, 100.0, 100.0, [5.0, 1.62348639011842, 11.668332079322669, 0.739371731917839, 16.454745203680105]),
        (20, 100.0, 100.0, [20.0, 12.211428834875937, 30.889880369197066, 8.922802365144193, 38.08503562504191]),
        (65, 100.0, 100.0, [65.0, 50.163187710459454, 82.84913854593984, 42.8802614714802, 94.00029084431802]),
        (9856, 12345.0, 100.0, [79.83799108950991, 78.26949058976757, 81.4300165427214, 77.37590543271052, 82.3544727709543]),
        (7776456, 7564336677.0, 100.0, [0.10280420256339154, 0.10273196005302074, 0.10287648334092832, 0.102690317308454, 0.10291817639509068]),
        (222, 3215.0, 100.0, [6.905132192846033, 6.026574877652675, 7.87572937087185, 5.560737695259854, 8.46104668173341]),
        (999, 3456.0, 100.0, [28.90625, 27.14130493609052, 30.755833237378415, 26.162147596445767, 31.845604819822654]),
        (1, 100.0, 100000.0, [1000.0, 25.317807984289896, 5571.643390938898, 1.0005003335835343, 9233.413476451586]),
        (5, 100.0, 100000.0, [5000.0, 1623.4863901184199, 11668.332079322669, 739.3717319178389, 16454.745203680104]),
        (20, 100.0, 100000.0, [20000.0, 12211.428834875936, 30889.880369197064, 8922.802365144193, 38085.03562504191]),
        (65, 100.0, 100000.0, [65000.0, 50163.18771045945, 82849.13854593984, 42880.261471480204, 94000.290844318]),
        (9856, 12345.0, 100000.0, [79837.99108950992, 78269.49058976758, 81430.01654272141, 77375.90543271053, 82354.47277095431]),
        (7776456, 7564336677.0, 100000.0, [102.80420256339154, 102.73196005302074, 102.87648334092832, 102.690317308454, 102.91817639509068]),
        (222, 3215.0, 100000.0, [6905.132192846034, 6026.574877652674, 7875.729370871851, 5560.737695259853, 8461.04668173341]),
        (999, 3456.0, 100000.0, [28906.25, 27141.30493609052, 30755.833237378414, 26162.147596445768, 31845.604819822653]),
        // More events than people (test "num > denom"; its 99.8% limits are in the workbook too).
        (250, 220.0, 100000.0, [113636.36363636365, 99984.94738532876, 128631.14487455782, 92710.00554438953, 137651.23772147458]),
    ];
    for (x, n, multiplier, [value, l95, u95, l998, u998]) in cases {
        let what = format!("rate {x}/{n} × {multiplier}");
        let at95 = crude_rate(x, n, multiplier, 0.95).unwrap();
        close_interval(at95, [value, l95, u95], &format!("{what} at 0.95"));
        let at998 = crude_rate(x, n, multiplier, 0.998).unwrap();
        close_interval(at998, [value, l998, u998], &format!("{what} at 0.998"));
    }
}

/// `testdata_Rate.xlsx`, sheet `testdata_Rate_g`: the grouped sums, per 100,000 at 0.95.
#[test]
fn grouped_rates_match_the_package() {
    #[rustfmt::skip]
    let cases: [(u64, f64, [f64; 3]); 8] = [
        (2, 200.0, [1000.0, 121.10463927198258, 3612.3438338619794]),
        (10, 200.0, [5000.0, 2393.7249569837822, 9195.729302878237]),
        (40, 200.0, [20000.0, 14286.649933218456, 27235.04966001213]),
        (130, 200.0, [65000.0, 54306.52101925725, 77182.74430661963]),
        (19712, 24690.0, [79837.99108950992, 78727.30027133638, 80960.43271813256]),
        (15552912, 15128673354.0, [102.80420256339154, 102.7531168009107, 102.85530745877516]),
        (444, 6430.0, [6905.132192846034, 6277.68811414578, 7578.304458634362]),
        (1998, 6912.0, [28906.25, 27652.52008830221, 30202.169187218453]),
    ];
    for (x, n, expected) in cases {
        let rate = crude_rate(x, n, 100000.0, 0.95).unwrap();
        close_interval(rate, expected, &format!("{x}/{n}"));
    }
}

#[test]
fn rate_edges() {
    assert_eq!(crude_rate(3, 0.0, 100000.0, 0.95), None, "no population");
    assert_eq!(crude_rate(0, 0.0, 100000.0, 0.95), None, "no population");
    // x = 0: the lower limit is 0 and the upper −ln(α/2) (χ²(1 − α/2; 2)/2), per n.
    let zero = crude_rate(0, 1000.0, 1000.0, 0.95).unwrap();
    close_interval(zero, [0.0, 0.0, -(0.025f64.ln())], "0/1000");
    let zero = crude_rate(0, 1000.0, 1000.0, 0.998).unwrap();
    close_interval(zero, [0.0, 0.0, -(0.001f64.ln())], "0/1000 at 0.998");
    // 9 events: exact; 10: Byar's.
    let (lower, upper) = exact_poisson(9, 0.95);
    close_interval(
        crude_rate(9, 100.0, 100.0, 0.95).unwrap(),
        [9.0, lower, upper],
        "9/100",
    );
    let z = z(0.95);
    close_interval(
        crude_rate(10, 100.0, 100.0, 0.95).unwrap(),
        [10.0, byar_lower(10.0, z).unwrap(), byar_upper(10.0, z)],
        "10/100",
    );
    // R and SciPy: qchisq(0.025, 18)/2 and qchisq(0.975, 20)/2, the exact limits of 9.
    close(lower, 4.115373097378334, "exact lower of 9");
    close(upper, 17.084803451419166, "exact upper of 9");
    // The package's exact 1/100 and Byar 20/100 of DOMAIN.md section 12, to its 10 decimals.
    let one = crude_rate(1, 100.0, 100.0, 0.95).unwrap();
    assert!((one.lower - 0.0253178080).abs() < 5e-11);
    assert!((one.upper - 5.5716433909).abs() < 5e-11);
    let twenty = crude_rate(20, 100.0, 100.0, 0.95).unwrap();
    assert!((twenty.lower - 12.2114288349).abs() < 5e-11);
    assert!((twenty.upper - 30.8898803692).abs() < 5e-11);
}

/// `testdata_DSR_ISR.xlsx`, sheet `testdata_multiarea`: the counts of areas `testdata_big`,
/// `testdata_small` and `testdata_tiny` (its missing count is 0, as the package's `na.zero`)
/// over the same populations, in ESP 2013 band order.
const DSR_POPULATIONS: [f64; 19] = [
    636.0, 558.0, 609.0, 543.0, 384.0, 594.0, 669.0, 843.0, 660.0, 576.0, 606.0, 522.0, 426.0,
    273.0, 300.0, 288.0, 153.0, 123.0, 207.0,
];
const DSR_BIG: [u64; 19] = [
    127, 25, 18, 21, 12, 27, 48, 27, 29, 32, 32, 34, 45, 65, 38, 68, 74, 82, 91,
];
const DSR_SMALL: [u64; 19] = [12, 4, 3, 2, 3, 4, 8, 2, 2, 3, 4, 5, 6, 8, 5, 6, 5, 5, 4];
const DSR_TINY: [u64; 19] = [0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 2, 3];

fn bands(counts: &[u64; 19]) -> Vec<AgeBandCount> {
    EspBand::ALL
        .iter()
        .zip(counts.iter().zip(DSR_POPULATIONS))
        .map(|(&band, (&count, population))| AgeBandCount {
            band,
            count,
            population,
        })
        .collect()
}

/// `testdata_DSR_ISR.xlsx`, sheet `testresults_DSR` (`testDSRs.R`): per 10,000 and per 100,000,
/// at 0.95 and 0.998.
#[test]
fn standardised_rates_match_the_package() {
    #[rustfmt::skip]
    let cases = [
        (&DSR_BIG, 10000.0, [1043.0247991469423, 971.770906798568, 1117.894091547925, 932.3287880219904, 1162.0595999522059]),
        (&DSR_SMALL, 10000.0, [110.3212025300104, 87.7455767536709, 136.70882227251795, 76.36420357939879, 153.00328948244763]),
        (&DSR_BIG, 100000.0, [10430.247991469423, 9717.709067985681, 11178.94091547925, 9323.287880219903, 11620.595999522058]),
        (&DSR_SMALL, 100000.0, [1103.212025300104, 877.455767536709, 1367.0882227251795, 763.6420357939879, 1530.0328948244762]),
    ];
    for (counts, multiplier, [value, l95, u95, l998, u998]) in cases {
        let what = format!(
            "DSR of {} events per {multiplier}",
            counts.iter().sum::<u64>()
        );
        let at95 = dsr(&bands(counts), multiplier, 0.95).unwrap().unwrap();
        close_interval(at95, [value, l95, u95], &format!("{what} at 0.95"));
        let at998 = dsr(&bands(counts), multiplier, 0.998).unwrap().unwrap();
        close_interval(at998, [value, l998, u998], &format!("{what} at 0.998"));
    }
    // 9 events in all: no value.
    assert_eq!(dsr(&bands(&DSR_TINY), 100000.0, 0.95), Ok(None));
    // DOMAIN.md section 12's figures, to their 10 decimals.
    let domain = dsr(&bands(&DSR_BIG), 100000.0, 0.95).unwrap().unwrap();
    assert!((domain.value - 10430.2479914694).abs() < 5e-11);
    assert!((domain.lower - 9717.7090679857).abs() < 5e-11);
    assert!((domain.upper - 11178.9409154793).abs() < 5e-11);
}

/// Sheet `testdata_1976`: another standard (European Standard Population 1976, 18 bands), test
/// "test with user specified stdpop", at 0.95 (the workbook's 99.8% limits for it are not
/// checked by the package and are ten times too large).
#[test]
fn a_standardised_rate_with_another_standard_matches_the_package() {
    let esp1976 = [
        8000.0, 7000.0, 7000.0, 7000.0, 7000.0, 7000.0, 7000.0, 7000.0, 7000.0, 7000.0, 7000.0,
        6000.0, 5000.0, 4000.0, 3000.0, 2000.0, 1000.0, 1000.0,
    ];
    let rows = DSR_BIG
        .iter()
        .zip(DSR_POPULATIONS)
        .zip(esp1976)
        .map(|((&count, population), weight)| (count, population, weight));
    let rate = standardised(rows, 100000.0, 0.95).unwrap();
    close_interval(
        rate,
        [8592.097585022366, 7991.160931442103, 9225.253880318318],
        "ESP 1976",
    );
}

#[test]
fn dsr_edges() {
    assert_eq!(dsr(&[], 100000.0, 0.95), Ok(None), "no bands");
    // Exactly 10 events is enough, 9 is not.
    let mut ten = bands(&DSR_TINY);
    ten[0].count = 1;
    assert!(dsr(&ten, 100000.0, 0.95).unwrap().is_some());
    // A band left out of the slice leaves the standard with its weight: the value is the
    // weighted mean of the other bands' rates.
    let two = [
        AgeBandCount {
            band: EspBand::parse("20-24").unwrap(),
            count: 30,
            population: 1000.0,
        },
        AgeBandCount {
            band: EspBand::parse("90+").unwrap(),
            count: 10,
            population: 100.0,
        },
    ];
    let rate = dsr(&two, 1000.0, 0.95).unwrap().unwrap();
    close(
        rate.value,
        (30.0 * 6000.0 + 100.0 * 1000.0) / 7000.0,
        "two bands",
    );
    // The same with the other 17 bands given with no population and no events.
    let mut all: Vec<AgeBandCount> = EspBand::ALL
        .iter()
        .map(|&band| AgeBandCount {
            band,
            count: 0,
            population: 0.0,
        })
        .collect();
    all[4] = two[0];
    all[18] = two[1];
    assert_eq!(dsr(&all, 1000.0, 0.95), Ok(Some(rate)));
    // Events without a population would be lost: refused, as the package refuses n = 0.
    all[5].count = 2;
    assert_eq!(
        dsr(&all, 1000.0, 0.95),
        Err(DsrError::EventsWithoutPopulation {
            band: EspBand::parse("25-29").unwrap(),
            count: 2
        })
    );
    let repeated = [two[0], two[0]];
    assert_eq!(
        dsr(&repeated, 1000.0, 0.95),
        Err(DsrError::RepeatedBand(two[0].band))
    );
    let mut negative = two;
    negative[1].population = -1.0;
    assert!(matches!(
        dsr(&negative, 1000.0, 0.95),
        Err(DsrError::InvalidPopulation { .. })
    ));
}

#[test]
fn esp_bands() {
    let total: f64 = EspBand::ALL.iter().map(|b| b.weight()).sum();
    assert_eq!(total, 100000.0);
    assert_eq!(EspBand::of_age(0).name(), "0-4");
    assert_eq!(EspBand::of_age(4).name(), "0-4");
    assert_eq!(EspBand::of_age(5).name(), "5-9");
    assert_eq!(EspBand::of_age(89).name(), "85-89");
    assert_eq!(EspBand::of_age(90).name(), "90+");
    assert_eq!(EspBand::of_age(124).name(), "90+");
    for band in EspBand::ALL {
        assert_eq!(EspBand::parse(band.name()), Some(band));
    }
    assert_eq!(EspBand::parse("90-94"), None);
    assert_eq!(EspBand::parse("all"), None);
}

#[test]
fn comparison_with_a_benchmark() {
    let interval = Interval {
        value: 5.0,
        lower: 4.0,
        upper: 6.0,
    };
    assert_eq!(compare(&interval, 3.9), Compared::Higher);
    assert_eq!(compare(&interval, 4.0), Compared::Similar);
    assert_eq!(compare(&interval, 5.0), Compared::Similar);
    assert_eq!(compare(&interval, 6.0), Compared::Similar);
    assert_eq!(compare(&interval, 6.1), Compared::Lower);
    assert_eq!(Compared::Higher.to_string(), "higher");
    assert_eq!(Compared::Lower.as_str(), "lower");
}

/// Every row of `tests/data/stats/scipy.csv`: random inputs and the values SciPy computes for
/// them (`bench/stats_compare.py`, which says how to regenerate the file), to 1e-9.
#[test]
fn agrees_with_scipy_on_random_inputs() {
    let csv = include_str!("../../tests/data/stats/scipy.csv");
    let mut checked = 0;
    for (line, row) in csv.lines().enumerate().skip(1) {
        let fields: Vec<&str> = row.split(',').collect();
        let [kind, x, n, multiplier, confidence, value, lower, upper] = fields[..] else {
            panic!("line {}: 8 fields expected: {row}", line + 1);
        };
        let number = |s: &str| -> f64 { s.parse().unwrap() };
        let (multiplier, confidence) = (number(multiplier), number(confidence));
        let expected = (!value.is_empty()).then(|| [number(value), number(lower), number(upper)]);
        let actual = match kind {
            "proportion" => wilson(x.parse().unwrap(), n.parse().unwrap(), confidence)
                .map(|i| i.scaled(multiplier)),
            "rate" => crude_rate(x.parse().unwrap(), number(n), multiplier, confidence),
            "dsr" => {
                let counts = x.split(';').map(|c| c.parse().unwrap());
                let populations = n.split(';').map(number);
                let bands: Vec<AgeBandCount> = EspBand::ALL
                    .iter()
                    .zip(counts.zip(populations))
                    .filter(|(_, (_, population))| *population > 0.0)
                    .map(|(&band, (count, population))| AgeBandCount {
                        band,
                        count,
                        population,
                    })
                    .collect();
                dsr(&bands, multiplier, confidence).unwrap()
            }
            other => panic!("line {}: unknown kind {other}", line + 1),
        };
        let what = format!("line {}: {row}", line + 1);
        match (actual, expected) {
            (Some(a), Some(e)) => close_interval(a, e, &what),
            (None, None) => {}
            (a, e) => panic!("{what}: {a:?}, SciPy {e:?}"),
        }
        checked += 1;
    }
    assert!(checked >= 3000, "only {checked} rows checked");
}
