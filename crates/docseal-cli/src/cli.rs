//! The command-line contract of docs/FORMAT.md.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};

/// How this build verifies: the crate version, then the ES256 backend and the Ed25519 build.
fn version_text() -> &'static str {
    static TEXT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let ed25519 = if cfg!(curve25519_dalek_backend = "avx512") {
            "curve25519-dalek avx512 backend cfg (IFMA chosen at run time where the CPU has it)"
        } else {
            "curve25519-dalek default backends"
        };
        format!("{} (ES256: {}; Ed25519: {ed25519})", env!("CARGO_PKG_VERSION"), docseal::ES256_BACKEND)
    });
    TEXT.as_str()
}

/// Exit codes, shown under every command's help.
const EXIT_CODES: &str = "Exit codes: 0 valid and usable, every question answered yes (or the command did \
what was asked), 1 refused (the JSON or the text names the kind; a genuine credential its own rules \
forbid is kind not-usable, 0 with --accept-not-usable), 2 a usage, setup or I/O error, each message \
saying what to fix (a missing --status among them). NO_COLOR is honoured.";

/// Issue and verify tamper-proof electronic identity documents as signed QR codes, offline.
#[derive(Debug, Parser)]
#[command(name = "docseal", version = version_text(), about, after_help = EXIT_CODES)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Print a valid sample document as JSON.
    Example {
        /// Which document.
        document: DocumentKind,
    },
    /// Generate a signing key: PKCS#8 PEM (mode 0600) and optionally its SPKI PEM public key.
    Keygen(KeygenArgs),
    /// Sign a document and print its `DS1:` payload; optionally write the QR image.
    Issue(IssueArgs),
    /// Verify payloads against an offline trust list, or the codes in photos (`--image`).
    #[command(after_help = EXIT_CODES)]
    Verify(VerifyArgs),
    /// Draw a payload's pages (licence front and back, passport data page, pass) as PNG, SVG
    /// or PDF: only once it verified, or watermarked UNVERIFIED with `--unverified`.
    Render(RenderArgs),
    /// Decode a payload without verifying it (output marked unverified).
    Inspect {
        /// The payload, or `-` (default) for standard input.
        payload: Option<String>,
    },
    /// Build, change, show and sign status lists (revoked, suspended, used).
    #[command(subcommand)]
    Status(StatusCommand),
    /// Sign a trust list with the trust anchor's key, or show one.
    #[command(subcommand)]
    Trust(TrustCommand),
    /// The issuer's registry: every credential issued, document status, published status lists.
    Registry(RegistryArgs),
    /// Serve verification over HTTP for relying parties' back ends (POST /v1/verify,
    /// /v1/verify/batch, /v1/verify/image; GET /v1/health, /v1/trust, /metrics).
    Serve(ServeArgs),
    /// Issue, render and verify a sample licence, then show a tampered copy refused.
    Demo {
        /// Where to write the demo's QR image (default: the system's temp directory).
        #[arg(long)]
        qr: Option<PathBuf>,
    },
    /// Print a shell completion script (e.g. `docseal completions bash > /etc/bash_completion.d/docseal`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `docseal man > docseal.1`.
    Man,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DocumentKind {
    /// Electronic passport copy (ICAO 9303 data page and MRZ).
    Passport,
    /// Electronic driving licence (front and back page).
    Licence,
    /// Electronic temporary pass (7 days, air and rail travel).
    TempPass,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum AlgArg {
    /// EdDSA over Ed25519.
    Ed25519,
    /// ECDSA P-256 with SHA-256.
    Es256,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SymbolArg {
    /// QR code (error correction M).
    Qr,
    /// DataMatrix ECC 200.
    Datamatrix,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PageFormat {
    /// PNG raster (`--scale` times 1000x640 pixels).
    Png,
    /// SVG with the text as outlines: needs no font.
    Svg,
    /// PDF, one file per page.
    Pdf,
}

/// `docseal render`.
#[derive(Debug, Args)]
pub(crate) struct RenderArgs {
    /// The payload, or `-` (default) for standard input.
    pub(crate) payload: Option<String>,
    /// The trust list: JSON, or signed with `--trust-anchor`. Required unless `--unverified`.
    #[arg(long, required_unless_present = "unverified")]
    pub(crate) trust: Option<PathBuf>,
    /// The pinned trust anchor's public key (SPKI PEM), for a signed `--trust`.
    #[arg(long)]
    pub(crate) trust_anchor: Option<PathBuf>,
    /// Status List Tokens (files or folders) to check the credential against: a suspended
    /// document is drawn with a red NOT USABLE band.
    #[arg(long = "status", value_name = "FILE|DIR")]
    pub(crate) status: Vec<PathBuf>,
    /// Verification time (RFC 3339); default now.
    #[arg(long, value_parser = parse_time)]
    pub(crate) at: Option<DateTime<Utc>>,
    /// The folder to write the pages to (created if missing).
    #[arg(long, value_name = "DIR")]
    pub(crate) out_dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "png")]
    pub(crate) format: PageFormat,
    /// PNG pixels per page unit (the page is 1000x640 units).
    #[arg(long, default_value_t = 2.0)]
    pub(crate) scale: f32,
    /// The 2D symbol drawn on the pages.
    #[arg(long, value_enum, default_value = "qr")]
    pub(crate) symbol: SymbolArg,
    /// The holder's portrait (PNG or JPEG): drawn only if its SHA-256 is the signed
    /// `portrait_sha256`.
    #[arg(long, value_name = "FILE")]
    pub(crate) portrait: Option<PathBuf>,
    /// Draw a payload that did not verify (or without a trust list), watermarked UNVERIFIED.
    #[arg(long)]
    pub(crate) unverified: bool,
    /// Replace existing page files.
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum EccArg {
    L,
    M,
    Q,
    H,
}

/// A key inside a PKCS#11 token (an HSM; SoftHSM2 for tests). The user PIN comes from the
/// `DOCSEAL_PKCS11_PIN` environment variable or, on a terminal, a prompt; never an argument.
#[derive(Debug, Clone, Args)]
pub(crate) struct Pkcs11Args {
    /// The token's PKCS#11 module (for SoftHSM2: /usr/lib/softhsm/libsofthsm2.so).
    #[arg(long, requires_all = ["pkcs11_token", "pkcs11_key"])]
    pub(crate) pkcs11_module: Option<PathBuf>,
    /// The token's label.
    #[arg(long, requires = "pkcs11_module")]
    pub(crate) pkcs11_token: Option<String>,
    /// The key's label on the token (its private and public key objects share it).
    #[arg(long, requires = "pkcs11_module")]
    pub(crate) pkcs11_key: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct KeygenArgs {
    /// Signature algorithm.
    #[arg(long, value_enum)]
    pub(crate) alg: AlgArg,
    /// Private key file to write (PKCS#8 PEM, mode 0600); with `--pkcs11-*` the key is
    /// generated inside the token instead and never leaves it.
    #[arg(long, required_unless_present = "pkcs11_module", conflicts_with = "pkcs11_module")]
    pub(crate) out: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) pkcs11: Pkcs11Args,
    /// Public key file to write (SPKI PEM), for trust lists.
    #[arg(long = "pub")]
    pub(crate) public: Option<PathBuf>,
    /// Replace existing files.
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Debug, Args)]
pub(crate) struct IssueArgs {
    /// Which document.
    pub(crate) document: DocumentKind,
    /// The document as JSON (docs/FORMAT.md section 4), or `-` for standard input. A
    /// `"portrait": "FILE"` member (relative to the JSON's folder) names the holder's photo:
    /// its SHA-256 is signed as `portrait_sha256` and `--card` draws it.
    #[arg(long)]
    pub(crate) data: PathBuf,
    /// The issuer's private key (PKCS#8 PEM), or `--pkcs11-*` for a key in a token.
    #[arg(long, required_unless_present = "pkcs11_module", conflicts_with = "pkcs11_module")]
    pub(crate) key: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) pkcs11: Pkcs11Args,
    /// The issuer name, written as the `iss` claim.
    #[arg(long)]
    pub(crate) issuer: String,
    /// Lifetime of the copy, e.g. `30d`, `12h` (capped by the document's own validity).
    #[arg(long, value_parser = parse_duration)]
    pub(crate) valid_for: Option<Duration>,
    /// Generation time (RFC 3339); default now.
    #[arg(long, value_parser = parse_time)]
    pub(crate) at: Option<DateTime<Utc>>,
    /// Write the QR code to this file (`.png` or `.svg`).
    #[arg(long)]
    pub(crate) qr: Option<PathBuf>,
    /// QR error-correction level.
    #[arg(long, value_enum, default_value = "m")]
    pub(crate) ecc: EccArg,
    /// Replace an existing QR file (and card pages).
    #[arg(long)]
    pub(crate) force: bool,
    /// Also draw the document's pages into this folder: PNG and SVG of each (front and back
    /// of a licence, data-page of a passport, pass), verified against the issuer's own key.
    #[arg(long, value_name = "DIR")]
    pub(crate) card: Option<PathBuf>,
    /// The 2D symbol on the card pages.
    #[arg(long, value_enum, default_value = "qr", requires = "card")]
    pub(crate) symbol: SymbolArg,
    #[command(flatten)]
    pub(crate) registry: RegistryLocation,
    /// Issue without recording (throwaway credentials): no pass limit across runs, no
    /// status entry unless `--status-uri` gives one.
    #[arg(long, conflicts_with = "registry")]
    pub(crate) no_registry: bool,
    /// With `--no-registry`: the status list this document's entry is in (its URI, the list
    /// token's `sub`). The registry allocates entries itself.
    #[arg(long, requires_all = ["status_index", "no_registry"])]
    pub(crate) status_uri: Option<String>,
    /// With `--no-registry`: the document's index in that list (keep it across refreshed copies).
    #[arg(long, requires = "status_uri")]
    pub(crate) status_index: Option<u64>,
}

/// Where the registry is: a SQLite file (created on first use) or a PostgreSQL URL.
#[derive(Debug, Clone, Args)]
pub(crate) struct RegistryLocation {
    /// The registry: a SQLite file, or `postgres://user@host/db`; default `$DOCSEAL_REGISTRY`,
    /// else `docseal.db` in the working directory.
    #[arg(long = "registry", value_name = "PATH|URL")]
    pub(crate) registry: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct RegistryArgs {
    #[command(flatten)]
    pub(crate) location: RegistryLocation,
    #[command(subcommand)]
    pub(crate) command: RegistryCommand,
}

/// A recorded document: by one of its credential ids, or by type and number.
#[derive(Debug, Clone, Args)]
pub(crate) struct DocumentArg {
    /// A credential id (32 hex digits, `credential_id` in `verify --json`), or a document
    /// type (`licence`, `passport`, `temp-pass`) followed by the document number.
    #[arg(num_args = 1..=2, required = true, value_name = "CTI | TYPE NUMBER")]
    pub(crate) target: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum RegistryCommand {
    /// Create the registry with its status-list settings (`issue` creates one with defaults).
    Init {
        /// The status lists' URI base: lists are BASE/1, BASE/2, ...
        #[arg(long)]
        status_base: Option<String>,
        /// Entries per status list.
        #[arg(long, default_value_t = docseal_registry::DEFAULT_LIST_SIZE)]
        list_size: u64,
    },
    /// The most recently issued credentials, newest first (or every copy of one document).
    List {
        /// How many.
        #[arg(long, default_value = "20")]
        limit: u32,
        /// Only this document: its type and number.
        #[arg(long, num_args = 2, value_names = ["TYPE", "NUMBER"])]
        document: Option<Vec<String>>,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// One credential, by id, as JSON.
    Show {
        /// The credential id (32 hex digits).
        cti: String,
    },
    /// Revoke a document for good (status INVALID): every copy is refused.
    Revoke(DocumentArg),
    /// Suspend a document (status SUSPENDED): refused until reinstated.
    Suspend(DocumentArg),
    /// Reinstate a suspended document (status VALID).
    Reinstate(DocumentArg),
    /// Mark a one-time temporary pass as used (presented at a border).
    MarkUsed(DocumentArg),
    /// Sign every status list into DIR (one `.cwt` token per list) with `index.json` beside them.
    Publish {
        /// The status-list signing key (PKCS#8 PEM); its trust entry needs `status-list`.
        #[arg(long)]
        key: PathBuf,
        /// Where to write the tokens and the index.
        #[arg(long)]
        out_dir: PathBuf,
        /// How long relying parties may use the tokens (their `exp`).
        #[arg(long, value_parser = parse_duration, default_value = "7d")]
        valid_for: Duration,
        /// Signing time (RFC 3339); default now.
        #[arg(long, value_parser = parse_time)]
        at: Option<DateTime<Utc>>,
    },
    /// Counts: documents by type and status, credentials, status-list entries.
    Stats,
}

#[derive(Debug, Subcommand)]
pub(crate) enum StatusCommand {
    /// Start a list with every entry VALID, as a working file (JSON: uri, bits, lst).
    New {
        /// The list's URI: credentials name it, its tokens carry it as `sub`.
        #[arg(long)]
        uri: String,
        /// Bits per entry: 1 (valid/invalid) or 2 (also suspended, used), 4 or 8.
        #[arg(long, default_value = "2")]
        bits: u64,
        /// How many entries.
        #[arg(long)]
        size: u64,
        /// The working file to write.
        #[arg(long)]
        out: PathBuf,
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Set one entry: valid, invalid (revoked), suspended, used, or a number.
    Set {
        /// The working file.
        file: PathBuf,
        /// The entry.
        #[arg(long)]
        index: u64,
        /// The new status.
        #[arg(long = "to")]
        status: String,
    },
    /// Show a working file or a signed token: URI, size, counts by status, or one entry.
    Show {
        /// The working file (JSON) or token (CBOR).
        file: PathBuf,
        /// Show only this entry.
        #[arg(long)]
        index: Option<u64>,
    },
    /// Sign the working file as a Status List Token (raw CBOR, `application/statuslist+cwt`).
    Sign {
        /// The working file.
        file: PathBuf,
        /// The status list signing key (PKCS#8 PEM); its trust entry needs `status-list`.
        #[arg(long)]
        key: PathBuf,
        /// The token to write.
        #[arg(long)]
        out: PathBuf,
        /// How long relying parties may use the token (its `exp`).
        #[arg(long, value_parser = parse_duration, default_value = "7d")]
        valid_for: Duration,
        /// How long they may cache it before fetching again (`ttl`).
        #[arg(long, value_parser = parse_duration, default_value = "1d")]
        ttl: Duration,
        /// Signing time (RFC 3339); default now.
        #[arg(long, value_parser = parse_time)]
        at: Option<DateTime<Utc>>,
        /// Replace an existing token file.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum TrustCommand {
    /// Sign a JSON trust list into a signed one (COSE_Sign1 over CBOR, docs/FORMAT.md section 9).
    Sign {
        /// The trust anchor's private key (PKCS#8 PEM).
        #[arg(long)]
        anchor_key: PathBuf,
        /// The JSON trust list.
        #[arg(long = "in")]
        input: PathBuf,
        /// The signed list to write.
        #[arg(long)]
        out: PathBuf,
        /// Who publishes the list.
        #[arg(long)]
        provider: String,
        /// The list's number: higher than every list published before.
        #[arg(long)]
        sequence: u64,
        /// When the next list is due (relying parties refuse this one after).
        #[arg(long, value_parser = parse_duration, default_value = "30d")]
        valid_for: Duration,
        /// Issue time (RFC 3339); default now.
        #[arg(long, value_parser = parse_time)]
        at: Option<DateTime<Utc>>,
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Show a trust list (JSON, or signed: checked against `--trust-anchor`).
    Show {
        /// The list.
        file: PathBuf,
        /// The pinned anchor's public key (SPKI PEM), for a signed list.
        #[arg(long)]
        trust_anchor: Option<PathBuf>,
        /// Time to judge a signed list's next update at (RFC 3339); default now.
        #[arg(long, value_parser = parse_time)]
        at: Option<DateTime<Utc>>,
    },
}

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The trust list: JSON (docs/TRUST-LIST.md), or signed with `--trust-anchor`.
    #[arg(long, env = "DOCSEAL_TRUST")]
    pub(crate) trust: PathBuf,
    /// The pinned trust anchor's public key (SPKI PEM): `--trust` is then a signed list,
    /// refused unless this key signed it.
    #[arg(long, env = "DOCSEAL_TRUST_ANCHOR")]
    pub(crate) trust_anchor: Option<PathBuf>,
    /// The highest signed-list sequence this desk accepted before: a lower one is a rollback.
    #[arg(long, requires = "trust_anchor")]
    pub(crate) trust_sequence: Option<u64>,
    /// Accept a signed list past its next update (with a warning) instead of refusing it.
    #[arg(long, requires = "trust_anchor")]
    pub(crate) accept_overdue_trust: bool,
    /// Exit 0 for a genuine, valid credential that its own rules forbid (points, status
    /// letters, a pass outside its days): for a relying party that checks authenticity only,
    /// such as an archive. Without it such a credential exits 1 (kind `not-usable`).
    #[arg(long)]
    pub(crate) accept_not_usable: bool,
    /// A Status List Token (raw CBOR) to check credentials against, or a folder of them
    /// (every `.cwt` in it, as `registry publish` writes); repeat for several.
    #[arg(long = "status", value_name = "FILE|DIR", env = "DOCSEAL_STATUS", value_delimiter = ':')]
    pub(crate) status: Vec<PathBuf>,
    /// Refuse status lists signed longer ago than this (e.g. `2d`).
    #[arg(long, value_parser = parse_duration)]
    pub(crate) max_status_age: Option<Duration>,
    /// Accept credentials naming a status list none of `--status` holds (reported as
    /// not checked) instead of refusing them with kind `status`.
    #[arg(long)]
    pub(crate) allow_unchecked_status: bool,
    /// Verification time (RFC 3339); default now.
    #[arg(long, value_parser = parse_time)]
    pub(crate) at: Option<DateTime<Utc>>,
    /// Refuse copies generated longer ago than this (e.g. `5m`): screenshots of a live QR.
    #[arg(long, value_parser = parse_duration)]
    pub(crate) max_age: Option<Duration>,
    /// Clock skew tolerance.
    #[arg(long, value_parser = parse_duration, default_value = "5m")]
    pub(crate) skew: Duration,
    /// Require that the licence permits this class (in its own class system), e.g. `C1`.
    #[arg(long)]
    pub(crate) require_class: Option<String>,
    /// Require that the holder is at least this old.
    #[arg(long)]
    pub(crate) min_age: Option<u32>,
    /// Ask the requirements about this day (YYYY-MM-DD): privileges and the document's
    /// validity on that day; signature, lifetime and freshness still at `--at`.
    #[arg(long)]
    pub(crate) as_of: Option<chrono::NaiveDate>,
    /// The relying party's IANA time zone, for ages (e.g. `Europe/London`); default: the
    /// document's zone.
    #[arg(long, env = "DOCSEAL_TZ")]
    pub(crate) tz: Option<String>,
    /// Require that the credential is good for this travel: `air` or `rail`.
    #[arg(long)]
    pub(crate) travel_mode: Option<String>,
    /// Require this document type (`passport`, `driving-licence`, `temporary-pass`).
    #[arg(long)]
    pub(crate) document_type: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    pub(crate) json: bool,
    /// Verify one payload per line of this file (`-` for standard input); JSON lines out, in
    /// input order, with a summary on standard error. With `--image`: a folder of photos.
    #[arg(long, value_name = "FILE|DIR")]
    pub(crate) bulk: Option<PathBuf>,
    /// Read the codes from a photo (PNG or JPEG) and verify each 2D symbol; given a folder
    /// (or with `--bulk DIR`), every photo in it, one JSON line each.
    #[arg(long, value_name = "PHOTO|DIR", num_args = 0..=1, default_missing_value = "", conflicts_with = "payload")]
    pub(crate) image: Option<PathBuf>,
    /// Give up on a photo after this long (decoders can loop on some photos).
    #[arg(long, value_parser = parse_duration, default_value = "2s")]
    pub(crate) image_time_limit: Duration,
    /// The payload, or `-` (default) for standard input.
    pub(crate) payload: Option<String>,
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s).map_err(|e| format!("{e} (examples: 90s, 5m, 12h, 30d)"))
}

/// RFC 3339, plus the spellings other verifiers' test suites use: an offset without a colon
/// (`+0200`) and no offset at all (read as UTC).
fn parse_listen(s: &str) -> Result<std::net::SocketAddr, String> {
    use std::net::ToSocketAddrs as _;
    if let Ok(addr) = s.parse() {
        return Ok(addr);
    }
    s.to_socket_addrs()
        .map_err(|e| format!("{s}: not an address and port, nor a host name and port ({e})"))?
        .next()
        .ok_or_else(|| format!("{s}: the name resolves to no address"))
}

fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .map(|t| t.to_utc())
        .or_else(|e| {
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").map(|t| t.and_utc()).map_err(|_| e)
        })
        .map_err(|e| format!("{e} (example: 2026-11-21T09:00:00Z)"))
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The trust list: JSON, or signed with `--trust-anchor`. Reloaded when it changes.
    #[arg(long, env = "DOCSEAL_TRUST")]
    pub(crate) trust: PathBuf,
    /// The pinned trust anchor's public key (SPKI PEM), for a signed `--trust`.
    #[arg(long, env = "DOCSEAL_TRUST_ANCHOR")]
    pub(crate) trust_anchor: Option<PathBuf>,
    /// The highest signed-list sequence accepted before: a lower one is a rollback. The
    /// service keeps the highest it accepted in memory (and in `--state-dir`).
    #[arg(long, requires = "trust_anchor")]
    pub(crate) trust_sequence: Option<u64>,
    /// Keep deciding from a signed list past its next update. Without it, an overdue list
    /// refuses every verification (kind `trust-list`) and `/v1/health` answers 503.
    #[arg(long, requires = "trust_anchor")]
    pub(crate) accept_overdue_trust: bool,
    /// A folder where the highest accepted trust-list sequence is kept across restarts.
    #[arg(long, value_name = "DIR")]
    pub(crate) state_dir: Option<PathBuf>,
    /// A status list token, or a folder of them (`.cwt`); repeat for several. Reloaded when
    /// they change; an older token never replaces a newer one.
    #[arg(long = "status", value_name = "FILE|DIR", env = "DOCSEAL_STATUS", value_delimiter = ':')]
    pub(crate) status: Vec<PathBuf>,
    /// Refuse status lists signed longer ago than this (e.g. `2d`).
    #[arg(long, value_parser = parse_duration)]
    pub(crate) max_status_age: Option<Duration>,
    /// Address to listen on: an IP address and port, or a host name and port
    /// (`localhost:8080`, the first address it resolves to).
    #[arg(long, default_value = "127.0.0.1:8080", value_parser = parse_listen)]
    pub(crate) listen: std::net::SocketAddr,
    /// How often the files are checked for a change.
    #[arg(long, value_parser = parse_duration, default_value = "2s")]
    pub(crate) reload_every: Duration,
    /// Largest JSON request body, in bytes.
    #[arg(long, default_value_t = 64 * 1024)]
    pub(crate) max_body: usize,
    /// Most payloads in one batch request.
    #[arg(long, default_value_t = 1000)]
    pub(crate) max_batch: usize,
    /// Largest image body, in bytes.
    #[arg(long, default_value_t = 16 * 1024 * 1024)]
    pub(crate) max_image: usize,
    /// Requests served at once; past it, 503.
    #[arg(long, default_value_t = 512)]
    pub(crate) concurrency: usize,
    /// Connections open at once; past it, a new connection is closed as it is accepted.
    #[arg(long, default_value_t = 1024)]
    pub(crate) max_connections: usize,
    /// Largest image, in pixels, refused before its pixels are allocated (a card photo
    /// needs 2 to 4 million).
    #[arg(long, default_value_t = 8_000_000)]
    pub(crate) max_image_pixels: u64,
    /// Time a client has to send its request headers.
    #[arg(long, value_parser = parse_duration, default_value = "5s")]
    pub(crate) header_timeout: Duration,
    /// Time a request may take, body included (408 after).
    #[arg(long, value_parser = parse_duration, default_value = "10s")]
    pub(crate) request_timeout: Duration,
    /// A file of SHA-256 hashes (hex, one per line) of the API keys clients must present,
    /// checked from the headers before a body is read (every route but /v1/health and
    /// /v1/openapi.json; /metrics too unless --open-metrics).
    #[arg(long)]
    pub(crate) api_keys: Option<PathBuf>,
    /// With --api-keys: /metrics answers without a key (for a scraper inside the network).
    #[arg(long, requires = "api_keys")]
    pub(crate) open_metrics: bool,
    /// Maximum age of a copy (a screenshot shown later is refused as `stale`).
    #[arg(long, value_parser = parse_duration)]
    pub(crate) max_age: Option<Duration>,
    /// Accept credentials whose status list is not loaded.
    #[arg(long)]
    pub(crate) allow_unchecked_status: bool,
    /// No request log lines on standard error (start, reloads and warnings still logged).
    #[arg(long)]
    pub(crate) quiet: bool,
    /// How log lines are written on standard error: json (one object per line) or text.
    #[arg(long, value_name = "FORMAT", default_value = "json")]
    pub(crate) log_format: docseal_server::LogFormat,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_takes_an_address_or_a_host_name() {
        assert_eq!(parse_listen("127.0.0.1:8080"), Ok("127.0.0.1:8080".parse().expect("an address")));
        let local = parse_listen("localhost:8080").expect("localhost resolves");
        assert!(local.ip().is_loopback() && local.port() == 8080, "{local}");
        assert!(parse_listen("no port").is_err());
    }
}
