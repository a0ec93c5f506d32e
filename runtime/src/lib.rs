//! DAPHNE runtime (placeholder until written).
