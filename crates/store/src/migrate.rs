//! Numbered SQL migrations, applied at open and recorded in `ops.schema_migrations`.
//!
//! Migrations are append-only: a landed file is never edited; a change is a new file.

use crate::{Connection, Result, StoreError, Value, transaction};

struct Migration {
    version: u32,
    name: &'static str,
    sql: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "schemas",
        sql: include_str!("../migrations/0001_schemas.sql"),
    },
    Migration {
        version: 2,
        name: "silver",
        sql: include_str!("../migrations/0002_silver.sql"),
    },
    Migration {
        version: 3,
        name: "gold",
        sql: include_str!("../migrations/0003_gold.sql"),
    },
    Migration {
        version: 4,
        name: "accounts",
        sql: include_str!("../migrations/0004_accounts.sql"),
    },
    Migration {
        version: 5,
        name: "buying",
        sql: include_str!("../migrations/0005_buying.sql"),
    },
    Migration {
        version: 6,
        name: "dictionary",
        sql: include_str!("../migrations/0006_dictionary.sql"),
    },
    Migration {
        version: 7,
        name: "fiscal_year",
        sql: include_str!("../migrations/0007_fiscal_year.sql"),
    },
    Migration {
        version: 8,
        name: "rights",
        sql: include_str!("../migrations/0008_rights.sql"),
    },
    Migration {
        version: 9,
        name: "audit_chain",
        sql: include_str!("../migrations/0009_audit_chain.sql"),
    },
    Migration {
        version: 10,
        name: "workspaces",
        sql: include_str!("../migrations/0010_workspaces.sql"),
    },
    Migration {
        version: 11,
        name: "budgets",
        sql: include_str!("../migrations/0011_budgets.sql"),
    },
    Migration {
        version: 12,
        name: "audit_head",
        sql: include_str!("../migrations/0012_audit_head.sql"),
    },
    Migration {
        version: 13,
        name: "jobs",
        sql: include_str!("../migrations/0013_jobs.sql"),
    },
    Migration {
        version: 14,
        name: "job_schedule",
        sql: include_str!("../migrations/0014_job_schedule.sql"),
    },
    Migration {
        version: 15,
        name: "proposals",
        sql: include_str!("../migrations/0015_proposals.sql"),
    },
    Migration {
        version: 16,
        name: "uploads",
        sql: include_str!("../migrations/0016_uploads.sql"),
    },
    Migration {
        version: 17,
        name: "llm",
        sql: include_str!("../migrations/0017_llm.sql"),
    },
    Migration {
        version: 18,
        name: "odoo",
        sql: include_str!("../migrations/0018_odoo.sql"),
    },
    Migration {
        version: 19,
        name: "upload_cleanup",
        sql: include_str!("../migrations/0019_upload_cleanup.sql"),
    },
];

const BOOTSTRAP: &str = "CREATE SCHEMA IF NOT EXISTS ops;
CREATE TABLE IF NOT EXISTS ops.schema_migrations (
    version INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);";

/// Applies every migration the store has not recorded yet, each in its own transaction.
pub(crate) fn apply_pending(connection: &dyn Connection) -> Result<()> {
    connection.execute_batch(BOOTSTRAP)?;
    let applied: Vec<i64> = connection
        .query(
            "SELECT version FROM ops.schema_migrations ORDER BY version",
            &[],
        )?
        .rows
        .iter()
        .filter_map(|row| row.first().and_then(Value::as_i64))
        .collect();
    let newest_known = MIGRATIONS.last().map_or(0, |migration| migration.version);
    if let Some(&newest) = applied.last()
        && newest > i64::from(newest_known)
    {
        return Err(StoreError::Migration {
            version: u32::try_from(newest).unwrap_or(u32::MAX),
            name: "unknown".into(),
            reason: "the store was written by a newer version of analyst; upgrade analyst".into(),
        });
    }
    for migration in MIGRATIONS {
        if applied.contains(&i64::from(migration.version)) {
            continue;
        }
        transaction(connection, || {
            connection.execute_batch(migration.sql)?;
            connection.execute(
                "INSERT INTO ops.schema_migrations (version, name) VALUES ($1, $2)",
                &[i64::from(migration.version).into(), migration.name.into()],
            )?;
            Ok(())
        })
        .map_err(|error| StoreError::Migration {
            version: migration.version,
            name: migration.name.to_string(),
            reason: error.to_string(),
        })?;
    }
    Ok(())
}
