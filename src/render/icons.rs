//! The Making Data Count icons (DOMAIN.md section 13): variation and assurance, in the shapes
//! and colours of NHSRplotthedots' `inst/icons` (MIT licence, © NHS-R Community), drawn on a
//! 378-unit square as theirs are: a ring in the icon's colour, a letter (H, L, P, F or ?) so the
//! icon reads printed in greyscale, and a small picture: five points of a series for variation
//! (the last two in the icon's colour), a dashed target line over a grey series for assurance.
//!
//! One list of shapes per icon, drawn by [`svg`] for the web page and by the charts' plotters
//! backends (`render::chart`) for SVG and PNG charts alike.

use crate::spc::{Assurance, Variation};

/// Improvement, and pass: blue.
pub const BLUE: (u8, u8, u8) = (0x00, 0x72, 0xC6);
/// Concern, and fail: orange.
pub const ORANGE: (u8, u8, u8) = (0xFF, 0x66, 0x00);
/// Special cause on a measure with no better direction: purple.
pub const PURPLE: (u8, u8, u8) = (0x80, 0x00, 0xC0);
/// Common cause and inconsistent: light grey rings.
pub const LIGHT_GREY: (u8, u8, u8) = (0xBF, 0xBF, 0xBF);
/// The series drawn inside the icons, and the inconsistent "?".
pub const GREY: (u8, u8, u8) = (0x7F, 0x7F, 0x7F);
/// The target line on charts.
pub const TARGET_RED: (u8, u8, u8) = (0xDE, 0x1B, 0x1B);

/// The side of the square icons are drawn on.
pub const UNITS: f64 = 378.0;

/// A piece of an icon, in units of the 378 square.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// The ring: centre (189, 189), radius 151, 20 wide, white inside.
    Ring((u8, u8, u8)),
    /// A bold letter with its baseline starting at (x, y), 117 units high.
    Letter(&'static str, f64, f64, (u8, u8, u8)),
    /// A filled dot.
    Dot(f64, f64, f64, (u8, u8, u8)),
    /// A line through points, of a width; dashed or not.
    Line(Vec<(f64, f64)>, f64, bool, (u8, u8, u8)),
    /// A filled polygon.
    Polygon(Vec<(f64, f64)>, (u8, u8, u8)),
}

/// The colour of a variation icon.
pub fn variation_colour(v: Variation) -> (u8, u8, u8) {
    match v {
        Variation::CommonCause => LIGHT_GREY,
        Variation::ImprovementHigh | Variation::ImprovementLow => BLUE,
        Variation::ConcernHigh | Variation::ConcernLow => ORANGE,
        Variation::NeitherHigh | Variation::NeitherLow => PURPLE,
    }
}

/// The colour of an assurance icon (of its ring; the "?" is darker grey).
pub fn assurance_colour(a: Assurance) -> (u8, u8, u8) {
    match a {
        Assurance::ConsistentPass => BLUE,
        Assurance::ConsistentFail => ORANGE,
        Assurance::Inconsistent => LIGHT_GREY,
    }
}

/// The shapes of a variation icon.
pub fn variation_shapes(v: Variation) -> Vec<Shape> {
    let colour = variation_colour(v);
    let xs = [97.0, 144.0, 191.5, 238.5, 286.0];
    let series = |ys: [f64; 5], last_two: (u8, u8, u8), rest: (u8, u8, u8)| {
        let points: Vec<(f64, f64)> = xs.iter().copied().zip(ys).collect();
        let mut shapes = vec![Shape::Line(points.clone(), 9.0, false, rest)];
        for (k, (x, y)) in points.into_iter().enumerate() {
            shapes.push(Shape::Dot(x, y, 20.5, if k >= 3 { last_two } else { rest }));
        }
        shapes
    };
    let mut shapes = vec![Shape::Ring(colour)];
    match v {
        Variation::CommonCause => shapes.extend(series(
            [195.0, 233.0, 153.5, 221.5, 206.5],
            LIGHT_GREY,
            LIGHT_GREY,
        )),
        Variation::ImprovementHigh | Variation::ConcernHigh => {
            shapes.push(Shape::Letter("H", 106.2, 172.0, colour));
            shapes.extend(series([210.5, 229.0, 210.5, 165.0, 180.0], colour, GREY));
        }
        Variation::ImprovementLow | Variation::ConcernLow => {
            shapes.push(Shape::Letter("L", 106.2, 292.0, colour));
            shapes.extend(series([168.5, 150.0, 168.5, 214.0, 199.0], colour, GREY));
        }
        // An arrow up or down to the right, as the reference's neutral icons.
        Variation::NeitherHigh => shapes.push(Shape::Polygon(
            vec![
                (103.7, 242.2),
                (180.0, 165.9),
                (151.7, 137.6),
                (258.3, 119.7),
                (240.4, 226.2),
                (212.1, 197.9),
                (135.7, 274.3),
            ],
            colour,
        )),
        Variation::NeitherLow => shapes.push(Shape::Polygon(
            vec![
                (135.7, 103.7),
                (212.1, 180.0),
                (240.4, 151.7),
                (258.3, 258.3),
                (151.7, 240.4),
                (180.0, 212.1),
                (103.7, 135.7),
            ],
            colour,
        )),
    }
    shapes
}

/// The shapes of an assurance icon: the target as a dashed line over a grey series, drawn where
/// the reference draws it (high on fail, low on pass, across the series when inconsistent).
pub fn assurance_shapes(a: Assurance) -> Vec<Shape> {
    let colour = assurance_colour(a);
    let (letter_colour, line_y) = match a {
        Assurance::ConsistentFail => (ORANGE, 185.5),
        Assurance::ConsistentPass => (BLUE, 257.5),
        Assurance::Inconsistent => (GREY, 222.5),
    };
    let wiggle = vec![
        (72.5, 238.8),
        (129.6, 200.5),
        (192.6, 241.3),
        (212.8, 216.7),
        (233.1, 240.5),
        (302.5, 236.2),
    ];
    vec![
        Shape::Ring(colour),
        Shape::Letter(a.letter(), 155.9, 158.0, letter_colour),
        Shape::Line(vec![(45.0, line_y), (333.0, line_y)], 8.7, true, colour),
        Shape::Line(wiggle, 10.7, false, GREY),
    ]
}

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02X}{g:02X}{b:02X}")
}

fn points(ps: &[(f64, f64)]) -> String {
    ps.iter()
        .map(|(x, y)| format!("{x},{y}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// An icon as an SVG element `size` pixels square, with its words as title for screen readers.
pub fn svg(shapes: &[Shape], size: u32, words: &str) -> String {
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{size}\" height=\"{size}\" viewBox=\"0 0 378 378\" role=\"img\" aria-label=\"{words}\"><title>{words}</title>"
    );
    for shape in shapes {
        out.push_str(&match shape {
            Shape::Ring(c) => format!(
                "<circle cx=\"189\" cy=\"189\" r=\"151\" fill=\"#FFFFFF\" stroke=\"{}\" stroke-width=\"20\"/>",
                hex(*c)
            ),
            Shape::Letter(t, x, y, c) => format!(
                "<text x=\"{x}\" y=\"{y}\" fill=\"{}\" font-family=\"Arial,sans-serif\" font-weight=\"700\" font-size=\"117\">{}</text>",
                hex(*c),
                t.replace('&', "&amp;")
            ),
            Shape::Dot(x, y, r, c) => format!(
                "<circle cx=\"{x}\" cy=\"{y}\" r=\"{r}\" fill=\"{}\"/>",
                hex(*c)
            ),
            Shape::Line(ps, w, dashed, c) => format!(
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{w}\"{}/>",
                points(ps),
                hex(*c),
                if *dashed { " stroke-dasharray=\"26 8.7\"" } else { "" }
            ),
            Shape::Polygon(ps, c) => format!(
                "<polygon points=\"{}\" fill=\"{}\"/>",
                points(ps),
                hex(*c)
            ),
        });
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letters(shapes: &[Shape]) -> Vec<&'static str> {
        shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Letter(t, ..) => Some(*t),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn icons_carry_the_references_letters_and_colours() {
        use Variation::*;
        let cases = [
            (CommonCause, vec![], LIGHT_GREY),
            (ImprovementHigh, vec!["H"], BLUE),
            (ImprovementLow, vec!["L"], BLUE),
            (ConcernHigh, vec!["H"], ORANGE),
            (ConcernLow, vec!["L"], ORANGE),
            (NeitherHigh, vec![], PURPLE),
            (NeitherLow, vec![], PURPLE),
        ];
        for (v, letter, colour) in cases {
            let shapes = variation_shapes(v);
            assert_eq!(letters(&shapes), letter, "{v:?}");
            assert_eq!(shapes[0], Shape::Ring(colour), "{v:?}");
        }
        for (a, letter, colour) in [
            (Assurance::ConsistentPass, "P", BLUE),
            (Assurance::ConsistentFail, "F", ORANGE),
            (Assurance::Inconsistent, "?", LIGHT_GREY),
        ] {
            let shapes = assurance_shapes(a);
            assert_eq!(letters(&shapes), [letter]);
            assert_eq!(shapes[0], Shape::Ring(colour));
        }
    }

    #[test]
    fn svg_icons_parse_and_say_their_words() {
        let text = svg(
            &assurance_shapes(Assurance::ConsistentFail),
            40,
            "consistently fails the target",
        );
        let doc = roxmltree::Document::parse(&text).unwrap();
        let root = doc.root_element();
        assert_eq!(root.attribute("width"), Some("40"));
        assert_eq!(
            root.attribute("aria-label"),
            Some("consistently fails the target")
        );
        assert!(doc
            .descendants()
            .any(|n| n.has_tag_name("circle") && n.attribute("stroke") == Some("#FF6600")));
        assert!(doc
            .descendants()
            .any(|n| n.has_tag_name("text") && n.text() == Some("F")));
    }
}
