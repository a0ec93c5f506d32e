//! The ten DAPHNE value types and their stable ABI codes.
//!
//! The codes are the single source of truth shared with the compiler: compiled code passes them
//! as `i32` arguments (`vt`, `res_vt`) to the kernels of [`crate::abi`].

code_enum! {
    /// The value type of a matrix cell or a scalar (DaphneDSL `f64`, `si64`, `str`, …).
    pub enum ValueType {
        /// 64-bit float (`double`).
        F64 = 0,
        /// 32-bit float (`float`).
        F32 = 1,
        /// Signed 64-bit integer (`int64_t`).
        SI64 = 2,
        /// Signed 32-bit integer (`int32_t`).
        SI32 = 3,
        /// Signed 8-bit integer (`int8_t`).
        SI8 = 4,
        /// Unsigned 64-bit integer (`uint64_t`).
        UI64 = 5,
        /// Unsigned 32-bit integer (`uint32_t`).
        UI32 = 6,
        /// Unsigned 8-bit integer (`uint8_t`).
        UI8 = 7,
        /// Boolean (`bool`), stored as one byte holding 0 or 1.
        BOOL = 8,
        /// String (`std::string` in a matrix).
        STR = 9,
    }
}

impl ValueType {
    /// The C++ type name DAPHNE prints for this value type, e.g. in `DenseMatrix(2x3, double)`.
    pub fn cpp_name(self) -> &'static str {
        match self {
            ValueType::F64 => "double",
            ValueType::F32 => "float",
            ValueType::SI64 => "int64_t",
            ValueType::SI32 => "int32_t",
            ValueType::SI8 => "int8_t",
            ValueType::UI64 => "uint64_t",
            ValueType::UI32 => "uint32_t",
            ValueType::UI8 => "uint8_t",
            ValueType::BOOL => "bool",
            ValueType::STR => "std::string",
        }
    }

    /// Whether this is a floating-point type (`f64` or `f32`).
    pub fn is_float(self) -> bool {
        matches!(self, ValueType::F64 | ValueType::F32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_dense() {
        for (index, vt) in ValueType::ALL.iter().enumerate() {
            assert_eq!(vt.code(), index as i32);
            assert_eq!(ValueType::from_code(vt.code()), Some(*vt));
        }
        assert_eq!(ValueType::from_code(10), None);
        assert_eq!(ValueType::from_code(-1), None);
        assert!(ValueType::decode(42).unwrap_err().message().contains("42"));
    }

    #[test]
    fn cpp_names() {
        let names: Vec<_> = ValueType::ALL.iter().map(|vt| vt.cpp_name()).collect();
        assert_eq!(
            names,
            [
                "double",
                "float",
                "int64_t",
                "int32_t",
                "int8_t",
                "uint64_t",
                "uint32_t",
                "uint8_t",
                "bool",
                "std::string"
            ]
        );
    }
}
