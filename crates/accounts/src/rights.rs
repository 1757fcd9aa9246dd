//! Rights: the groups a user belongs to, the companies, stores and channels they are allowed,
//! the record rules that apply to them, and the [`DataScope`] all of that leaves.

use std::collections::{BTreeMap, BTreeSet};

use analyst_core::DataScope;
use analyst_store::{Connection, Value, transaction};

use crate::user::User;
use crate::{AccountError, Result};

/// The group whose members administer the analyst (the `is_admin` flag of a user).
pub const ADMIN_GROUP: &str = "admin";

/// A field record rules and allowed lists restrict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AccessField {
    Company,
    Store,
    Channel,
}

impl AccessField {
    pub const ALL: [AccessField; 3] = [
        AccessField::Company,
        AccessField::Store,
        AccessField::Channel,
    ];

    pub fn name(self) -> &'static str {
        match self {
            AccessField::Company => "company",
            AccessField::Store => "store",
            AccessField::Channel => "channel",
        }
    }

    pub fn parse(text: &str) -> Option<AccessField> {
        AccessField::ALL
            .into_iter()
            .find(|field| field.name().eq_ignore_ascii_case(text.trim()))
    }

    /// Codes and names of every value of the field, from the canonical tables.
    fn known(self) -> &'static str {
        match self {
            AccessField::Company => "SELECT code, name FROM silver.company ORDER BY code",
            AccessField::Store => "SELECT code, name FROM silver.store ORDER BY code",
            AccessField::Channel => "SELECT code, name FROM silver.channel ORDER BY code",
        }
    }
}

/// What a signed-in user may do and see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rights {
    pub user_id: i64,
    /// Group codes, `admin` included for administrators.
    pub groups: BTreeSet<String>,
    pub scope: DataScope,
}

impl Rights {
    pub fn in_group(&self, group: &str) -> bool {
        self.groups.contains(group)
    }

    pub fn is_admin(&self) -> bool {
        self.in_group(ADMIN_GROUP)
    }
}

/// A seeded or added group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub code: String,
    pub name: String,
    pub description: String,
}

pub fn list_groups(connection: &dyn Connection) -> Result<Vec<Group>> {
    let rows = connection.query(
        "SELECT code, name, description FROM app.user_group ORDER BY code",
        &[],
    )?;
    Ok(rows
        .rows
        .iter()
        .map(|row| Group {
            code: text(row, 0),
            name: text(row, 1),
            description: text(row, 2),
        })
        .collect())
}

fn text(row: &[Value], index: usize) -> String {
    row.get(index)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// The groups of a user (administrators are in `admin`).
pub fn groups_of(connection: &dyn Connection, user: &User) -> Result<BTreeSet<String>> {
    let mut groups: BTreeSet<String> = connection
        .query(
            "SELECT group_code FROM app.user_membership WHERE user_id = $1",
            &[user.id.into()],
        )?
        .rows
        .iter()
        .map(|row| text(row, 0))
        .collect();
    if user.is_admin {
        groups.insert(ADMIN_GROUP.to_string());
    }
    Ok(groups)
}

/// A user's allowed codes per field (a field without any is not restricted by the list).
pub fn allowed_codes(
    connection: &dyn Connection,
    user_id: i64,
) -> Result<BTreeMap<AccessField, BTreeSet<String>>> {
    let mut allowed: BTreeMap<AccessField, BTreeSet<String>> = BTreeMap::new();
    for row in connection
        .query(
            "SELECT field, code FROM app.user_access WHERE user_id = $1",
            &[user_id.into()],
        )?
        .rows
    {
        if let Some(field) = AccessField::parse(&text(&row, 0)) {
            allowed.entry(field).or_default().insert(text(&row, 1));
        }
    }
    Ok(allowed)
}

/// Groups and allowed values checked against the data, ready to be stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RightsChange {
    groups: BTreeSet<String>,
    codes: Vec<(AccessField, String)>,
}

impl RightsChange {
    /// Membership of `admin` alone, or of nothing.
    pub fn admin(is_admin: bool) -> RightsChange {
        RightsChange {
            groups: is_admin
                .then(|| ADMIN_GROUP.to_string())
                .into_iter()
                .collect(),
            codes: Vec::new(),
        }
    }

    pub(crate) fn is_admin(&self) -> bool {
        self.groups.contains(ADMIN_GROUP)
    }
}

/// Checks groups (they must exist) and allowed values (codes or names of companies, stores and
/// channels that exist in the data; stored as codes).
pub fn check_rights(
    connection: &dyn Connection,
    groups: &BTreeSet<String>,
    allowed: &BTreeMap<AccessField, Vec<String>>,
) -> Result<RightsChange> {
    let known_groups: BTreeSet<String> = list_groups(connection)?
        .into_iter()
        .map(|group| group.code)
        .collect();
    if let Some(unknown) = groups.iter().find(|group| !known_groups.contains(*group)) {
        return Err(AccountError::Rights(format!(
            "no group '{unknown}'; the groups are {}",
            known_groups.into_iter().collect::<Vec<_>>().join(", ")
        )));
    }
    let mut codes: Vec<(AccessField, String)> = Vec::new();
    for (field, values) in allowed {
        for value in values {
            let code = canonical_code(connection, *field, value)?;
            if !codes.contains(&(*field, code.clone())) {
                codes.push((*field, code));
            }
        }
    }
    Ok(RightsChange {
        groups: groups.clone(),
        codes,
    })
}

/// Replaces a user's groups and allowed values, in one transaction.
pub fn set_rights(connection: &dyn Connection, user: &User, change: &RightsChange) -> Result<()> {
    transaction(connection, || write_rights(connection, user.id, change))?;
    Ok(())
}

/// Writes a user's groups and allowed values (inside the caller's transaction).
pub(crate) fn write_rights(
    connection: &dyn Connection,
    user_id: i64,
    change: &RightsChange,
) -> analyst_store::Result<()> {
    connection.execute(
        "DELETE FROM app.user_membership WHERE user_id = $1",
        &[user_id.into()],
    )?;
    for group in change.groups.iter().filter(|group| *group != ADMIN_GROUP) {
        connection.execute(
            "INSERT INTO app.user_membership (user_id, group_code) VALUES ($1, $2)",
            &[user_id.into(), group.as_str().into()],
        )?;
    }
    connection.execute(
        "UPDATE app.users SET is_admin = $1 WHERE id = $2",
        &[Value::Bool(change.is_admin()), user_id.into()],
    )?;
    connection.execute(
        "DELETE FROM app.user_access WHERE user_id = $1",
        &[user_id.into()],
    )?;
    for (field, code) in &change.codes {
        connection.execute(
            "INSERT INTO app.user_access (user_id, field, code) VALUES ($1, $2, $3)",
            &[user_id.into(), field.name().into(), code.as_str().into()],
        )?;
    }
    Ok(())
}

/// The code of a company, store or channel named by code or name (any case).
fn canonical_code(connection: &dyn Connection, field: AccessField, value: &str) -> Result<String> {
    let known = connection.query(field.known(), &[])?;
    let wanted = value.trim();
    known
        .rows
        .iter()
        .find(|row| {
            text(row, 0).eq_ignore_ascii_case(wanted) || text(row, 1).eq_ignore_ascii_case(wanted)
        })
        .map(|row| text(row, 0))
        .ok_or_else(|| {
            let names: Vec<String> = known
                .rows
                .iter()
                .map(|row| format!("{} ({})", text(row, 0), text(row, 1)))
                .collect();
            AccountError::Rights(format!(
                "no {} '{wanted}'; known: {}",
                field.name(),
                if names.is_empty() {
                    "none yet (load data first)".to_string()
                } else {
                    names.join(", ")
                }
            ))
        })
}

/// One record rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRule {
    pub id: i64,
    pub name: String,
    pub group_code: Option<String>,
    pub user_id: Option<i64>,
    pub field: AccessField,
    /// `None`: the user's own allowed values.
    pub codes: Option<Vec<String>>,
    pub active: bool,
}

pub fn list_rules(connection: &dyn Connection) -> Result<Vec<RecordRule>> {
    let rows = connection.query(
        "SELECT id, name, group_code, user_id, field, codes, active FROM app.record_rule ORDER BY id",
        &[],
    )?;
    Ok(rows
        .rows
        .iter()
        .filter_map(|row| rule_from_row(row))
        .collect())
}

fn rule_from_row(row: &[Value]) -> Option<RecordRule> {
    Some(RecordRule {
        id: row.first()?.as_i64()?,
        name: row.get(1)?.as_str()?.to_string(),
        group_code: row.get(2)?.as_str().map(str::to_string),
        user_id: row.get(3)?.as_i64(),
        field: AccessField::parse(row.get(4)?.as_str()?)?,
        codes: row.get(5)?.as_str().map(|codes| {
            codes
                .split(',')
                .map(|code| code.trim().to_string())
                .filter(|code| !code.is_empty())
                .collect()
        }),
        active: row.get(6)?.as_bool()?,
    })
}

/// Who a new rule applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleTarget {
    Group(String),
    User(i64),
}

/// Adds a rule; its codes (or names) must match the data.
pub fn add_rule(
    connection: &dyn Connection,
    name: &str,
    target: &RuleTarget,
    field: AccessField,
    values: Option<&[String]>,
) -> Result<RecordRule> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AccountError::Rights(
            "a rule needs a name of 1 to 200 characters".into(),
        ));
    }
    if let RuleTarget::Group(group) = target
        && !list_groups(connection)?
            .iter()
            .any(|known| &known.code == group)
    {
        return Err(AccountError::Rights(format!("no group '{group}'")));
    }
    let codes = match values {
        None => None,
        Some(values) => Some(
            values
                .iter()
                .map(|value| canonical_code(connection, field, value))
                .collect::<Result<Vec<_>>>()?
                .join(","),
        ),
    };
    let (group, user) = match target {
        RuleTarget::Group(group) => (Value::from(group.as_str()), Value::Null),
        RuleTarget::User(id) => (Value::Null, Value::from(*id)),
    };
    let rows = connection.query(
        "INSERT INTO app.record_rule (name, group_code, user_id, field, codes) VALUES ($1, $2, $3, $4, $5)
         RETURNING id, name, group_code, user_id, field, codes, active",
        &[
            name.into(),
            group,
            user,
            field.name().into(),
            codes.map_or(Value::Null, Value::from),
        ],
    )?;
    rows.rows
        .first()
        .and_then(|row| rule_from_row(row))
        .ok_or_else(|| AccountError::Rights("the rule was not stored".into()))
}

/// Removes a rule; false when there was none with that id.
pub fn remove_rule(connection: &dyn Connection, id: i64) -> Result<bool> {
    Ok(connection.execute("DELETE FROM app.record_rule WHERE id = $1", &[id.into()])? > 0)
}

/// The rights of a user: groups, and the rows their allowed lists and rules leave them.
/// Administrators see everything.
pub fn rights(connection: &dyn Connection, user: &User) -> Result<Rights> {
    let groups = groups_of(connection, user)?;
    if user.is_admin {
        return Ok(Rights {
            user_id: user.id,
            groups,
            scope: DataScope::everything(),
        });
    }
    let allowed = allowed_codes(connection, user.id)?;
    let mut visible: BTreeMap<AccessField, BTreeSet<String>> = allowed.clone();
    for rule in list_rules(connection)?.into_iter().filter(|rule| {
        rule.active
            && (rule.user_id == Some(user.id)
                || rule
                    .group_code
                    .as_ref()
                    .is_some_and(|group| groups.contains(group)))
    }) {
        let permitted: BTreeSet<String> = match rule.codes {
            Some(codes) => codes.into_iter().collect(),
            None => allowed.get(&rule.field).cloned().unwrap_or_default(),
        };
        let narrowed = match visible.get(&rule.field) {
            Some(current) => current.intersection(&permitted).cloned().collect(),
            None => permitted,
        };
        visible.insert(rule.field, narrowed);
    }
    Ok(Rights {
        user_id: user.id,
        groups,
        scope: resolve_scope(connection, &visible)?,
    })
}

/// Turns visible codes into ids; stores are limited to the visible companies' stores.
fn resolve_scope(
    connection: &dyn Connection,
    visible: &BTreeMap<AccessField, BTreeSet<String>>,
) -> Result<DataScope> {
    if visible.is_empty() {
        return Ok(DataScope::everything());
    }
    let stores = connection.query(
        "SELECT s.id, s.code, s.name, c.id, c.code, c.name FROM silver.store s \
         JOIN silver.company c ON c.id = s.company_id ORDER BY s.id",
        &[],
    )?;
    let company_codes = visible.get(&AccessField::Company);
    let store_codes = visible.get(&AccessField::Store);
    let mut scope = DataScope {
        channels: visible.get(&AccessField::Channel).cloned(),
        ..DataScope::default()
    };
    let mut names: Vec<String> = Vec::new();
    if let Some(codes) = company_codes {
        let companies: BTreeMap<i64, String> = stores
            .rows
            .iter()
            .filter(|row| codes.contains(&text(row, 4)))
            .filter_map(|row| Some((row.get(3)?.as_i64()?, text(row, 5))))
            .collect();
        if store_codes.is_none() {
            names.extend(companies.values().cloned());
        }
        scope.companies = Some(companies.into_keys().collect());
    }
    if company_codes.is_some() || store_codes.is_some() {
        let mut ids = BTreeSet::new();
        for row in &stores.rows {
            let in_company = company_codes.is_none_or(|codes| codes.contains(&text(row, 4)));
            let in_stores = store_codes.is_none_or(|codes| codes.contains(&text(row, 1)));
            if in_company && in_stores {
                if let Some(id) = row.first().and_then(Value::as_i64) {
                    ids.insert(id);
                }
                if store_codes.is_some() {
                    names.push(text(row, 2));
                }
            }
        }
        scope.stores = Some(ids);
    }
    if let Some(channels) = &scope.channels {
        names.push(format!(
            "channel {}",
            channels.iter().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    let sees_nothing = scope.companies.as_ref().is_some_and(BTreeSet::is_empty)
        || scope.stores.as_ref().is_some_and(BTreeSet::is_empty)
        || scope.channels.as_ref().is_some_and(BTreeSet::is_empty);
    scope.description = if sees_nothing || names.is_empty() {
        "no data".to_string()
    } else {
        names.join(", ")
    };
    Ok(scope)
}
