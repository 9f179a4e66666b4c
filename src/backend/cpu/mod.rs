//! The CPU engine: one file and one `pub fn` per stage, named like the stage (and its shader).
