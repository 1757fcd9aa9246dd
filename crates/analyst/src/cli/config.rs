//! The effective configuration, in layers: flags, then `ANALYST_…` environment variables, then
//! `analyst.toml`, then defaults. `analyst config` prints it (never a secret).

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::parser::ValueSource;
use clap::{ArgMatches, Args};
use serde::Deserialize;

/// Where a setting's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Flag,
    Environment,
    File,
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Origin::Flag => "flag",
            Origin::Environment => "environment",
            Origin::File => "analyst.toml",
            Origin::Default => "default",
        })
    }
}

/// `analyst.toml`: every key is optional; unknown keys are an error (a typo should not be
/// silently ignored).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub data_dir: Option<PathBuf>,
    pub database: Option<String>,
    pub today: Option<String>,
    pub bind: Option<String>,
    pub port: Option<u16>,
    pub chat_per_minute: Option<u32>,
    pub max_concurrent_queries: Option<u32>,
    pub workers: Option<u32>,
    pub export_keep_hours: Option<u32>,
    pub max_exports_per_user: Option<u32>,
    pub proposal_days: Option<u32>,
    pub second_approver: Option<bool>,
    pub session_hours: Option<u32>,
    pub token_days: Option<u32>,
    pub secure_cookies: Option<bool>,
    pub audit_retention_days: Option<u32>,
    pub upload_max_mb: Option<u32>,
    pub import_errors_block: Option<bool>,
    pub import_create_unknown: Option<bool>,
    pub upload_keep_days: Option<u32>,
    pub thb_per_usd: Option<f64>,
}

impl FileConfig {
    /// Reads `path`; a missing default file is an empty configuration, a missing named one an
    /// error.
    pub fn load(path: Option<&Path>) -> anyhow::Result<FileConfig> {
        let (path, required) = match path {
            Some(path) => (path.to_path_buf(), true),
            None => (PathBuf::from("analyst.toml"), false),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if !required && error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(FileConfig::default());
            }
            Err(error) => {
                return Err(error).with_context(|| format!("cannot read {}", path.display()));
            }
        };
        toml::from_str(&text).map_err(|error| {
            anyhow::anyhow!("{} is not valid: {}", path.display(), error.message())
        })
    }
}

/// Picks a setting from its layers and says where it came from.
pub fn pick<T>(
    matches: Option<&ArgMatches>,
    id: &str,
    given: Option<T>,
    file: Option<T>,
    default: T,
) -> (T, Origin) {
    match (given, file) {
        (Some(value), _) => {
            let origin = match matches.and_then(|m| m.value_source(id)) {
                Some(ValueSource::EnvVariable) => Origin::Environment,
                _ => Origin::Flag,
            };
            (value, origin)
        }
        (None, Some(value)) => (value, Origin::File),
        (None, None) => (default, Origin::Default),
    }
}

/// The server settings `analyst serve` takes; `analyst config` accepts them too, to show what
/// `serve` would use.
#[derive(Debug, Clone, Args)]
pub struct ServerOptions {
    /// Address to listen on [default: 127.0.0.1].
    #[arg(long, env = "ANALYST_BIND")]
    pub bind: Option<String>,
    /// Port to listen on; 0 picks a free one [default: 8080].
    #[arg(long, env = "ANALYST_PORT")]
    pub port: Option<u16>,
    /// Questions a user may ask per minute [default: 20].
    #[arg(long, env = "ANALYST_CHAT_PER_MINUTE", value_parser = clap::value_parser!(u32).range(1..))]
    pub chat_per_minute: Option<u32>,
    /// Questions answered at once; more wait up to 5 s for a slot [default: 10].
    #[arg(long, env = "ANALYST_MAX_CONCURRENT_QUERIES", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub max_concurrent_queries: Option<u32>,
    /// Job workers (imports, syncs, exports, maintenance) [default: 2].
    #[arg(long, env = "ANALYST_WORKERS", value_parser = clap::value_parser!(u32).range(0..=64))]
    pub workers: Option<u32>,
    /// Hours an export file can be downloaded before the cleanup job removes it [default: 24].
    #[arg(long, env = "ANALYST_EXPORT_KEEP_HOURS", value_parser = clap::value_parser!(u32).range(1..=8760))]
    pub export_keep_hours: Option<u32>,
    /// Exports one user may have queued or running at once [default: 3].
    #[arg(long, env = "ANALYST_MAX_EXPORTS_PER_USER", value_parser = clap::value_parser!(u32).range(1..=100))]
    pub max_exports_per_user: Option<u32>,
    /// Days an undecided proposal waits before it expires [default: 7].
    #[arg(long, env = "ANALYST_PROPOSAL_DAYS", value_parser = clap::value_parser!(u32).range(1..=365))]
    pub proposal_days: Option<u32>,
    /// High-risk proposals need a second approver [default: true].
    #[arg(long, env = "ANALYST_SECOND_APPROVER")]
    pub second_approver: Option<bool>,
    /// Hours a browser session lasts [default: 12].
    #[arg(long, env = "ANALYST_SESSION_HOURS", value_parser = clap::value_parser!(u32).range(1..=720))]
    pub session_hours: Option<u32>,
    /// Days an API token lasts [default: 30].
    #[arg(long, env = "ANALYST_TOKEN_DAYS", value_parser = clap::value_parser!(u32).range(1..=365))]
    pub token_days: Option<u32>,
    /// Mark session cookies Secure (set when users reach the server over HTTPS) [default: false].
    #[arg(long, env = "ANALYST_SECURE_COOKIES")]
    pub secure_cookies: Option<bool>,
    /// Milliseconds between a running job's progress reports (its heartbeat) [default: 2000].
    #[arg(long, hide = true, value_parser = clap::value_parser!(u64).range(10..=60_000))]
    pub job_report_ms: Option<u64>,
}

/// Server settings after layering.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub bind: (String, Origin),
    pub port: (u16, Origin),
    pub chat_per_minute: (u32, Origin),
    pub max_concurrent_queries: (u32, Origin),
    pub workers: (u32, Origin),
    pub export_keep_hours: (u32, Origin),
    pub max_exports_per_user: (u32, Origin),
    pub proposal_days: (u32, Origin),
    pub second_approver: (bool, Origin),
    pub session_hours: (u32, Origin),
    pub token_days: (u32, Origin),
    pub secure_cookies: (bool, Origin),
}

impl ServerConfig {
    pub fn resolve(
        options: &ServerOptions,
        file: &FileConfig,
        matches: Option<&ArgMatches>,
    ) -> ServerConfig {
        ServerConfig {
            bind: pick(
                matches,
                "bind",
                options.bind.clone(),
                file.bind.clone(),
                "127.0.0.1".into(),
            ),
            port: pick(matches, "port", options.port, file.port, 8080),
            chat_per_minute: pick(
                matches,
                "chat_per_minute",
                options.chat_per_minute,
                file.chat_per_minute,
                20,
            ),
            max_concurrent_queries: pick(
                matches,
                "max_concurrent_queries",
                options.max_concurrent_queries,
                file.max_concurrent_queries,
                10,
            ),
            workers: pick(matches, "workers", options.workers, file.workers, 2),
            export_keep_hours: pick(
                matches,
                "export_keep_hours",
                options.export_keep_hours,
                file.export_keep_hours,
                24,
            ),
            max_exports_per_user: pick(
                matches,
                "max_exports_per_user",
                options.max_exports_per_user,
                file.max_exports_per_user,
                3,
            ),
            proposal_days: pick(
                matches,
                "proposal_days",
                options.proposal_days,
                file.proposal_days,
                7,
            ),
            second_approver: pick(
                matches,
                "second_approver",
                options.second_approver,
                file.second_approver,
                true,
            ),
            session_hours: pick(
                matches,
                "session_hours",
                options.session_hours,
                file.session_hours,
                12,
            ),
            token_days: pick(
                matches,
                "token_days",
                options.token_days,
                file.token_days,
                30,
            ),
            secure_cookies: pick(
                matches,
                "secure_cookies",
                options.secure_cookies,
                file.secure_cookies,
                false,
            ),
        }
    }
}

/// How long the audit log keeps entries; `analyst audit prune` takes it, and `analyst config`
/// to show it.
#[derive(Debug, Clone, Args)]
pub struct RetentionOptions {
    /// Days audit entries are kept; `analyst audit prune` removes older ones [default: 365].
    #[arg(long, env = "ANALYST_AUDIT_RETENTION_DAYS", value_parser = clap::value_parser!(u32).range(1..))]
    pub audit_retention_days: Option<u32>,
}

impl RetentionOptions {
    /// The retention in days after layering, and where it came from.
    pub fn resolve(
        &self,
        file: &FileConfig,
        matches: Option<&ArgMatches>,
    ) -> anyhow::Result<(u32, Origin)> {
        if file.audit_retention_days == Some(0) {
            anyhow::bail!("analyst.toml: audit_retention_days must be at least 1");
        }
        Ok(pick(
            matches,
            "audit_retention_days",
            self.audit_retention_days,
            file.audit_retention_days,
            analyst_accounts::DEFAULT_RETENTION_DAYS,
        ))
    }
}

/// How sales files are received and loaded: `serve` (uploads) and `analyst import` take them.
#[derive(Debug, Clone, Args)]
pub struct ImportConfigOptions {
    /// The largest sales file accepted, in MB [default: 512].
    #[arg(long, env = "ANALYST_UPLOAD_MAX_MB", value_parser = clap::value_parser!(u32).range(1..=16_384))]
    pub upload_max_mb: Option<u32>,
    /// Load nothing from a file when any of its rows has an error [default: false].
    #[arg(long, env = "ANALYST_IMPORT_ERRORS_BLOCK")]
    pub import_errors_block: Option<bool>,
    /// Create the products, stores and customers a file names that the store does not know
    /// [default: true for a business whose only catalogue is its files, false once an Odoo
    /// connection is configured (the ERP is then the master of the catalogue)].
    #[arg(long, env = "ANALYST_IMPORT_CREATE_UNKNOWN")]
    pub import_create_unknown: Option<bool>,
    /// Days an uploaded file and its staged rows are kept after its import ended; the nightly
    /// upload_cleanup job removes them then (what they loaded stays) [default: 90].
    #[arg(long, env = "ANALYST_UPLOAD_KEEP_DAYS", value_parser = clap::value_parser!(u32).range(1..=36_500))]
    pub upload_keep_days: Option<u32>,
}

/// Import settings after layering.
#[derive(Debug, Clone)]
pub struct ImportConfig {
    pub upload_max_mb: (u32, Origin),
    pub errors_block: (bool, Origin),
    /// `None`: decided at each import, by whether Odoo is connected.
    pub create_unknown: (Option<bool>, Origin),
    pub keep_days: (u32, Origin),
}

impl ImportConfigOptions {
    pub fn resolve(&self, file: &FileConfig, matches: Option<&ArgMatches>) -> ImportConfig {
        ImportConfig {
            upload_max_mb: pick(
                matches,
                "upload_max_mb",
                self.upload_max_mb,
                file.upload_max_mb,
                512,
            ),
            errors_block: pick(
                matches,
                "import_errors_block",
                self.import_errors_block,
                file.import_errors_block,
                false,
            ),
            create_unknown: pick(
                matches,
                "import_create_unknown",
                self.import_create_unknown.map(Some),
                file.import_create_unknown.map(Some),
                None,
            ),
            keep_days: pick(
                matches,
                "upload_keep_days",
                self.upload_keep_days,
                file.upload_keep_days,
                analyst_uploads::DEFAULT_KEEP_DAYS,
            ),
        }
    }
}

impl ImportConfig {
    /// The uploads' settings, with files kept under `data_dir`.
    pub fn settings(&self, data_dir: &Path) -> analyst_uploads::UploadSettings {
        analyst_uploads::UploadSettings {
            max_file_bytes: u64::from(self.upload_max_mb.0) * 1024 * 1024,
            errors_block: self.errors_block.0,
            create_unknown: self.create_unknown.0,
            keep_days: self.keep_days.0,
            ..analyst_uploads::UploadSettings::new(data_dir)
        }
    }
}

/// How AI costs are compared with daily AI cost limits: `serve` and `ask` take it.
#[derive(Debug, Clone, Args)]
pub struct LlmConfigOptions {
    /// Baht per US dollar: a cost priced in one currency is compared with a daily AI cost
    /// limit in the other at this rate [default: 36.0].
    #[arg(long, env = "ANALYST_THB_PER_USD")]
    pub thb_per_usd: Option<f64>,
}

impl LlmConfigOptions {
    /// The rate after layering, and where it came from; it must be a positive number.
    pub fn resolve(
        &self,
        file: &FileConfig,
        matches: Option<&ArgMatches>,
    ) -> anyhow::Result<(analyst_llm::ExchangeRate, Origin)> {
        let (thb_per_usd, origin) = pick(
            matches,
            "thb_per_usd",
            self.thb_per_usd,
            file.thb_per_usd,
            analyst_llm::DEFAULT_THB_PER_USD,
        );
        let rate = analyst_llm::ExchangeRate::thb_per_usd(thb_per_usd)
            .map_err(|error| anyhow::anyhow!("{error} (given by: {origin})"))?;
        Ok((rate, origin))
    }
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(flatten)]
    server: ServerOptions,
    #[command(flatten)]
    retention: RetentionOptions,
    #[command(flatten)]
    import: ImportConfigOptions,
    #[command(flatten)]
    llm: LlmConfigOptions,
}

pub fn run(settings: &super::Settings, args: ConfigArgs) -> anyhow::Result<ExitCode> {
    let server = ServerConfig::resolve(&args.server, &settings.file, settings.subcommand_matches());
    let retention = args
        .retention
        .resolve(&settings.file, settings.subcommand_matches())?;
    let import = args
        .import
        .resolve(&settings.file, settings.subcommand_matches());
    let (exchange_rate, rate_origin) = args
        .llm
        .resolve(&settings.file, settings.subcommand_matches())?;
    let mut grid = super::render::new_grid(["setting", "value", "from"].map(String::from));
    fn shown<T: ToString>(setting: &(T, Origin)) -> (String, Origin) {
        (setting.0.to_string(), setting.1)
    }
    let rows = [
        ("store", settings.store_description.clone()),
        ("today", shown(&(settings.today, settings.today_origin))),
        ("bind", shown(&server.bind)),
        ("port", shown(&server.port)),
        ("chat_per_minute", shown(&server.chat_per_minute)),
        (
            "max_concurrent_queries",
            shown(&server.max_concurrent_queries),
        ),
        ("workers", shown(&server.workers)),
        ("export_keep_hours", shown(&server.export_keep_hours)),
        ("max_exports_per_user", shown(&server.max_exports_per_user)),
        ("proposal_days", shown(&server.proposal_days)),
        ("second_approver", shown(&server.second_approver)),
        ("session_hours", shown(&server.session_hours)),
        ("token_days", shown(&server.token_days)),
        ("secure_cookies", shown(&server.secure_cookies)),
        ("audit_retention_days", shown(&retention)),
        ("upload_max_mb", shown(&import.upload_max_mb)),
        ("import_errors_block", shown(&import.errors_block)),
        (
            "import_create_unknown",
            (
                import.create_unknown.0.map_or_else(
                    || "true unless Odoo is connected".to_string(),
                    |create| create.to_string(),
                ),
                import.create_unknown.1,
            ),
        ),
        ("upload_keep_days", shown(&import.keep_days)),
        ("thb_per_usd", shown(&(exchange_rate.value(), rate_origin))),
    ];
    for (name, (value, origin)) in rows {
        grid.add_row([name.to_string(), value, origin.to_string()]);
    }
    println!("{grid}");
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_are_taken_in_order() {
        assert_eq!(pick(None, "x", Some(1), Some(2), 3), (1, Origin::Flag));
        assert_eq!(pick(None, "x", None, Some(2), 3), (2, Origin::File));
        assert_eq!(pick(None, "x", None::<i32>, None, 3), (3, Origin::Default));
    }

    #[test]
    fn the_exchange_rate_defaults_to_36_baht_and_must_be_positive() {
        let options = LlmConfigOptions { thb_per_usd: None };
        let (rate, origin) = options.resolve(&FileConfig::default(), None).unwrap();
        assert_eq!((rate.value(), origin), (36.0, Origin::Default));
        let file: FileConfig = toml::from_str("thb_per_usd = 34.25").unwrap();
        let (rate, origin) = options.resolve(&file, None).unwrap();
        assert_eq!((rate.value(), origin), (34.25, Origin::File));
        let file: FileConfig = toml::from_str("thb_per_usd = 0.0").unwrap();
        let refused = options.resolve(&file, None).unwrap_err().to_string();
        assert!(
            refused.contains("positive number") && refused.contains("analyst.toml"),
            "{refused}"
        );
    }

    #[test]
    fn the_file_refuses_unknown_keys() {
        let error = toml::from_str::<FileConfig>("prot = 80").unwrap_err();
        assert!(error.message().contains("unknown field"), "{error}");
        let config: FileConfig = toml::from_str("port = 9000\nbind = \"0.0.0.0\"").unwrap();
        assert_eq!(config.port, Some(9000));
    }
}
