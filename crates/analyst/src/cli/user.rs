//! `analyst user add|list|passwd`: the people who may sign in.

use std::io::Read;
use std::process::ExitCode;

use analyst_accounts::{AuditEvent, add_user, list_users, one_time_password, record, set_password};
use analyst_store::AccessMode;
use anyhow::Context;
use clap::Subcommand;

use super::{Settings, render};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user. Without --password-stdin a one-time password is printed, to be changed at
    /// the first sign-in.
    Add {
        /// The username (letters, digits, '.', '_', '-', '@').
        name: String,
        /// May administer the analyst.
        #[arg(long)]
        admin: bool,
        /// Read the password from standard input (for scripts: `echo … | analyst user add …`).
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users.
    List,
    /// Reset a user's password (signs them out everywhere). Without --password-stdin a
    /// one-time password is printed.
    Passwd {
        name: String,
        #[arg(long)]
        password_stdin: bool,
    },
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
        UserCommand::Add {
            name,
            admin,
            password_stdin,
        } => {
            let (password, one_time) = new_password(password_stdin)?;
            let connection = settings.open(AccessMode::ReadWrite)?;
            let user = add_user(connection.as_ref(), &name, &password, admin, one_time)?;
            record(
                connection.as_ref(),
                AuditEvent::UserAdded,
                Some(user.id),
                Some(&user.username),
                None,
                Some("cli"),
            )?;
            println!(
                "Added {}{}.",
                user.username,
                if user.is_admin {
                    " (administrator)"
                } else {
                    ""
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
                    "admin",
                    "must change password",
                    "active",
                    "created",
                ]
                .map(String::from),
            );
            for user in list_users(connection.as_ref())? {
                grid.add_row([
                    user.username,
                    yes_no(user.is_admin),
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
            record(
                connection.as_ref(),
                AuditEvent::PasswordChanged,
                Some(user.id),
                Some(&user.username),
                None,
                Some("reset by cli"),
            )?;
            println!(
                "Password of {} changed; their sessions have ended.",
                user.username
            );
            if one_time {
                println!("One-time password: {password} (to be changed at the next sign-in)");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.into()
}
