//! Configuration: command-line flags, each with an environment variable, and an optional
//! TOML file whose values apply only where neither flag nor variable is set.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "server",
    version,
    about = "Servscope: measure service quality in stores"
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Args, Debug, Clone)]
pub struct Config {
    /// Database to use: `sqlite://PATH` or `postgres://USER:PASS@HOST/DB`.
    /// Default: an SQLite file `servscope.db` in the data folder.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// Address and port to listen on.
    #[arg(
        long,
        env = "SERVSCOPE_BIND",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub bind: SocketAddr,

    /// Folder for the SQLite database and other local data; created if missing.
    #[arg(
        long,
        env = "SERVSCOPE_DATA_DIR",
        default_value = "data",
        global = true
    )]
    pub data_dir: PathBuf,

    /// Log filter, e.g. `info` or `server=debug,tower_http=debug`.
    #[arg(long, env = "SERVSCOPE_LOG", default_value = "info", global = true)]
    pub log: String,

    /// Mark cookies Secure (HTTPS only). Turn on whenever the app is served over TLS.
    #[arg(long, env = "SERVSCOPE_SECURE_COOKIES", action = ArgAction::Set, default_value_t = false, global = true)]
    pub secure_cookies: bool,

    /// Folder with the built site (pkg/, favicon...); made by `./dev build`.
    #[arg(
        long,
        env = "SERVSCOPE_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: PathBuf,

    /// Sign-in attempts allowed per username per minute (five times this per address).
    #[arg(
        long,
        env = "SERVSCOPE_LOGIN_RATE",
        default_value_t = 10,
        global = true
    )]
    pub login_attempts_per_minute: u32,

    /// Refuse to send one shopper to one store again within this many days (staff would
    /// start to recognise them).
    #[arg(
        long,
        env = "SERVSCOPE_REVISIT_DAYS",
        default_value_t = 30,
        global = true
    )]
    pub revisit_days: u32,

    /// A mystery visit counts when it finished inside its assignment's window, or at most
    /// this many hours before or after it (notes finished after midnight, clocks a little off).
    #[arg(
        long,
        env = "SERVSCOPE_ASSIGNMENT_GRACE_HOURS",
        default_value_t = 24,
        global = true
    )]
    pub assignment_grace_hours: u32,

    /// The address customers reach, printed into survey QR codes (for example
    /// https://survey.example.com). Default: the address each request came to.
    #[arg(long, env = "SERVSCOPE_PUBLIC_URL", global = true, value_parser = public_url)]
    pub public_url: Option<String>,

    /// One answer per phone and store to the customer survey within this many hours; a
    /// second one is thanked and not stored.
    #[arg(
        long,
        env = "SERVSCOPE_SURVEY_REPEAT_HOURS",
        default_value_t = 24,
        global = true
    )]
    pub survey_repeat_hours: u32,

    /// Customer survey answers accepted per network address per hour (a store's guest
    /// Wi-Fi puts many customers behind one address).
    #[arg(
        long,
        env = "SERVSCOPE_SURVEY_RATE_ADDRESS",
        default_value_t = 60,
        global = true
    )]
    pub survey_posts_per_hour_per_address: u32,

    /// Customer survey answers accepted per phone per hour (corrected mistakes included).
    #[arg(
        long,
        env = "SERVSCOPE_SURVEY_RATE_DEVICE",
        default_value_t = 10,
        global = true
    )]
    pub survey_posts_per_hour_per_device: u32,

    /// Staff link PIN attempts per network address per quarter hour (per store and hour: four
    /// times this). Raise it when a whole team enters the PIN on the store's one Wi-Fi.
    #[arg(
        long,
        env = "SERVSCOPE_STAFF_PIN_RATE",
        default_value_t = 5,
        global = true
    )]
    pub staff_pin_attempts_per_quarter_hour: u32,

    /// Reverse proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For is
    /// believed, so rate limits count clients, not the proxy. Empty: nothing is believed.
    #[arg(
        long,
        env = "SERVSCOPE_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_parser = proxy_range,
        global = true
    )]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// Megabytes of photos one shopper may send in 24 hours.
    #[arg(
        long,
        env = "SERVSCOPE_PHOTO_QUOTA_MB",
        default_value_t = 200,
        global = true
    )]
    pub photo_quota_mb_per_day: u32,

    /// Days after which unfinished photo uploads, and photos no response shows, are deleted.
    #[arg(
        long,
        env = "SERVSCOPE_PHOTO_CLEANUP_DAYS",
        default_value_t = 7,
        global = true
    )]
    pub photo_cleanup_days: u32,

    /// Load the demo organisation, users and responses when the database is empty.
    #[arg(long, env = "SERVSCOPE_DEMO", action = ArgAction::Set, default_value_t = false, global = true)]
    pub demo: bool,

    /// Optional TOML file with any of the settings above (keys as the long flag names,
    /// with underscores). Flags and environment variables win over the file.
    #[arg(long, env = "SERVSCOPE_CONFIG", global = true)]
    pub config: Option<PathBuf>,
}

/// An address (`10.0.0.7`) or a range (`10.0.0.0/8`, `fd00::/8`).
fn proxy_range(s: &str) -> Result<ipnet::IpNet, String> {
    let s = s.trim();
    s.parse::<ipnet::IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("{s:?} is neither an address nor a CIDR range"))
}

/// An absolute http(s) address without query or fragment; printed into QR codes, so a typo
/// must stop the start, not end up on posters.
fn public_url(s: &str) -> Result<String, String> {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .ok_or("must start with https:// or http://")?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || s.contains(['?', '#', ' ']) {
        return Err("must be an address like https://survey.example.com".into());
    }
    Ok(s.trim_end_matches('/').to_string())
}

impl Config {
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("servscope.db").display()
            )
        })
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web server (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage user accounts.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// Import and export survey templates (JSON).
    Templates {
        #[command(subcommand)]
        command: TemplatesCommand,
    },
    /// Manage API tokens for integrations.
    Tokens {
        #[command(subcommand)]
        command: TokensCommand,
    },
    /// Store settings.
    Stores {
        #[command(subcommand)]
        command: StoresCommand,
    },
    /// Load the demo data set into an empty database.
    Demo,
    /// Generate a synthetic data set into an empty database, for benchmarks: stores in
    /// regions of 100, responses spread over the last weeks, the weekly figures rebuilt.
    /// Accounts synth.admin, synth.regional, synth.manager (password synthetic-data).
    Synth {
        #[arg(long, default_value_t = 5000)]
        stores: usize,
        #[arg(long, default_value_t = 1_000_000)]
        responses: usize,
        #[arg(long, default_value_t = 52)]
        weeks: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// The weekly figures behind scorecards (kept up to date as responses arrive).
    Figures {
        #[command(subcommand)]
        command: FiguresCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum FiguresCommand {
    /// Recompute every weekly figure from the raw responses (after a restore, or to check).
    Rebuild,
}

#[derive(Subcommand, Debug)]
pub enum StoresCommand {
    /// Set a store's opening hours in its local time, per weekday ("Mon-Fri 08:00-22:00; Sat
    /// 10:00-18:00; Sun closed"; one range without days is every day; 18:00-02:00 passes
    /// midnight), or "none". Customer answers sent while it is closed are flagged. The admin
    /// page `/admin/stores` does the same (and keeps the change in the audit log).
    Hours { store: String, hours: String },
    /// Set the store's name in Simplified Chinese and in Russian (shown to those who read the
    /// app, the survey and the poster in that language); "" removes one.
    Names {
        store: String,
        #[arg(long = "zh-cn")]
        zh_cn: Option<String>,
        #[arg(long)]
        ru: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum UsersCommand {
    /// Create a user. The password is read from SERVSCOPE_PASSWORD or, if unset, from stdin.
    Add {
        #[arg(long)]
        username: String,
        /// admin, regional_manager, store_manager, shopper or employee.
        #[arg(long)]
        role: String,
        /// Name shown in the interface (default: the username).
        #[arg(long)]
        name: Option<String>,
        /// Region a regional manager oversees (repeatable).
        #[arg(long = "region")]
        regions: Vec<String>,
        /// Store code a store manager runs or an employee works at (repeatable; one for employees).
        #[arg(long = "store")]
        stores: Vec<String>,
    },
    /// List users with role, scope and whether they are active.
    List,
    /// Deactivate a user: they cannot sign in, their sessions end, their API tokens are revoked.
    Deactivate { username: String },
    /// Let a deactivated user sign in again (tokens stay revoked; make new ones).
    Activate { username: String },
    /// Set a user's password (from SERVSCOPE_PASSWORD or stdin); ends all their sessions.
    SetPassword { username: String },
}

#[derive(Subcommand, Debug)]
pub enum TemplatesCommand {
    /// Check and publish template files; a changed template becomes a new version.
    Import { files: Vec<PathBuf> },
    /// Print the newest version of every template as a JSON array.
    Export,
}

#[derive(Subcommand, Debug)]
pub enum TokensCommand {
    /// Create a token acting as USER and print it once.
    Create {
        #[arg(long)]
        user: String,
        #[arg(long)]
        name: String,
        /// Days until the token stops working (default: until revoked).
        #[arg(long)]
        expires_days: Option<u32>,
        /// What it may do: read (GET only), submit (read, and send responses and photos) or
        /// admin (everything the user may).
        #[arg(long, default_value = "admin")]
        scope: String,
    },
    /// Revoke a token by id.
    Revoke { id: i64 },
    /// List tokens (never the secrets).
    List,
}

const FILE_KEYS: [(&str, &str); 18] = [
    ("database_url", "DATABASE_URL"),
    ("bind", "SERVSCOPE_BIND"),
    ("data_dir", "SERVSCOPE_DATA_DIR"),
    ("log", "SERVSCOPE_LOG"),
    ("secure_cookies", "SERVSCOPE_SECURE_COOKIES"),
    ("site_root", "SERVSCOPE_SITE_ROOT"),
    ("login_attempts_per_minute", "SERVSCOPE_LOGIN_RATE"),
    ("revisit_days", "SERVSCOPE_REVISIT_DAYS"),
    ("assignment_grace_hours", "SERVSCOPE_ASSIGNMENT_GRACE_HOURS"),
    ("public_url", "SERVSCOPE_PUBLIC_URL"),
    ("survey_repeat_hours", "SERVSCOPE_SURVEY_REPEAT_HOURS"),
    (
        "survey_posts_per_hour_per_address",
        "SERVSCOPE_SURVEY_RATE_ADDRESS",
    ),
    (
        "survey_posts_per_hour_per_device",
        "SERVSCOPE_SURVEY_RATE_DEVICE",
    ),
    (
        "staff_pin_attempts_per_quarter_hour",
        "SERVSCOPE_STAFF_PIN_RATE",
    ),
    ("trusted_proxies", "SERVSCOPE_TRUSTED_PROXIES"),
    ("photo_quota_mb_per_day", "SERVSCOPE_PHOTO_QUOTA_MB"),
    ("photo_cleanup_days", "SERVSCOPE_PHOTO_CLEANUP_DAYS"),
    ("demo", "SERVSCOPE_DEMO"),
];

/// Apply the optional config file by filling in environment variables that are not set.
/// Must run before any thread starts (it changes the process environment).
pub fn apply_config_file(args: &[String]) -> Result<(), String> {
    let from_args = args
        .iter()
        .position(|a| a == "--config")
        .and_then(|i| args.get(i + 1))
        .cloned()
        .or_else(|| {
            args.iter()
                .find_map(|a| a.strip_prefix("--config=").map(str::to_string))
        });
    let Some(path) = from_args.or_else(|| std::env::var("SERVSCOPE_CONFIG").ok()) else {
        return Ok(());
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read config file {path}: {e}"))?;
    let table: toml::Table = text
        .parse()
        .map_err(|e| format!("config file {path}: {e}"))?;
    for (key, value) in &table {
        let Some((_, var)) = FILE_KEYS.iter().find(|(k, _)| k == key) else {
            return Err(format!("config file {path}: unknown setting \"{key}\""));
        };
        if std::env::var_os(var).is_none() {
            let text = match value {
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            std::env::set_var(var, text);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_address_must_be_an_absolute_http_url() {
        assert_eq!(
            public_url("https://survey.example.com/").as_deref(),
            Ok("https://survey.example.com")
        );
        assert_eq!(
            public_url("http://10.0.0.5:3000/servscope").as_deref(),
            Ok("http://10.0.0.5:3000/servscope")
        );
        assert!(public_url("survey.example.com").is_err());
        assert!(public_url("https://").is_err());
        assert!(public_url("https://x.example/?a=1").is_err());
    }
}
