//! `code_enum!`: declares a `#[repr(i32)]` enum whose discriminants are stable ABI codes.
//!
//! The value-type and op-code enums cross the C ABI as plain `i32`s, so the compiler and the
//! runtime must agree on every number. Declaring them through one macro gives each enum the same
//! small API (`ALL`, `code`, `from_code`, `decode`, `name`) and keeps the code table in one place.

/// Declares a code enum: `pub enum Name { VARIANT = 0, … }` with doc comments on every variant.
///
/// Generated API: `Name::ALL` (all variants in declaration order), `code()`, `from_code(i32)`,
/// `decode(i32) -> RtResult<Self>` (a run-time error for an unknown code) and `name()`.
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$variant_meta:meta])* $variant:ident = $code:literal,)*
        }
    ) => {
        $(#[$meta])*
        #[repr(i32)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$variant_meta])* $variant = $code,)*
        }

        impl $name {
            /// Every variant, in declaration (= code) order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stable code of this variant, as passed through the C ABI.
            pub fn code(self) -> i32 {
                self as i32
            }

            /// The variant with the given code, if there is one.
            pub fn from_code(code: i32) -> Option<Self> {
                match code {
                    $($code => Some($name::$variant),)*
                    _ => None,
                }
            }

            /// Like [`Self::from_code`], but an unknown code is a run-time error.
            pub fn decode(code: i32) -> $crate::error::RtResult<Self> {
                Self::from_code(code).ok_or_else(|| {
                    $crate::error::RuntimeError::new(format!(
                        "invalid {} code {code}",
                        stringify!($name)
                    ))
                })
            }

            /// The variant's name as spelled in this enum (used in error messages).
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => stringify!($variant),)*
                }
            }
        }
    };
}
