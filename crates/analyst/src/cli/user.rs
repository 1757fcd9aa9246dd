//! `analyst user add|list|email|passwd|rights|rules|rule-add|rule-remove`: the people who may sign
//! in, their groups, what they may see, and the record rules.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::process::ExitCode;

use analyst_accounts::{
    ADMIN_GROUP, AccessField, AuditEntry, AuditEvent, RightsChange, RuleTarget, User, add_rule,
    add_user_with_rights, allowed_codes, check_rights, find_user, groups_of, list_groups,
    list_rules, list_users, one_time_password, record_entry, remove_rule, set_email, set_password,
    set_rights,
};
use analyst_store::{AccessMode, Connection};
use anyhow::Context;
use clap::{Args, Subcommand};

use super::{Settings, render};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user. Without --password-stdin a one-time password is printed, to be changed at
    /// the first sign-in.
    Add {
        /// The username (letters, digits, '.', '_', '-', '@').
        name: String,
        /// May administer the analyst (the `admin` group).
        #[arg(long)]
        admin: bool,
        #[command(flatten)]
        rights: RightsArgs,
        /// Read the password from standard input (for scripts: `echo … | analyst user add …`).
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users with their groups and allowed companies, stores and channels.
    List,
    /// Set the address a user's import results are mailed to (written to the outbox folder).
    Email {
        name: String,
        /// The address; leave it out to remove the user's address.
        address: Option<String>,
    },
    /// Replace a user's groups and allowed companies, stores and channels.
    Rights {
        name: String,
        #[command(flatten)]
        rights: RightsArgs,
    },
    /// List the groups and the record rules.
    Rules,
    /// Add a record rule: the members of a group (or one user) see only rows whose field is
    /// one of the values given, or without --value, one of their own allowed values.
    RuleAdd {
        /// What the rule is for, e.g. "Online team sees online sales".
        #[arg(long)]
        name: String,
        #[arg(long, conflicts_with = "user", required_unless_present = "user")]
        group: Option<String>,
        #[arg(long)]
        user: Option<String>,
        /// company, store or channel.
        #[arg(long, value_parser = parse_field)]
        field: AccessField,
        /// An allowed code or name (repeat for several).
        #[arg(long = "value")]
        values: Vec<String>,
    },
    /// Remove a record rule by id.
    RuleRemove { id: i64 },
    /// Reset a user's password (signs them out everywhere). Without --password-stdin a
    /// one-time password is printed.
    Passwd {
        name: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

/// Groups and allowed values; an empty list of companies, stores or channels means every one.
#[derive(Debug, Args)]
pub struct RightsArgs {
    /// A group (repeat for several): admin, executive, buyer, purchase_manager, store_manager,
    /// sales, support, driver.
    #[arg(long = "group")]
    groups: Vec<String>,
    /// An allowed company, by code or name (repeat for several).
    #[arg(long = "company")]
    companies: Vec<String>,
    /// An allowed store or warehouse, by code or name (repeat for several).
    #[arg(long = "store")]
    stores: Vec<String>,
    /// An allowed channel (repeat for several).
    #[arg(long = "channel")]
    channels: Vec<String>,
}

impl RightsArgs {
    fn checked(&self, connection: &dyn Connection, admin: bool) -> anyhow::Result<RightsChange> {
        let mut groups: BTreeSet<String> = self
            .groups
            .iter()
            .map(|group| group.trim().to_lowercase())
            .collect();
        if admin {
            groups.insert(ADMIN_GROUP.to_string());
        }
        let allowed = BTreeMap::from([
            (AccessField::Company, self.companies.clone()),
            (AccessField::Store, self.stores.clone()),
            (AccessField::Channel, self.channels.clone()),
        ]);
        Ok(check_rights(connection, &groups, &allowed)?)
    }
}

fn parse_field(text: &str) -> Result<AccessField, String> {
    AccessField::parse(text).ok_or_else(|| format!("'{text}' is not company, store or channel"))
}

/// The password from standard input, or a generated one-time password.
fn new_password(from_stdin: bool) -> anyhow::Result<(String, bool)> {
    if !from_stdin {
        return Ok((one_time_password(), true));
    }
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("reading the password from standard input")?;
    let password = text.trim_end_matches(['\r', '\n']).to_string();
    Ok((password, false))
}

pub fn run(settings: &Settings, command: UserCommand) -> anyhow::Result<ExitCode> {
    match command {
        UserCommand::Email { name, address } => {
            let connection = settings.open(AccessMode::ReadWrite)?;
            let user = set_email(connection.as_ref(), &name, address.as_deref())?;
            match address {
                Some(address) => println!("{} is mailed at {}.", user.username, address.trim()),
                None => println!("{} has no e-mail address now.", user.username),
            }
            admin_change(
                connection.as_ref(),
                &format!("set the e-mail address of {}", user.username),
            )?;
        }
        UserCommand::Add {
            name,
            admin,
            rights,
            password_stdin,
        } => {
            let (password, one_time) = new_password(password_stdin)?;
            let connection = settings.open(AccessMode::ReadWrite)?;
            let change = rights.checked(connection.as_ref(), admin)?;
            let user =
                add_user_with_rights(connection.as_ref(), &name, &password, one_time, &change)?;
            record_entry(
                connection.as_ref(),
                &AuditEntry::new(AuditEvent::UserAdded)
                    .user(user.id, &user.username)
                    .detail("cli"),
            )?;
            let groups = groups_of(connection.as_ref(), &user)?;
            println!(
                "Added {} (groups: {}).",
                user.username,
                if groups.is_empty() {
                    "none: they can sign in but use no tool until `analyst user rights` gives some"
                        .to_string()
                } else {
                    groups.into_iter().collect::<Vec<_>>().join(", ")
                }
            );
            if one_time {
                println!("One-time password: {password} (to be changed at the first sign-in)");
            }
        }
        UserCommand::List => {
            let connection = settings.open(AccessMode::ReadWrite)?;
            let mut grid = render::new_grid(
                [
                    "username",
                    "groups",
                    "sees",
                    "must change password",
                    "active",
                    "created",
                ]
                .map(String::from),
            );
            for user in list_users(connection.as_ref())? {
                grid.add_row([
                    user.username.clone(),
                    groups_of(connection.as_ref(), &user)?
                        .into_iter()
                        .collect::<Vec<_>>()
                        .join(", "),
                    allowed_text(connection.as_ref(), &user)?,
                    yes_no(user.must_change_password),
                    yes_no(user.active),
                    user.created_at
                        .map(|moment| moment.format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_default(),
                ]);
            }
            println!("{grid}");
        }
        UserCommand::Passwd {
            name,
            password_stdin,
        } => {
            let (password, one_time) = new_password(password_stdin)?;
            let connection = settings.open(AccessMode::ReadWrite)?;
            let user = set_password(connection.as_ref(), &name, &password, one_time)?;
            record_entry(
                connection.as_ref(),
                &AuditEntry::new(AuditEvent::PasswordChanged)
                    .user(user.id, &user.username)
                    .detail("reset by cli"),
            )?;
            println!(
                "Password of {} changed; their sessions have ended.",
                user.username
            );
            if one_time {
                println!("One-time password: {password} (to be changed at the next sign-in)");
            }
        }
        UserCommand::Rights { name, rights } => {
            let connection = settings.open(AccessMode::ReadWrite)?;
            let user = existing(connection.as_ref(), &name)?;
            let change = rights.checked(connection.as_ref(), false)?;
            set_rights(connection.as_ref(), &user, &change)?;
            let user = existing(connection.as_ref(), &name)?;
            let groups = groups_of(connection.as_ref(), &user)?;
            let sees = allowed_text(connection.as_ref(), &user)?;
            admin_change(
                connection.as_ref(),
                &format!("rights of {}: {groups:?}; {sees}", user.username),
            )?;
            println!(
                "{}: groups {}; sees {sees}.",
                user.username,
                groups.into_iter().collect::<Vec<_>>().join(", ")
            );
        }
        UserCommand::Rules => {
            let connection = settings.open(AccessMode::ReadWrite)?;
            let mut groups = render::new_grid(["group", "name", "for"].map(String::from));
            for group in list_groups(connection.as_ref())? {
                groups.add_row([group.code, group.name, group.description]);
            }
            println!("{groups}");
            let users = list_users(connection.as_ref())?;
            let mut rules = render::new_grid(
                ["id", "rule", "applies to", "field", "allowed"].map(String::from),
            );
            for rule in list_rules(connection.as_ref())? {
                let applies_to = match (&rule.group_code, rule.user_id) {
                    (Some(group), _) => format!("group {group}"),
                    (None, Some(id)) => format!(
                        "user {}",
                        users
                            .iter()
                            .find(|user| user.id == id)
                            .map_or("(removed)", |user| user.username.as_str())
                    ),
                    (None, None) => String::new(),
                };
                rules.add_row([
                    rule.id.to_string(),
                    rule.name,
                    applies_to,
                    rule.field.name().to_string(),
                    rule.codes
                        .map_or("the user's own".to_string(), |codes| codes.join(", ")),
                ]);
            }
            println!("{rules}");
        }
        UserCommand::RuleAdd {
            name,
            group,
            user,
            field,
            values,
        } => {
            let connection = settings.open(AccessMode::ReadWrite)?;
            let target = match (group, user) {
                (Some(group), _) => RuleTarget::Group(group.trim().to_lowercase()),
                (None, Some(user)) => RuleTarget::User(existing(connection.as_ref(), &user)?.id),
                (None, None) => anyhow::bail!("give --group or --user"),
            };
            let values = (!values.is_empty()).then_some(values);
            let rule = add_rule(
                connection.as_ref(),
                &name,
                &target,
                field,
                values.as_deref(),
            )?;
            admin_change(
                connection.as_ref(),
                &format!("added record rule {} ({})", rule.id, rule.name),
            )?;
            println!("Added record rule {}: {}.", rule.id, rule.name);
        }
        UserCommand::RuleRemove { id } => {
            let connection = settings.open(AccessMode::ReadWrite)?;
            if !remove_rule(connection.as_ref(), id)? {
                anyhow::bail!("no record rule {id}; `analyst user rules` lists them");
            }
            admin_change(connection.as_ref(), &format!("removed record rule {id}"))?;
            println!("Removed record rule {id}.");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn existing(connection: &dyn Connection, name: &str) -> anyhow::Result<User> {
    find_user(connection, name)?
        .ok_or_else(|| anyhow::anyhow!("no user named '{name}'; `analyst user list` lists them"))
}

/// What a user may see, from their allowed lists ("every company, store and channel" when none).
fn allowed_text(connection: &dyn Connection, user: &User) -> anyhow::Result<String> {
    let allowed = allowed_codes(connection, user.id)?;
    if allowed.is_empty() {
        return Ok("everything".into());
    }
    Ok(allowed
        .into_iter()
        .map(|(field, codes)| {
            format!(
                "{} {}",
                field.name(),
                codes.into_iter().collect::<Vec<_>>().join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("; "))
}

fn admin_change(connection: &dyn Connection, detail: &str) -> anyhow::Result<()> {
    record_entry(
        connection,
        &AuditEntry::new(AuditEvent::AdminChange).detail(detail),
    )?;
    Ok(())
}

fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.into()
}
