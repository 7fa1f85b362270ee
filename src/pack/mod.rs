//! The monthly pack: from the checked inputs and the pack's options to its contents.

pub mod headline;
