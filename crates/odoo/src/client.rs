//! [`OdooClient`]: connects (version detection, protocol choice, authentication) and offers
//! the ORM operations the sync and the write-back call, on any of the three protocols.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::call::{Call, Query, Record};
use crate::config::{OdooConfig, Protocol};
use crate::domain::{Domain, Operator};
use crate::error::{CallSite, OdooError};
use crate::transport::{Http, json2, jsonrpc, xmlrpc};
use crate::version::ServerVersion;

/// A connected client. Cheap to clone; clones share the concurrency limit.
#[derive(Clone)]
pub struct OdooClient {
    inner: Arc<Inner>,
}

struct Inner {
    config: OdooConfig,
    http: Http,
    protocol: Protocol,
    version: ServerVersion,
    uid: i64,
}

/// One field as `fields_get` describes it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct FieldInfo {
    /// Odoo's field type: `char`, `many2one`, `monetary`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// The related model of relational fields.
    #[serde(default)]
    pub relation: Option<String>,
    /// The label.
    #[serde(rename = "string", default)]
    pub label: String,
    /// Whether the field is stored (searchable and orderable in SQL).
    #[serde(rename = "store", default)]
    pub stored: bool,
}

impl std::fmt::Debug for OdooClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OdooClient")
            .field("url", &self.inner.config.url)
            .field("database", &self.inner.config.database)
            .field("login", &self.inner.config.login)
            .field("protocol", &self.inner.protocol)
            .field("version", &self.inner.version.series)
            .finish_non_exhaustive()
    }
}

impl OdooClient {
    /// Reads the server's version, chooses the protocol and checks the credentials.
    pub fn connect(config: OdooConfig) -> Result<Self, OdooError> {
        let secret = config.secret.expose().to_owned();
        Self::connect_inner(config).map_err(|error| error.redact(&secret))
    }

    fn connect_inner(config: OdooConfig) -> Result<Self, OdooError> {
        let http = Http::new(&config)?;
        let site = CallSite {
            model: "",
            method: "version",
            login: &config.login,
            database: &config.database,
        };
        let (protocol, version) = match config.protocol {
            Protocol::Json2 => (Protocol::Json2, json2::version(&http)?),
            Protocol::JsonRpc => (Protocol::JsonRpc, common_version_jsonrpc(&http, &site)?),
            Protocol::XmlRpc => {
                let reply = xmlrpc::call(&http, "common", "version", &[], &site)?;
                (Protocol::XmlRpc, ServerVersion::from_common(&reply)?)
            }
            Protocol::Auto => match json2::version(&http) {
                Ok(version) if version.has_json2() => (Protocol::Json2, version),
                // Before 19 there is no /web/version (404), or a page that is not its JSON.
                Ok(_) | Err(OdooError::Server { status: 404, .. } | OdooError::Protocol(_)) => {
                    (Protocol::JsonRpc, common_version_jsonrpc(&http, &site)?)
                }
                Err(error) => return Err(error),
            },
        };
        tracing::info!(url = %config.url, version = %version.series, ?protocol, "connected to Odoo");
        let mut client = Inner {
            config,
            http,
            protocol,
            version,
            uid: 0,
        };
        client.uid = match client.authenticate() {
            // JSON-2 takes API keys only; a password still opens JSON-RPC, which Odoo 19 to 21
            // keep. An explicit JSON-2 choice is not second-guessed.
            Err(OdooError::BadCredentials { .. })
                if client.protocol == Protocol::Json2
                    && client.config.protocol == Protocol::Auto =>
            {
                tracing::info!("JSON-2 refused the secret (not an API key?); trying JSON-RPC");
                client.protocol = Protocol::JsonRpc;
                client.authenticate()?
            }
            other => other?,
        };
        Ok(Self {
            inner: Arc::new(client),
        })
    }

    /// The server's version.
    pub fn version(&self) -> &ServerVersion {
        &self.inner.version
    }

    /// The protocol in use (never `Auto`).
    pub fn protocol(&self) -> Protocol {
        self.inner.protocol
    }

    /// The authenticated user's id.
    pub fn uid(&self) -> i64 {
        self.inner.uid
    }

    /// The configured page size for [`Self::pages`].
    pub fn page_size(&self) -> usize {
        self.inner.config.page_size
    }

    /// `search_read`: the records matching the query, with these fields (all when empty).
    pub fn search_read(&self, query: &Query, fields: &[&str]) -> Result<Vec<Record>, OdooError> {
        let reply = self.call(&query.search_read_call(fields))?;
        records(reply, "search_read")
    }

    /// `search`: the ids matching the query.
    pub fn search(&self, query: &Query) -> Result<Vec<i64>, OdooError> {
        let reply = self.call(&query.search_call())?;
        serde_json::from_value(reply)
            .map_err(|error| OdooError::Protocol(format!("search did not return ids: {error}")))
    }

    /// `search_count`: how many records match the query's domain.
    pub fn search_count(&self, query: &Query) -> Result<u64, OdooError> {
        let reply = self.call(&query.count_call())?;
        reply
            .as_u64()
            .ok_or_else(|| OdooError::Protocol(format!("search_count returned {reply}")))
    }

    /// The technical names of the installed modules (`ir.module.module` in state
    /// `installed`), for `analyst odoo check`.
    pub fn installed_modules(&self) -> Result<Vec<String>, OdooError> {
        let query = Query::new("ir.module.module")
            .domain(Domain::leaf("state", Operator::Eq, "installed"))
            .order("name asc");
        let modules = self.search_read(&query, &["name"])?;
        modules
            .iter()
            .map(|module| {
                module
                    .get("name")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .ok_or_else(|| {
                        OdooError::Protocol(format!("a module without a name: {module:?}"))
                    })
            })
            .collect()
    }

    /// `fields_get`: the model's fields. A model whose module is not installed is
    /// [`OdooError::MissingModel`].
    pub fn fields_get(&self, model: &str) -> Result<BTreeMap<String, FieldInfo>, OdooError> {
        let call = Call::new(model, "fields_get")
            .kwarg("attributes", json!(["type", "relation", "string", "store"]));
        let reply = self.call(&call)?;
        serde_json::from_value(reply)
            .map_err(|error| OdooError::Protocol(format!("fields_get of {model}: {error}")))
    }

    /// `read`: these records with these fields (all when empty).
    pub fn read(
        &self,
        model: &str,
        ids: &[i64],
        fields: &[&str],
    ) -> Result<Vec<Record>, OdooError> {
        let call = Call::new(model, "read")
            .ids(ids)
            .arg("fields", fields.to_vec());
        records(self.call(&call)?, "read")
    }

    /// `create`: one record; returns its id. One2many lines go as `[0, 0, {…}]` commands.
    pub fn create(&self, model: &str, values: &Record) -> Result<i64, OdooError> {
        let values = Value::Object(values.clone());
        let reply = match self.inner.protocol {
            // JSON-2 passes `create` its real parameter, a list of value dicts.
            Protocol::Json2 => {
                let ids = self.call(&Call::new(model, "create").arg("vals_list", vec![values]))?;
                ids.get(0).cloned().unwrap_or(ids)
            }
            _ => self.call(&Call::new(model, "create").arg("vals", values))?,
        };
        reply
            .as_i64()
            .ok_or_else(|| OdooError::Protocol(format!("create returned {reply} instead of an id")))
    }

    /// `write`: the same values on these records.
    pub fn write(&self, model: &str, ids: &[i64], values: &Record) -> Result<(), OdooError> {
        let call = Call::new(model, "write")
            .ids(ids)
            .arg("vals", Value::Object(values.clone()));
        match self.call(&call)? {
            Value::Bool(true) => Ok(()),
            other => Err(OdooError::Protocol(format!("write returned {other}"))),
        }
    }

    /// Any other method, e.g. `action_confirm` or `read_group`.
    pub fn call(&self, call: &Call) -> Result<Value, OdooError> {
        let inner = &self.inner;
        let span = tracing::debug_span!("odoo_call", model = %call.model, method = %call.method);
        let _entered = span.enter();
        inner
            .execute(call)
            .map_err(|error| error.redact(inner.config.secret.expose()))
    }
}

impl Inner {
    fn site<'a>(&'a self, model: &'a str, method: &'a str) -> CallSite<'a> {
        CallSite {
            model,
            method,
            login: &self.config.login,
            database: &self.config.database,
        }
    }

    /// The user's id; a refused login is [`OdooError::BadCredentials`].
    fn authenticate(&self) -> Result<i64, OdooError> {
        let config = &self.config;
        let secret = config.secret.expose();
        let reply = match self.protocol {
            Protocol::Json2 => {
                let context = self.execute(&Call::new("res.users", "context_get"))?;
                context.get("uid").cloned().unwrap_or(Value::Null)
            }
            Protocol::XmlRpc => xmlrpc::call(
                &self.http,
                "common",
                "authenticate",
                &[
                    json!(config.database),
                    json!(config.login),
                    json!(secret),
                    json!({}),
                ],
                &self.site("", "authenticate"),
            )?,
            _ => jsonrpc::call(
                &self.http,
                "common",
                "login",
                vec![json!(config.database), json!(config.login), json!(secret)],
                &self.site("", "login"),
            )?,
        };
        match reply {
            Value::Number(uid) => uid
                .as_i64()
                .ok_or_else(|| OdooError::Protocol(format!("login returned uid {uid}"))),
            Value::Bool(false) => Err(OdooError::BadCredentials {
                login: config.login.clone(),
                database: config.database.clone(),
            }),
            other => Err(OdooError::Protocol(format!("login returned {other}"))),
        }
    }

    fn execute(&self, call: &Call) -> Result<Value, OdooError> {
        let site = self.site(&call.model, &call.method);
        let secret = self.config.secret.expose();
        if self.protocol == Protocol::Json2 {
            return json2::call(&self.http, secret, call, &site);
        }
        let params = vec![
            json!(self.config.database),
            json!(self.uid),
            json!(secret),
            json!(call.model),
            json!(call.method),
            Value::Array(call.positional()),
            Value::Object(call.kwargs.clone()),
        ];
        match self.protocol {
            Protocol::XmlRpc => xmlrpc::call(&self.http, "object", "execute_kw", &params, &site),
            _ => jsonrpc::call(&self.http, "object", "execute_kw", params, &site),
        }
    }
}

fn common_version_jsonrpc(http: &Http, site: &CallSite<'_>) -> Result<ServerVersion, OdooError> {
    ServerVersion::from_common(&jsonrpc::call(http, "common", "version", Vec::new(), site)?)
}

fn records(reply: Value, method: &str) -> Result<Vec<Record>, OdooError> {
    match reply {
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::Object(record) => Ok(record),
                other => Err(OdooError::Protocol(format!(
                    "{method} returned a non-record {other}"
                ))),
            })
            .collect(),
        other => Err(OdooError::Protocol(format!(
            "{method} returned {other} instead of records"
        ))),
    }
}
