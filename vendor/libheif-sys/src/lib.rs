#![doc = include_str!("../README.md")]
#![allow(non_upper_case_globals)]
#![allow(non_camel_case_types)]
#![allow(non_snake_case)]

#[cfg(all(feature = "use-bindgen", not(docsrs)))]
include!(concat!(env!("OUT_DIR"), "/bindings.rs"));

cfg_if::cfg_if! {
    if #[cfg(all(libheif_lazy, not(docsrs)))] {
        // ossimg: the same declarations, each calling into the embedded libheif opened on
        // first use (lazy.rs); `load` opens it and says why it cannot.
        #[macro_use]
        mod lazy;
        pub use lazy::load;
        mod bindings {
            #![allow(clippy::all)]
            include!(concat!(env!("OUT_DIR"), "/lazy_bindings.rs"));
        }
        pub use bindings::*;
    } else if #[cfg(any(not(feature = "use-bindgen"), docsrs))] {
        mod bindings;
        pub use bindings::*;
    }
}

/// ossimg: libheif is linked into the binary here, so there is nothing to open.
#[cfg(not(all(libheif_lazy, not(docsrs))))]
pub fn load() -> Result<(), String> {
    Ok(())
}

#[cfg(all(test, feature = "use-bindgen", not(docsrs)))]
mod linker_test {
    include!(concat!(env!("OUT_DIR"), "/linker_test.rs"));
}
