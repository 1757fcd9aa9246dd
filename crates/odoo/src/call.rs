//! What a request asks of Odoo: a [`Call`] (model, method, arguments) in a form every protocol
//! can send, and a [`Query`] (domain, order, paging, context) for the search methods.

use serde_json::{Map, Value};

use crate::domain::Domain;

/// One record as Odoo returns it: field name → value (`false` for empty, `[id, name]` for a
/// many2one, a list of ids for x2many).
pub type Record = Map<String, Value>;

/// A method call on a model. Positional arguments carry their parameter names, because JSON-2
/// passes parameters by name while JSON-RPC and XML-RPC pass them by position.
#[derive(Clone, Debug)]
pub struct Call {
    pub(crate) model: String,
    pub(crate) method: String,
    pub(crate) ids: Option<Vec<i64>>,
    pub(crate) args: Vec<(String, Value)>,
    pub(crate) kwargs: Map<String, Value>,
}

impl Call {
    /// A call of `method` on `model`, without arguments yet.
    pub fn new(model: &str, method: &str) -> Self {
        Self {
            model: model.to_owned(),
            method: method.to_owned(),
            ids: None,
            args: Vec::new(),
            kwargs: Map::new(),
        }
    }

    /// The records the method runs on (the first positional argument of record methods).
    pub fn ids(mut self, ids: &[i64]) -> Self {
        self.ids = Some(ids.to_vec());
        self
    }

    /// The next positional argument, with its parameter name.
    pub fn arg(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.args.push((name.to_owned(), value.into()));
        self
    }

    /// A keyword argument.
    pub fn kwarg(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.kwargs.insert(name.to_owned(), value.into());
        self
    }

    /// The model called.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// The method called.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// Positional arguments for `execute_kw`: the ids first for record methods.
    pub(crate) fn positional(&self) -> Vec<Value> {
        let ids = self.ids.as_ref().map(|ids| Value::from(ids.clone()));
        ids.into_iter()
            .chain(self.args.iter().map(|(_, value)| value.clone()))
            .collect()
    }

    /// The body of a JSON-2 request: every parameter by name.
    pub(crate) fn named(&self) -> Map<String, Value> {
        let mut body = Map::new();
        if let Some(ids) = &self.ids {
            body.insert("ids".to_owned(), Value::from(ids.clone()));
        }
        for (name, value) in &self.args {
            body.insert(name.clone(), value.clone());
        }
        body.extend(self.kwargs.clone());
        body
    }
}

/// A search on one model: domain, order, paging and context.
#[derive(Clone, Debug)]
pub struct Query {
    pub(crate) model: String,
    pub(crate) domain: Domain,
    pub(crate) order: Option<String>,
    pub(crate) limit: Option<usize>,
    pub(crate) offset: usize,
    pub(crate) context: Map<String, Value>,
}

impl Query {
    /// Every (active) record of `model`, in the model's default order.
    pub fn new(model: &str) -> Self {
        Self {
            model: model.to_owned(),
            domain: Domain::all(),
            order: None,
            limit: None,
            offset: 0,
            context: Map::new(),
        }
    }

    /// Only records matching `domain`.
    pub fn domain(mut self, domain: Domain) -> Self {
        self.domain = domain;
        self
    }

    /// Odoo's order clause, e.g. `"write_date asc, id asc"`.
    pub fn order(mut self, order: &str) -> Self {
        self.order = Some(order.to_owned());
        self
    }

    /// At most `limit` records.
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Skip the first `offset` records.
    pub fn offset(mut self, offset: usize) -> Self {
        self.offset = offset;
        self
    }

    /// Archived records too (`context.active_test = false`), as a sync and an id
    /// reconciliation need.
    pub fn include_archived(mut self) -> Self {
        self.context
            .insert("active_test".to_owned(), Value::Bool(false));
        self
    }

    /// The model searched.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// `search_read` with these fields (all fields when empty).
    pub(crate) fn search_read_call(&self, fields: &[&str]) -> Call {
        self.paged(Call::new(&self.model, "search_read").arg("domain", self.domain.to_value()))
            .kwarg("fields", fields.to_vec())
    }

    /// `search`: ids only.
    pub(crate) fn search_call(&self) -> Call {
        self.paged(Call::new(&self.model, "search").arg("domain", self.domain.to_value()))
    }

    /// `search_count`: domain and context only.
    pub(crate) fn count_call(&self) -> Call {
        Call::new(&self.model, "search_count")
            .arg("domain", self.domain.to_value())
            .kwarg("context", self.context.clone())
    }

    fn paged(&self, mut call: Call) -> Call {
        call = call.kwarg("offset", self.offset);
        if let Some(limit) = self.limit {
            call = call.kwarg("limit", limit);
        }
        if let Some(order) = &self.order {
            call = call.kwarg("order", order.as_str());
        }
        call.kwarg("context", self.context.clone())
    }
}
