//! A D1 batch whose parts have names, and statements whose placeholders are
//! allocated as their values are bound.
//!
//! A statement added to a [`Batch`] hands back a typed handle ([`Rows`] for a
//! statement read as rows, [`Write`] for one read as a change count); after
//! the batch [`Batch::run`]s (one round trip, one transaction), each result
//! is read by its handle from [`Ran`]. Nothing is addressed by position, so
//! adding a statement anywhere cannot make another read the wrong result.
//!
//! [`Args`] gives each bound value its own `?N` (SQLite's numbered
//! parameter, usable many times in one statement): SQL fragments take the
//! placeholders they need as arguments instead of assuming their numbers.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{D1PreparedStatement, D1Result};

use super::Store;
use crate::error::{ApiError, ApiResult};

/// The values one statement binds, in the order their placeholders were given.
#[derive(Debug, Default)]
pub(super) struct Args(Vec<JsValue>);

/// The placeholder of a value bound in [`Args`]; written into SQL as `?N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Param(usize);

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "?{}", self.0)
    }
}

impl Args {
    /// No values yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Binds `value` and answers its placeholder.
    pub fn bind(&mut self, value: impl Into<JsValue>) -> Param {
        self.0.push(value.into());
        Param(self.0.len())
    }

    /// The bound values, in placeholder order.
    pub fn values(&self) -> &[JsValue] {
        &self.0
    }
}

/// A statement of a batch read back as rows of `T`.
#[must_use = "a result is read by its handle"]
pub(super) struct Rows<T> {
    at: usize,
    rows: PhantomData<fn() -> T>,
}

/// A statement of a batch read back as how many rows it changed.
#[must_use = "a result is read by its handle"]
#[derive(Debug, Clone, Copy)]
pub(super) struct Write {
    at: usize,
}

/// Statements to run together as one D1 batch (one round trip, one transaction).
pub(super) struct Batch<'s> {
    store: &'s Store,
    statements: Vec<D1PreparedStatement>,
}

/// The results of a batch that ran, read by the handles its statements gave.
pub(super) struct Ran {
    results: Vec<D1Result>,
}

impl<'s> Batch<'s> {
    /// An empty batch on `store`.
    pub fn new(store: &'s Store) -> Self {
        Self {
            store,
            statements: Vec::new(),
        }
    }

    /// Adds a statement whose result nobody reads.
    pub fn push(&mut self, statement: D1PreparedStatement) {
        self.statements.push(statement);
    }

    /// Adds statements whose results nobody reads.
    pub fn extend(&mut self, statements: impl IntoIterator<Item = D1PreparedStatement>) {
        self.statements.extend(statements);
    }

    /// Adds a statement whose rows are read back as `T`.
    pub fn rows<T>(&mut self, statement: D1PreparedStatement) -> Rows<T> {
        self.statements.push(statement);
        Rows {
            at: self.statements.len() - 1,
            rows: PhantomData,
        }
    }

    /// Adds a statement whose change count is read back.
    pub fn write(&mut self, statement: D1PreparedStatement) -> Write {
        self.statements.push(statement);
        Write {
            at: self.statements.len() - 1,
        }
    }

    /// Runs the batch: one round trip; any statement's error fails it all.
    pub async fn run(self) -> ApiResult<Ran> {
        self.store.count_trip();
        let results = self.store.db.batch(self.statements).await?;
        if let Some(err) = results.iter().find_map(|r| r.error()) {
            return Err(ApiError::Internal(err));
        }
        Ok(Ran { results })
    }
}

impl Ran {
    fn result(&self, at: usize) -> ApiResult<&D1Result> {
        self.results
            .get(at)
            .ok_or_else(|| ApiError::Internal("D1 answered fewer results than statements".into()))
    }

    /// The rows of a statement.
    pub fn rows<T: for<'de> Deserialize<'de>>(&self, part: &Rows<T>) -> ApiResult<Vec<T>> {
        Ok(self.result(part.at)?.results::<T>()?)
    }

    /// The first row of a statement, if any.
    pub fn first<T: for<'de> Deserialize<'de>>(&self, part: &Rows<T>) -> ApiResult<Option<T>> {
        Ok(self.rows(part)?.into_iter().next())
    }

    /// How many rows a write changed (D1 counts a trigger's changes too).
    pub fn changes(&self, part: Write) -> ApiResult<usize> {
        Ok(self
            .result(part.at)?
            .meta()?
            .and_then(|m| m.changes)
            .unwrap_or(0))
    }
}
