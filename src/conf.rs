//! Configuration: the per-location settings, the directive setters and the
//! merge of inherited settings.
//!
//! Secret and exemption lists follow nginx's usual inheritance: a level that
//! sets a list replaces the inherited one. Lists are shared between levels
//! once merged, so a location costs a pointer, not a copy of the secrets.

use core::ffi::{c_char, c_void};
use core::ptr;
use std::ffi::OsStr;
use std::fs::{metadata, File};
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::rc::Rc;
use std::time::{SystemTime, UNIX_EPOCH};

use ngx::core::{Pool, NGX_CONF_ERROR, NGX_CONF_OK};
use ngx::ffi::{
    ngx_command_t, ngx_conf_full_name, ngx_conf_t, ngx_regex_compile, ngx_regex_compile_t,
    ngx_regex_elt_t, ngx_str_t, ngx_uint_t, NGX_HTTP_SATISFY_ANY, NGX_LOG_EMERG, NGX_LOG_ERR,
    NGX_LOG_INFO, NGX_LOG_NOTICE, NGX_LOG_WARN, NGX_MAX_CONF_ERRSTR, NGX_OK, NGX_REGEX_CASELESS,
};
use ngx::http::{HttpModuleConfExt, HttpModuleLocationConf, NgxHttpCoreModule};
use ngx::{ngx_conf_log_error, ngx_log_error};

use crate::exempt::{parse_patterns, PathExemptions, Pattern, RegexPrefix};
use crate::module::module;
use crate::secret::{file_lines, SecretError, SecretSet, SecretSpec, Strength};
use zeroize::Zeroizing;

/// The largest secret file read; anything bigger is a mistake.
const MAX_SECRET_FILE_SIZE: u64 = 1 << 20;

/// Settings shared by the whole `http` block.
#[derive(Debug, Default)]
pub struct MainConf {
    /// Some level has `mattermost_preauth on`: the handlers are needed.
    pub used: bool,
    /// Some level that checks has `satisfy any`, where another access
    /// module can overrule a refusal.
    pub satisfy_any: bool,
    /// Some level that checks is in dry run.
    pub dry_run: bool,
    /// The indexes of `$mattermost_preauth_status` and
    /// `$mattermost_preauth_secret_label` among the request's variables,
    /// where the access check records its outcome.
    pub variables: Option<Box<crate::variables::Slots>>,
}

/// The exemptions in effect at one level.
#[derive(Clone, Default)]
pub struct Exemptions {
    pub paths: PathExemptions,
    /// Regular expressions, in the order they were listed.
    pub regexes: Vec<ExemptRegex>,
}

/// An exemption's regular expression.
#[derive(Clone)]
pub struct ExemptRegex {
    /// Compiled by nginx, in the layout that `ngx_regex_exec_array` reads;
    /// it lives as long as the configuration.
    pub compiled: ngx_regex_elt_t,
    /// What a URI must start with for it to match.
    pub prefix: RegexPrefix,
}

/// Where a directive stands in the configuration files.
#[derive(Debug, Clone)]
pub struct ConfSite {
    file: String,
    line: usize,
}

/// Why a merged level cannot be used.
#[derive(Debug)]
enum MergeError {
    NoSecret(Option<ConfSite>),
}

/// Settings of one `http`, `server` or `location` level.
#[derive(Default)]
pub struct LocConf {
    enabled: Option<bool>,
    enabled_at: Option<ConfSite>,
    secrets: Option<Rc<SecretSet>>,
    exemptions: Option<Rc<Exemptions>>,
    dry_run: Option<bool>,
    log_level: Option<ngx_uint_t>,
    /// The level has `satisfy any`; known once merged.
    satisfy_any: bool,
}

impl LocConf {
    pub fn enabled(&self) -> bool {
        self.enabled == Some(true)
    }

    pub fn secrets(&self) -> Option<&SecretSet> {
        self.secrets.as_deref()
    }

    pub fn exemptions(&self) -> Option<&Exemptions> {
        self.exemptions.as_deref()
    }

    pub fn dry_run(&self) -> bool {
        self.dry_run == Some(true)
    }

    /// Whether another access module can allow what this level refuses.
    pub fn satisfy_any(&self) -> bool {
        self.satisfy_any
    }

    /// The level of the per-request log lines.
    pub fn log_level(&self) -> ngx_uint_t {
        self.log_level.unwrap_or(NGX_LOG_ERR as ngx_uint_t)
    }

    fn merge_from(&mut self, prev: &Self) -> Result<(), MergeError> {
        if self.enabled.is_none() {
            self.enabled = prev.enabled;
            self.enabled_at.clone_from(&prev.enabled_at);
        }

        if self.secrets.is_none() {
            self.secrets.clone_from(&prev.secrets);
        }

        if self.exemptions.is_none() {
            self.exemptions.clone_from(&prev.exemptions);
        }

        self.dry_run = self.dry_run.or(prev.dry_run);
        self.log_level = self.log_level.or(prev.log_level);

        if self.enabled() && self.secrets().is_none_or(SecretSet::is_empty) {
            return Err(MergeError::NoSecret(self.enabled_at.clone()));
        }

        Ok(())
    }
}

pub unsafe extern "C" fn create_main_conf(cf: *mut ngx_conf_t) -> *mut c_void {
    // SAFETY: nginx passes a valid configuration context
    let pool = unsafe { Pool::from_ngx_pool((*cf).pool) };
    pool.allocate(MainConf::default()).cast()
}

pub unsafe extern "C" fn create_loc_conf(cf: *mut ngx_conf_t) -> *mut c_void {
    // SAFETY: nginx passes a valid configuration context
    let pool = unsafe { Pool::from_ngx_pool((*cf).pool) };
    pool.allocate(LocConf::default()).cast()
}

pub unsafe extern "C" fn merge_loc_conf(
    cf: *mut ngx_conf_t,
    prev: *mut c_void,
    conf: *mut c_void,
) -> *mut c_char {
    // SAFETY: both are this module's location configurations
    let (prev, conf) = unsafe { (&*prev.cast::<LocConf>(), &mut *conf.cast::<LocConf>()) };

    match conf.merge_from(prev) {
        Ok(()) => {
            // SAFETY: nginx passes a valid configuration context
            unsafe { note_level(&*cf, conf) };
            NGX_CONF_OK
        }
        Err(MergeError::NoSecret(site)) => {
            let site = site.map_or_else(String::new, |s| format!(" in {}:{}", s.file, s.line));
            // SAFETY: nginx passes a valid configuration context
            let log = unsafe { (*cf).log };
            ngx_log_error!(
                NGX_LOG_EMERG,
                log,
                "\"mattermost_preauth\" is on but no pre-authentication secret is set{site}"
            );
            NGX_CONF_ERROR
        }
    }
}

/// Notes how the level being merged checks: under `satisfy any` or not,
/// in dry run or not. The http core module's settings are merged before
/// any other module's, and while a level is merged the configuration
/// context holds that level's.
unsafe fn note_level(cf: &ngx_conf_t, conf: &mut LocConf) {
    if !conf.enabled() {
        return;
    }

    conf.satisfy_any = NgxHttpCoreModule::location_conf(cf)
        .is_some_and(|clcf| clcf.satisfy == NGX_HTTP_SATISFY_ANY as ngx_uint_t);

    // SAFETY: the main configuration is this module's MainConf
    if let Some(mut main) = unsafe { cf.http_main_conf_unchecked::<MainConf>(module()) } {
        // SAFETY: allocated by create_main_conf for this configuration
        let main = unsafe { main.as_mut() };
        main.satisfy_any |= conf.satisfy_any;
        main.dry_run |= conf.dry_run();
    }
}

/// `mattermost_preauth on | off;`
pub unsafe extern "C" fn set_preauth(
    cf: *mut ngx_conf_t,
    _cmd: *mut ngx_command_t,
    conf: *mut c_void,
) -> *mut c_char {
    // SAFETY: nginx passes this module's location configuration
    let conf = unsafe { &mut *conf.cast::<LocConf>() };
    // SAFETY: nginx passes a valid configuration context
    let cfr = unsafe { &*cf };

    if conf.enabled.is_some() {
        return c"is duplicate".as_ptr().cast_mut();
    }

    // SAFETY: as above
    let Some(enabled) = (unsafe { on_off(cf, "mattermost_preauth") }) else {
        return NGX_CONF_ERROR;
    };

    conf.enabled = Some(enabled);

    if enabled {
        conf.enabled_at = Some(site(cfr));

        // SAFETY: the main configuration is this module's MainConf
        if let Some(mut main) = unsafe { cfr.http_main_conf_unchecked::<MainConf>(module()) } {
            // SAFETY: allocated by create_main_conf for this configuration
            unsafe { main.as_mut().used = true };
        }
    }

    NGX_CONF_OK
}

/// `mattermost_preauth_dry_run on | off;`
pub unsafe extern "C" fn set_dry_run(
    cf: *mut ngx_conf_t,
    _cmd: *mut ngx_command_t,
    conf: *mut c_void,
) -> *mut c_char {
    // SAFETY: nginx passes this module's location configuration
    let conf = unsafe { &mut *conf.cast::<LocConf>() };

    if conf.dry_run.is_some() {
        return c"is duplicate".as_ptr().cast_mut();
    }

    // SAFETY: nginx passes a valid configuration context
    match unsafe { on_off(cf, "mattermost_preauth_dry_run") } {
        Some(dry_run) => {
            conf.dry_run = Some(dry_run);
            NGX_CONF_OK
        }
        None => NGX_CONF_ERROR,
    }
}

/// `mattermost_preauth_log_level info | notice | warn | error;`
pub unsafe extern "C" fn set_log_level(
    cf: *mut ngx_conf_t,
    _cmd: *mut ngx_command_t,
    conf: *mut c_void,
) -> *mut c_char {
    // SAFETY: nginx passes this module's location configuration
    let conf = unsafe { &mut *conf.cast::<LocConf>() };
    // SAFETY: nginx passes a valid configuration context
    let value = unsafe { argument(cf, 1) };

    if conf.log_level.is_some() {
        return c"is duplicate".as_ptr().cast_mut();
    }

    let level = match value {
        b"info" => NGX_LOG_INFO,
        b"notice" => NGX_LOG_NOTICE,
        b"warn" => NGX_LOG_WARN,
        b"error" => NGX_LOG_ERR,
        _ => {
            ngx_conf_log_error!(
                NGX_LOG_EMERG,
                cf,
                "invalid value \"{}\" in \"mattermost_preauth_log_level\" directive, it \
                 must be \"info\", \"notice\", \"warn\" or \"error\"",
                value.escape_ascii()
            );
            return NGX_CONF_ERROR;
        }
    };

    conf.log_level = Some(level as ngx_uint_t);
    NGX_CONF_OK
}

/// `mattermost_preauth_secret SECRET [label=NAME] [expires=YYYY-MM-DD];`
pub unsafe extern "C" fn set_secret(
    cf: *mut ngx_conf_t,
    _cmd: *mut ngx_command_t,
    conf: *mut c_void,
) -> *mut c_char {
    // SAFETY: nginx passes this module's location configuration
    let conf = unsafe { &mut *conf.cast::<LocConf>() };
    // SAFETY: nginx passes a valid configuration context
    let args = unsafe { arguments(cf) };

    let fields = args.iter().skip(1).map(ngx_str_t::as_bytes);

    match add_secret(conf, fields) {
        Ok(warnings) => {
            for warning in warnings {
                ngx_conf_log_error!(NGX_LOG_WARN, cf, "\"mattermost_preauth_secret\" {warning}");
            }
            NGX_CONF_OK
        }
        Err(err) => {
            ngx_conf_log_error!(NGX_LOG_EMERG, cf, "\"mattermost_preauth_secret\" {err}");
            NGX_CONF_ERROR
        }
    }
}

/// `mattermost_preauth_secret_file PATH;`
pub unsafe extern "C" fn set_secret_file(
    cf: *mut ngx_conf_t,
    _cmd: *mut ngx_command_t,
    conf: *mut c_void,
) -> *mut c_char {
    // SAFETY: nginx passes this module's location configuration
    let conf = unsafe { &mut *conf.cast::<LocConf>() };

    // SAFETY: nginx passes a valid configuration context
    if unsafe { argument(cf, 1) }.is_empty() {
        ngx_conf_log_error!(
            NGX_LOG_EMERG,
            cf,
            "\"mattermost_preauth_secret_file\" has an empty path"
        );
        return NGX_CONF_ERROR;
    }

    // SAFETY: as above
    let Some(path) = (unsafe { full_name(cf) }) else {
        return NGX_CONF_ERROR;
    };
    let shown = path.escape_ascii();

    let contents = match read_secret_file(&path) {
        Ok(contents) => contents,
        Err(reason) => {
            ngx_conf_log_error!(
                NGX_LOG_EMERG,
                cf,
                "\"mattermost_preauth_secret_file\" cannot read \"{shown}\" ({reason})"
            );
            return NGX_CONF_ERROR;
        }
    };

    if contents.open_to_others {
        ngx_conf_log_error!(
            NGX_LOG_WARN,
            cf,
            "\"mattermost_preauth_secret_file\" \"{shown}\" is readable or writable by other \
             users than its owner; \"chmod 600\" it"
        );
    }

    // SAFETY: nginx passes a valid configuration context
    let log = unsafe { (*cf).log };

    let mut count = 0;
    for (line, fields) in file_lines(&contents.bytes) {
        match add_secret(conf, fields) {
            Ok(warnings) => {
                for warning in warnings {
                    ngx_log_error!(
                        NGX_LOG_WARN,
                        log,
                        "\"mattermost_preauth_secret_file\" {warning} in {shown}:{line}"
                    );
                }
            }
            Err(err) => {
                ngx_log_error!(
                    NGX_LOG_EMERG,
                    log,
                    "\"mattermost_preauth_secret_file\" {err} in {shown}:{line}"
                );
                return NGX_CONF_ERROR;
            }
        }
        count += 1;
    }

    if count == 0 {
        ngx_conf_log_error!(
            NGX_LOG_EMERG,
            cf,
            "\"mattermost_preauth_secret_file\" \"{shown}\" has no secrets"
        );
        return NGX_CONF_ERROR;
    }

    NGX_CONF_OK
}

/// Parses one secret with its options and adds it to the level's set;
/// returns what deserves a warning: a short or an expired secret.
fn add_secret<'a, I>(conf: &mut LocConf, fields: I) -> Result<Vec<String>, SecretError>
where
    I: IntoIterator<Item = &'a [u8]>,
{
    let (spec, strength) = SecretSpec::parse(fields)?;

    // merging starts after the whole block is read, so nothing shares this
    // level's list yet and make_mut does not copy it
    let secrets = Rc::make_mut(conf.secrets.get_or_insert_with(Default::default));
    let index = secrets.insert(&spec)?;

    let named = match secrets.label(index) {
        "" => String::new(),
        label => format!(" labelled \"{label}\""),
    };

    let mut warnings = Vec::new();

    if strength == Strength::Short {
        warnings.push(format!(
            "has a secret{named} shorter than {} bytes; generate a longer one with \
             \"openssl rand -base64 32\"",
            crate::secret::RECOMMENDED_SECRET_LEN
        ));
    }

    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));

    if let Some(expiry) = spec.expires.filter(|e| e.has_passed(now)) {
        warnings.push(format!(
            "has a secret{named} that expired on {expiry} and is refused"
        ));
    }

    Ok(warnings)
}

/// A secret file's contents, wiped when dropped.
struct SecretFile {
    bytes: Zeroizing<Vec<u8>>,
    /// Other users than the owner may read or change it.
    open_to_others: bool,
}

fn read_secret_file(path: &[u8]) -> Result<SecretFile, String> {
    let path = OsStr::from_bytes(path);

    // opening a FIFO would wait for a writer, and nginx with it
    if !metadata(path).map_err(describe)?.is_file() {
        return Err(String::from("not a regular file"));
    }

    let mut file = File::open(path).map_err(describe)?;
    let meta = file.metadata().map_err(describe)?;

    if !meta.is_file() {
        return Err(String::from("not a regular file"));
    }

    if meta.len() > MAX_SECRET_FILE_SIZE {
        return Err(format!("larger than {MAX_SECRET_FILE_SIZE} bytes"));
    }

    let mut bytes = Zeroizing::new(Vec::new());
    (&mut file)
        .take(MAX_SECRET_FILE_SIZE)
        .read_to_end(&mut bytes)
        .map_err(describe)?;

    Ok(SecretFile {
        bytes,
        open_to_others: meta.permissions().mode() & 0o066 != 0,
    })
}

/// An I/O error the way nginx shows one: `2: No such file or directory`.
fn describe(err: io::Error) -> String {
    let text = err.to_string();
    match err.raw_os_error() {
        Some(code) => {
            let suffix = format!(" (os error {code})");
            format!("{code}: {}", text.strip_suffix(&suffix).unwrap_or(&text))
        }
        None => text,
    }
}

/// The directive's path argument, relative to the configuration prefix.
unsafe fn full_name(cf: *mut ngx_conf_t) -> Option<Vec<u8>> {
    // SAFETY: while a directive is read, its arguments are valid
    let mut name = unsafe { arguments(cf) }.get(1).copied()?;

    // SAFETY: nginx passes a valid configuration context with its cycle;
    // the full name is allocated in the cycle's pool
    if unsafe { ngx_conf_full_name((*cf).cycle, &mut name, 1) } != NGX_OK as isize {
        return None;
    }

    Some(name.as_bytes().to_vec())
}

/// `mattermost_preauth_exempt PATTERN ...;`
pub unsafe extern "C" fn set_exempt(
    cf: *mut ngx_conf_t,
    _cmd: *mut ngx_command_t,
    conf: *mut c_void,
) -> *mut c_char {
    // SAFETY: nginx passes this module's location configuration
    let conf = unsafe { &mut *conf.cast::<LocConf>() };
    // SAFETY: nginx passes a valid configuration context
    let args = unsafe { arguments(cf) };

    let patterns = match parse_patterns(args.iter().skip(1).map(ngx_str_t::as_bytes)) {
        Ok(patterns) => patterns,
        Err(err) => {
            ngx_conf_log_error!(NGX_LOG_EMERG, cf, "\"mattermost_preauth_exempt\" {err}");
            return NGX_CONF_ERROR;
        }
    };

    // as with secrets, nothing shares this level's list while it is read
    let exemptions = Rc::make_mut(conf.exemptions.get_or_insert_with(Default::default));

    for pattern in patterns {
        match pattern {
            Pattern::Exact(path) => exemptions.paths.add_exact(path),
            Pattern::Prefix(path) => exemptions.paths.add_prefix(path),
            Pattern::Regex { source, caseless } => {
                // SAFETY: nginx passes a valid configuration context
                let Some(compiled) = (unsafe { compile_regex(cf, &source, caseless) }) else {
                    return NGX_CONF_ERROR;
                };
                exemptions.regexes.push(ExemptRegex {
                    compiled,
                    prefix: RegexPrefix::of(&source, caseless),
                });
            }
        }
    }

    NGX_CONF_OK
}

/// Compiles an exemption's regular expression with nginx's PCRE, logging
/// the reason on failure.
unsafe fn compile_regex(
    cf: *mut ngx_conf_t,
    source: &[u8],
    caseless: bool,
) -> Option<ngx_regex_elt_t> {
    let mut errstr = [0u8; NGX_MAX_CONF_ERRSTR as usize];

    // SAFETY: nginx passes a valid configuration context
    let pool = unsafe { Pool::from_ngx_pool((*cf).pool) };
    let name = pool.alloc_unaligned(source.len() + 1).cast::<u8>();
    if name.is_null() {
        return None;
    }

    // SAFETY: name has room for the source and its terminating zero
    unsafe {
        ptr::copy_nonoverlapping(source.as_ptr(), name, source.len());
        *name.add(source.len()) = 0;
    }

    // SAFETY: all-zero is the documented initial state of this structure
    let mut rc: ngx_regex_compile_t = unsafe { core::mem::zeroed() };
    rc.pattern = ngx_str_t {
        len: source.len(),
        data: name,
    };
    rc.pool = pool.as_ptr();
    rc.options = if caseless { NGX_REGEX_CASELESS as _ } else { 0 };
    rc.err = ngx_str_t {
        len: errstr.len(),
        data: errstr.as_mut_ptr(),
    };

    // SAFETY: rc is fully initialised as ngx_regex_compile expects
    if unsafe { ngx_regex_compile(&mut rc) } != NGX_OK as isize {
        ngx_conf_log_error!(
            NGX_LOG_EMERG,
            cf,
            "\"mattermost_preauth_exempt\" has an invalid regular expression: {}",
            String::from_utf8_lossy(rc.err.as_bytes())
        );
        return None;
    }

    Some(ngx_regex_elt_t {
        regex: rc.regex,
        name,
    })
}

/// The value of an `on | off` directive, or `None` after logging why not.
unsafe fn on_off(cf: *mut ngx_conf_t, directive: &str) -> Option<bool> {
    // SAFETY: nginx passes a valid configuration context
    match unsafe { argument(cf, 1) } {
        b"on" => Some(true),
        b"off" => Some(false),
        value => {
            ngx_conf_log_error!(
                NGX_LOG_EMERG,
                cf,
                "invalid value \"{}\" in \"{directive}\" directive, it must be \"on\" or \
                 \"off\"",
                value.escape_ascii()
            );
            None
        }
    }
}

/// The arguments of the directive being read, its name first.
unsafe fn arguments<'a>(cf: *mut ngx_conf_t) -> &'a [ngx_str_t] {
    // SAFETY: while a directive is read, cf->args is an array of ngx_str_t
    unsafe {
        let args = &*(*cf).args;
        if args.nelts == 0 || args.elts.is_null() {
            return &[];
        }
        core::slice::from_raw_parts(args.elts.cast::<ngx_str_t>(), args.nelts)
    }
}

/// One argument of the directive being read, or an empty slice.
unsafe fn argument<'a>(cf: *mut ngx_conf_t, n: usize) -> &'a [u8] {
    // SAFETY: as for arguments()
    unsafe { arguments(cf) }
        .get(n)
        .map_or(&[], ngx_str_t::as_bytes)
}

/// The file and line of the directive being read.
fn site(cf: &ngx_conf_t) -> ConfSite {
    // SAFETY: while a file is read, conf_file points to it
    match unsafe { cf.conf_file.as_ref() } {
        Some(file) => ConfSite {
            file: String::from_utf8_lossy(file.file.name.as_bytes()).into_owned(),
            line: file.line,
        },
        None => ConfSite {
            file: String::from("(command line)"),
            line: 0,
        },
    }
}
