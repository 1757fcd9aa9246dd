//! `analyst odoo connect`: stores the Odoo connection (the API key stays in the environment
//! variable named, never in the store) after checking it, and schedules its sync every
//! 5 minutes; `analyst odoo check`: the server's version, the modules the sync uses and the
//! user's rights; `analyst odoo settings`: how Odoo's data maps onto ours.

use std::process::ExitCode;

use analyst_odoo::{Call, OdooClient, OdooError, Query};
use analyst_odoo_sync::{MappingSettings, OdooConnection, load_connection, save_connection};
use analyst_store::AccessMode;
use clap::Subcommand;

use super::Settings;

#[derive(Debug, Subcommand)]
pub enum OdooCommand {
    /// Configure the Odoo to sync from; it is checked before it is saved.
    Connect {
        /// Base URL, e.g. https://erp.example.com
        #[arg(long)]
        url: String,
        /// Database name.
        #[arg(long)]
        db: String,
        /// Login of the user whose rights bound the sync and write-back.
        #[arg(long)]
        user: String,
        /// The environment variable holding the user's API key (or password).
        #[arg(long)]
        api_key_env: String,
        /// Our name for this connection.
        #[arg(long, default_value = "odoo")]
        name: String,
    },
    /// Check the configured connection: version, modules found, rights.
    Check {
        #[arg(long, default_value = "odoo")]
        name: String,
    },
    /// Show how Odoo's data maps onto ours, or change it (only the options given change).
    Settings {
        #[arg(long, default_value = "odoo")]
        name: String,
        /// The product field naming the brand (a many2one), e.g. product_brand_id.
        #[arg(long)]
        brand_field: Option<String>,
        /// A product tag that is a season (repeat for several); none: tags like SS26, FW26.
        #[arg(long = "season-tag")]
        season_tags: Vec<String>,
        /// Forget the listed season tags: seasons are tags like SS26 again.
        #[arg(long, conflicts_with = "season_tags")]
        clear_season_tags: bool,
        /// POS config NAME sells for the store with CODE (repeat for several): NAME=CODE.
        #[arg(long = "pos-store", value_parser = pos_store)]
        pos_stores: Vec<(String, String)>,
        /// Records per page read from Odoo (one page is one store transaction).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        page_size: Option<u32>,
        /// Re-read records written this many minutes before the last cursor.
        #[arg(long)]
        overlap_minutes: Option<u16>,
        /// Look for records deleted in Odoo every this many minutes.
        #[arg(long)]
        reconcile_every_minutes: Option<u16>,
        /// The business's offset from UTC in minutes (Bangkok: 420): sales dates are local.
        #[arg(long, allow_hyphen_values = true, value_parser = clap::value_parser!(i16).range(-720..=840))]
        utc_offset_minutes: Option<i16>,
    },
}

fn pos_store(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, code)) if !name.trim().is_empty() && !code.trim().is_empty() => {
            Ok((name.trim().to_owned(), code.trim().to_owned()))
        }
        _ => Err(format!(
            "'{text}' is not NAME=CODE (a POS config's name, a store's code)"
        )),
    }
}

/// What write-back needs: (model, operation).
const WRITE_RIGHTS: &[(&str, &str)] = &[
    ("purchase.order", "create"),
    ("stock.warehouse.orderpoint", "write"),
    ("product.product", "write"),
    ("mail.activity", "create"),
];

/// The modules the sync reads, and whether it needs them.
const MODULES: &[(&str, bool)] = &[
    ("product", true),
    ("stock", true),
    ("point_of_sale", false),
    ("sale", false),
    ("purchase", false),
    ("account", false),
    ("helpdesk", false),
    ("product_brand", false),
    ("sale_margin", false),
];

fn check(client: &OdooClient) -> anyhow::Result<()> {
    let version = client.version();
    println!(
        "Odoo {} via {:?}, user id {}",
        version.series,
        client.protocol(),
        client.uid()
    );
    let installed = client.installed_modules()?;
    for (module, required) in MODULES {
        let found = installed.iter().any(|name| name == module);
        let note = match (found, required) {
            (true, _) => "installed",
            (false, true) => "MISSING: the sync needs it",
            (false, false) => "not installed: skipped",
        };
        println!("  {module:<14} {note}");
    }
    for model in [
        "res.company",
        "product.product",
        "pos.order",
        "purchase.order",
    ] {
        match client.search_count(&Query::new(model)) {
            Ok(count) => println!("  read {model:<16} ok ({count} records)"),
            Err(OdooError::MissingModel { .. }) => println!("  read {model:<16} (not installed)"),
            Err(error) => println!("  read {model:<16} REFUSED: {error}"),
        }
    }
    for (model, operation) in WRITE_RIGHTS {
        let call = Call::new(model, "check_access_rights")
            .arg("operation", *operation)
            .kwarg("raise_exception", false);
        let note = match client.call(&call) {
            Ok(serde_json::Value::Bool(true)) => "ok",
            Ok(_) => "REFUSED: approved proposals of this kind fail",
            Err(OdooError::MissingModel { .. }) => "(not installed)",
            Err(error) => {
                println!("  {operation:<6} {model:<27} unknown: {error}");
                continue;
            }
        };
        println!("  {operation:<6} {model:<27} {note}");
    }
    Ok(())
}

pub fn run(settings: &Settings, command: OdooCommand) -> anyhow::Result<ExitCode> {
    let store = settings.open(AccessMode::ReadWrite)?;
    let store = store.as_ref();
    match command {
        OdooCommand::Connect {
            url,
            db,
            user,
            api_key_env,
            name,
        } => {
            let connection = OdooConnection {
                settings: load_connection(store, &name)?
                    .map(|existing| existing.settings)
                    .unwrap_or_else(MappingSettings::default),
                name,
                url,
                database: db,
                login: user,
                api_key_env,
            };
            let client = OdooClient::connect(connection.client_config()?)?;
            check(&client)?;
            save_connection(store, &connection)?;
            println!(
                "saved Odoo connection '{}'; it syncs every 5 minutes while `analyst serve` runs (now: `analyst sync odoo`)",
                connection.name
            );
        }
        OdooCommand::Check { name } => {
            let connection = load_connection(store, &name)?.ok_or_else(|| {
                anyhow::anyhow!("no Odoo connection '{name}'; add one with `analyst odoo connect`")
            })?;
            check(&OdooClient::connect(connection.client_config()?)?)?;
        }
        OdooCommand::Settings {
            name,
            brand_field,
            season_tags,
            clear_season_tags,
            pos_stores,
            page_size,
            overlap_minutes,
            reconcile_every_minutes,
            utc_offset_minutes,
        } => {
            let mut connection = load_connection(store, &name)?.ok_or_else(|| {
                anyhow::anyhow!("no Odoo connection '{name}'; add one with `analyst odoo connect`")
            })?;
            let settings = &mut connection.settings;
            let before = settings.clone();
            if let Some(field) = brand_field {
                settings.brand_field = field;
            }
            if clear_season_tags {
                settings.season_tags.clear();
            } else if !season_tags.is_empty() {
                settings.season_tags = season_tags;
            }
            settings.pos_stores.extend(pos_stores);
            if let Some(size) = page_size {
                settings.page_size = size as usize;
            }
            if let Some(minutes) = overlap_minutes {
                settings.overlap_minutes = minutes.into();
            }
            if let Some(minutes) = reconcile_every_minutes {
                settings.reconcile_every_minutes = minutes.into();
            }
            if let Some(minutes) = utc_offset_minutes {
                settings.utc_offset_minutes = minutes.into();
            }
            if *settings != before {
                save_connection(store, &connection)?;
                println!(
                    "saved; a change of mapping applies to records synced from now on (`analyst sync odoo --full` maps everything again)"
                );
            }
            println!("{}", serde_json::to_string_pretty(&connection.settings)?);
        }
    }
    Ok(ExitCode::SUCCESS)
}
