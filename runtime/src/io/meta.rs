//! The `.meta` JSON sidecar of CSV files (`numRows`, `numCols`, `valueType` or `schema`,
//! `numNonZeros`).

use serde_json::{Value, json};

use super::file_error;
use crate::csr::CsrMatrix;
use crate::error::RtResult;
use crate::frame::Frame;
use crate::matrix::Matrix;
use crate::value_type::ValueType;

/// What a `.meta` file says about its data file.
#[derive(Debug, Clone, PartialEq)]
pub struct FileMetadata {
    /// The number of rows.
    pub num_rows: usize,
    /// The number of columns.
    pub num_cols: usize,
    /// The value type of a matrix (`None` for a frame with a schema).
    pub value_type: Option<ValueType>,
    /// The label and value type of every frame column (`None` for a matrix).
    pub schema: Option<Vec<(String, ValueType)>>,
    /// The number of non-zeros, -1 if unknown.
    pub num_non_zeros: i64,
}

/// The `.meta` name of a value type (`f64`, `si64`, `str`, …).
pub fn vt_meta_name(vt: ValueType) -> &'static str {
    match vt {
        ValueType::F64 => "f64",
        ValueType::F32 => "f32",
        ValueType::SI64 => "si64",
        ValueType::SI32 => "si32",
        ValueType::SI8 => "si8",
        ValueType::UI64 => "ui64",
        ValueType::UI32 => "ui32",
        ValueType::UI8 => "ui8",
        ValueType::BOOL => "bool",
        ValueType::STR => "str",
    }
}

/// The value type with the `.meta` name `name`.
pub fn vt_from_meta_name(name: &str) -> Option<ValueType> {
    ValueType::ALL
        .iter()
        .copied()
        .find(|&vt| vt_meta_name(vt) == name)
}

/// Reads and validates `<path>.meta`; errors name the meta file.
pub fn read_meta(path: &str) -> RtResult<FileMetadata> {
    let meta_path = format!("{path}.meta");
    let text = std::fs::read_to_string(&meta_path)
        .map_err(|error| file_error(&meta_path, format!("could not open file: {error}")))?;
    FileMetadata::parse(&text).map_err(|message| file_error(&meta_path, message))
}

impl FileMetadata {
    /// Parses the JSON text of a `.meta` file; the error is a plain message.
    pub fn parse(text: &str) -> Result<Self, String> {
        let json: Value = serde_json::from_str(text).map_err(|e| format!("malformed JSON: {e}"))?;
        let count = |key: &str| -> Result<usize, String> {
            json.get(key)
                .and_then(Value::as_u64)
                .map(|v| v as usize)
                .ok_or_else(|| format!("missing or invalid \"{key}\""))
        };
        let (num_rows, num_cols) = (count("numRows")?, count("numCols")?);
        let vt_of = |value: &Value| -> Result<Option<ValueType>, String> {
            match value.as_str() {
                None | Some("") => Ok(None),
                Some(name) => vt_from_meta_name(name)
                    .map(Some)
                    .ok_or_else(|| format!("unknown value type \"{name}\"")),
            }
        };
        let value_type = match json.get("valueType") {
            Some(v) => vt_of(v)?,
            None => None,
        };
        let schema = match json.get("schema") {
            None => None,
            Some(Value::Array(columns)) => {
                let mut schema = Vec::with_capacity(columns.len());
                for column in columns {
                    let label = column
                        .get("label")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned();
                    let vt = vt_of(column.get("valueType").unwrap_or(&Value::Null))?
                        .or(value_type)
                        .ok_or_else(|| format!("no value type for column \"{label}\""))?;
                    schema.push((label, vt));
                }
                if schema.len() != num_cols {
                    return Err(format!(
                        "the schema has {} columns, but numCols is {num_cols}",
                        schema.len()
                    ));
                }
                Some(schema)
            }
            Some(_) => return Err("\"schema\" must be an array".to_owned()),
        };
        if value_type.is_none() && schema.is_none() {
            return Err("needs \"valueType\" or \"schema\"".to_owned());
        }
        let num_non_zeros = json
            .get("numNonZeros")
            .and_then(Value::as_i64)
            .unwrap_or(-1);
        Ok(Self {
            num_rows,
            num_cols,
            value_type: if schema.is_some() { None } else { value_type },
            schema,
            num_non_zeros,
        })
    }

    /// The metadata of a matrix.
    pub fn of_matrix(matrix: &Matrix) -> Self {
        Self {
            num_rows: matrix.rows(),
            num_cols: matrix.cols(),
            value_type: Some(matrix.value_type()),
            schema: None,
            num_non_zeros: -1,
        }
    }

    /// The metadata of a CSR matrix (with its number of non-zeros).
    pub fn of_csr(csr: &CsrMatrix) -> Self {
        Self {
            num_rows: csr.rows(),
            num_cols: csr.cols(),
            value_type: Some(csr.value_type()),
            schema: None,
            num_non_zeros: csr.nnz() as i64,
        }
    }

    /// The metadata of a frame.
    pub fn of_frame(frame: &Frame) -> Self {
        Self {
            num_rows: frame.rows(),
            num_cols: frame.cols(),
            value_type: None,
            schema: Some(frame.labels().iter().cloned().zip(frame.schema()).collect()),
            num_non_zeros: -1,
        }
    }

    /// The JSON text of the `.meta` file.
    pub fn to_json(&self) -> String {
        let mut json = json!({ "numRows": self.num_rows, "numCols": self.num_cols });
        if let Some(vt) = self.value_type {
            json["valueType"] = json!(vt_meta_name(vt));
        }
        if let Some(schema) = &self.schema {
            json["schema"] = schema
                .iter()
                .map(|(label, vt)| json!({ "label": label, "valueType": vt_meta_name(*vt) }))
                .collect();
        }
        if self.num_non_zeros >= 0 {
            json["numNonZeros"] = json!(self.num_non_zeros);
        }
        let mut text = serde_json::to_string_pretty(&json).unwrap_or_default();
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_print() {
        let m =
            FileMetadata::parse(r#"{"numRows":2,"numCols":4,"valueType":"f64","numNonZeros":0}"#)
                .unwrap();
        assert_eq!(
            (m.num_rows, m.num_cols, m.value_type, m.num_non_zeros),
            (2, 4, Some(ValueType::F64), 0)
        );
        assert_eq!(FileMetadata::parse(&m.to_json()).unwrap(), m);
        let f = FileMetadata::parse(
            r#"{"numRows":2,"numCols":2,"valueType":"si64","schema":[{"label":"foo","valueType":""},{"label":"","valueType":"str"}]}"#,
        )
        .unwrap();
        assert_eq!(
            f.schema,
            Some(vec![
                ("foo".into(), ValueType::SI64),
                ("".into(), ValueType::STR)
            ])
        );
        assert_eq!(f.value_type, None);
        assert!(FileMetadata::parse(r#"{"numRows":2}"#).is_err());
        assert!(FileMetadata::parse(r#"{"numRows":2,"numCols":1,"valueType":"x"}"#).is_err());
        assert!(FileMetadata::parse("{").is_err());
        assert!(
            read_meta("/nonexistent.csv")
                .unwrap_err()
                .message()
                .contains("/nonexistent.csv.meta")
        );
    }
}
