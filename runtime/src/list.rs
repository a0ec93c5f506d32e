//! [`List`]: DaphneDSL's list of matrices (`List<DenseMatrix<VT>>`), immutable: `append` and
//! `remove` return new lists sharing the elements.

use crate::error::RtResult;
use crate::matrix::Matrix;
use crate::value_type::ValueType;

/// A list of matrices of one value type.
#[derive(Debug, Clone)]
pub struct List {
    vt: ValueType,
    elements: Vec<Matrix>,
}

impl List {
    /// A list of `elements`, which must all have value type `vt`.
    pub fn new(vt: ValueType, elements: Vec<Matrix>) -> RtResult<Self> {
        if let Some(other) = elements.iter().find(|m| m.value_type() != vt) {
            bail!(
                "all elements of a list must have value type {}, not {}",
                vt.cpp_name(),
                other.value_type().cpp_name()
            );
        }
        Ok(Self { vt, elements })
    }

    /// The value type of the elements.
    pub fn value_type(&self) -> ValueType {
        self.vt
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.elements.len()
    }

    /// Whether the list has no elements.
    pub fn is_empty(&self) -> bool {
        self.elements.is_empty()
    }

    /// The elements.
    pub fn elements(&self) -> &[Matrix] {
        &self.elements
    }

    /// `append(l, m)`: a new list with `element` at the end.
    pub fn append(&self, element: Matrix) -> RtResult<Self> {
        let mut elements = self.elements.clone();
        elements.push(element);
        Self::new(self.vt, elements)
    }

    /// `remove(l, i)`: the list without element `index`, and that element.
    pub fn remove(&self, index: usize) -> RtResult<(Self, Matrix)> {
        if index >= self.elements.len() {
            bail!(
                "remove: index {index} is out of bounds for a list of {} elements",
                self.elements.len()
            );
        }
        let mut elements = self.elements.clone();
        let removed = elements.remove(index);
        Ok((
            Self {
                vt: self.vt,
                elements,
            },
            removed,
        ))
    }

    /// `List(n, DenseMatrix, vt)`, the header line DAPHNE prints.
    pub fn type_name(&self) -> String {
        format!(
            "List({}, DenseMatrix, {})",
            self.elements.len(),
            self.vt.cpp_name()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dense::DenseMatrix;

    #[test]
    fn append_and_remove() {
        let m = Matrix::from(DenseMatrix::filled(1, 1, 1.0).unwrap());
        let l = List::new(ValueType::F64, vec![m.clone()]).unwrap();
        let l2 = l.append(m.clone()).unwrap();
        assert_eq!((l.len(), l2.len()), (1, 2));
        assert_eq!(l2.type_name(), "List(2, DenseMatrix, double)");
        let (l3, removed) = l2.remove(0).unwrap();
        assert_eq!((l3.len(), removed.rows()), (1, 1));
        assert!(l3.remove(1).is_err());
        assert!(
            l.append(Matrix::from(DenseMatrix::filled(1, 1, 1i64).unwrap()))
                .is_err()
        );
        assert!(List::new(ValueType::F64, vec![]).unwrap().is_empty());
    }
}
