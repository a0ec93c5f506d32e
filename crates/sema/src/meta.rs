//! Reading `<file>.meta` (DAPHNE's JSON sidecar) at compile time, to type `readMatrix` and
//! `readFrame`: `numRows`, `numCols`, and `valueType` or `schema`.

use crate::types::ValueType;

/// What a `.meta` file says about its data file.
#[derive(Debug, Clone, PartialEq)]
pub struct FileMeta {
    /// Number of columns.
    pub num_cols: u64,
    /// The value type of a matrix (or of every frame column without its own).
    pub value_type: Option<ValueType>,
    /// A frame's columns: label and value type.
    pub schema: Option<Vec<(String, ValueType)>>,
}

fn value_type(name: &str) -> Option<ValueType> {
    Some(match name {
        "f64" => ValueType::F64,
        "f32" => ValueType::F32,
        "si64" => ValueType::Si64,
        "si32" => ValueType::Si32,
        "si8" => ValueType::Si8,
        "ui64" => ValueType::Ui64,
        "ui32" => ValueType::Ui32,
        "ui8" => ValueType::Ui8,
        "str" => ValueType::Str,
        _ => return None,
    })
}

/// Reads and checks `<path>.meta`; the error is one sentence naming the file.
pub fn read(path: &str) -> Result<FileMeta, String> {
    let meta_path = format!("{path}.meta");
    let text = std::fs::read_to_string(&meta_path).map_err(|e| format!("could not open file `{meta_path}`: {e}"))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("`{meta_path}` is not valid JSON: {e}"))?;
    let num_cols = json.get("numCols").and_then(serde_json::Value::as_u64).ok_or_else(|| format!("`{meta_path}` lacks numCols"))?;
    json.get("numRows").and_then(serde_json::Value::as_u64).ok_or_else(|| format!("`{meta_path}` lacks numRows"))?;
    let top = match json.get("valueType").and_then(serde_json::Value::as_str) {
        Some(name) => Some(value_type(name).ok_or_else(|| format!("`{meta_path}`: unknown value type `{name}`"))?),
        None => None,
    };
    let schema = match json.get("schema").and_then(serde_json::Value::as_array) {
        Some(cols) => {
            let mut out = Vec::new();
            for c in cols {
                let label = c.get("label").and_then(serde_json::Value::as_str).unwrap_or("").to_string();
                let vt = match c.get("valueType").and_then(serde_json::Value::as_str) {
                    Some("") | None => top.ok_or_else(|| format!("`{meta_path}`: column `{label}` has no value type"))?,
                    Some(name) => value_type(name).ok_or_else(|| format!("`{meta_path}`: unknown value type `{name}`"))?,
                };
                out.push((label, vt));
            }
            Some(out)
        }
        None => None,
    };
    if top.is_none() && schema.is_none() {
        return Err(format!("`{meta_path}` needs a valueType or a schema"));
    }
    Ok(FileMeta { num_cols, value_type: if schema.is_some() { None } else { top }, schema })
}
