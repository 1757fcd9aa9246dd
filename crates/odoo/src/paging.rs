//! Reading a model page by page: by offset for a fixed data set, and by keyset on
//! `(write_date, id)` for the changes an incremental sync reads while Odoo keeps changing.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Record;
use crate::call::Query;
use crate::client::OdooClient;
use crate::domain::{Domain, Operator};
use crate::error::OdooError;

impl OdooClient {
    /// Every record matching the query, page by page (`page_size` records, by offset), for
    /// a query ordered on a unique key such as `"write_date asc, id asc"`.
    pub fn pages<'a>(&'a self, query: Query, fields: &'a [&'a str]) -> Pages<'a> {
        Pages {
            client: self,
            query: query.limit(self.page_size().max(1)),
            fields,
            done: false,
        }
    }

    /// The records changed since `since` (all when `None`), oldest first, page by page,
    /// by keyset on `(write_date, id)`: a record changed while paging moves to the end and is
    /// read again, and none is skipped (offset paging would skip one). The query's domain,
    /// context and model are kept; its order, limit and offset are replaced.
    pub fn changes<'a>(
        &'a self,
        query: Query,
        since: Option<Cursor>,
        fields: &[&'a str],
    ) -> Changes<'a> {
        let mut fields = fields.to_vec();
        if !fields.is_empty() && !fields.contains(&"write_date") {
            fields.push("write_date");
        }
        Changes {
            client: self,
            query: query
                .order("write_date asc, id asc")
                .limit(self.page_size().max(1))
                .offset(0),
            fields,
            cursor: since,
            done: false,
        }
    }
}

/// Where an incremental read stopped: the last record's `write_date` (Odoo's
/// `"YYYY-MM-DD HH:MM:SS"`, UTC) and id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub write_date: String,
    pub id: i64,
}

impl Cursor {
    /// Records after this one in `(write_date, id)` order.
    fn after(&self) -> Domain {
        Domain::leaf("write_date", Operator::Greater, self.write_date.as_str()).or(Domain::leaf(
            "write_date",
            Operator::Eq,
            self.write_date.as_str(),
        )
        .and(Domain::leaf("id", Operator::Greater, self.id)))
    }
}

/// The pages of changed records, from [`OdooClient::changes`].
pub struct Changes<'a> {
    client: &'a OdooClient,
    query: Query,
    fields: Vec<&'a str>,
    cursor: Option<Cursor>,
    done: bool,
}

impl Changes<'_> {
    /// The position after the last page returned, to store once that page is saved.
    pub fn cursor(&self) -> Option<&Cursor> {
        self.cursor.as_ref()
    }
}

impl Iterator for Changes<'_> {
    type Item = Result<Vec<Record>, OdooError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut query = self.query.clone();
        if let Some(cursor) = &self.cursor {
            query.domain = query.domain.and(cursor.after());
        }
        let page = match self.client.search_read(&query, &self.fields) {
            Ok(page) => page,
            Err(error) => {
                self.done = true;
                return Some(Err(error));
            }
        };
        let Some(last) = page.last() else {
            self.done = true;
            return None;
        };
        let write_date = last.get("write_date").and_then(Value::as_str);
        let id = last.get("id").and_then(Value::as_i64);
        let (Some(write_date), Some(id)) = (write_date, id) else {
            self.done = true;
            return Some(Err(OdooError::Protocol(format!(
                "a record of {} lacks its id or write_date",
                query.model
            ))));
        };
        self.cursor = Some(Cursor {
            write_date: write_date.to_owned(),
            id,
        });
        self.done = page.len() < self.query.limit.unwrap_or(usize::MAX);
        Some(Ok(page))
    }
}

/// The pages of a query, fetched one request at a time.
pub struct Pages<'a> {
    client: &'a OdooClient,
    query: Query,
    fields: &'a [&'a str],
    done: bool,
}

impl Iterator for Pages<'_> {
    type Item = Result<Vec<Record>, OdooError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let page_size = self.query.limit.unwrap_or(usize::MAX);
        match self.client.search_read(&self.query, self.fields) {
            Err(error) => {
                self.done = true;
                Some(Err(error))
            }
            Ok(page) if page.is_empty() => {
                self.done = true;
                None
            }
            Ok(page) => {
                self.done = page.len() < page_size;
                self.query.offset += page.len();
                Some(Ok(page))
            }
        }
    }
}
