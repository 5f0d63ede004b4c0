//! Request-time glue: the access-phase check, and the bookkeeping that puts
//! the reject headers on the refusal's 403 and nowhere else.
//!
//! A refusal is recorded in a small per-request state found through the
//! request pool's cleanup list, because nginx clears module contexts on an
//! internal redirect and `error_page` must still serve the refusal with its
//! headers. Under `satisfy any` another access module may still allow the
//! request; the pre-content handler then sees the refusal in the module
//! context (not cleared yet, as no redirect happened) and withdraws it.
//! A refusal found still pending after a redirect was not overruled: it
//! ended its location's access phase and is what the error page answers,
//! so it stands whatever a check in the error page's location decides.
//!
//! So whether a refusal stood is known only later: the header filter puts
//! the reject headers on a 403 that a standing refusal answers. A refusal
//! is logged as it is made, except under `satisfy any`, where the log
//! phase, which nginx runs for every request however it ends, logs it if
//! it stood. A request that another module allowed is neither logged as
//! refused nor given the headers, even if the upstream answers 403. The
//! pre-content and log-phase handlers are registered only where some level
//! has `satisfy any` or a dry run, which is what they are for.
//!
//! The outcome of the first check of a request is also recorded for the
//! variables (see `variables`). Exemptions apply only to a canonical request
//! target: the path as the client sent it must be the normalized URI that
//! the exemptions are matched against, so that no encoding, dot segment or
//! repeated slash can make a request exempt here while the upstream, which
//! may receive the original bytes, sees another path. A URI set by the
//! configuration (`rewrite`, `error_page`) is what an upstream receives.
//!
//! An allowed request allocates nothing and runs no regular expression.

use core::ffi::c_void;
use core::{mem, ptr, slice};

use ngx::ffi::{
    ngx_array_push, ngx_array_t, ngx_cached_time, ngx_conf_t, ngx_http_core_main_conf_t,
    ngx_http_handler_pt, ngx_http_output_header_filter_pt, ngx_http_phases_NGX_HTTP_ACCESS_PHASE,
    ngx_http_phases_NGX_HTTP_LOG_PHASE, ngx_http_phases_NGX_HTTP_PRECONTENT_PHASE,
    ngx_http_request_t, ngx_http_top_header_filter, ngx_int_t, ngx_list_part_t, ngx_list_push,
    ngx_list_t, ngx_pool_cleanup_add, ngx_regex_elt_t, ngx_regex_exec_array, ngx_str_t,
    ngx_table_elt_t, ngx_uint_t, NGX_DECLINED, NGX_ERROR, NGX_HTTP_FORBIDDEN,
    NGX_HTTP_INTERNAL_SERVER_ERROR, NGX_OK,
};
use ngx::http::{HttpModuleConfExt, HttpModuleMainConf, NgxHttpCoreModule};
use ngx::log::log_error;

use crate::conf::{LocConf, MainConf};
use crate::module::module;
use crate::secret::SecretSet;
use crate::variables;
use crate::verdict::{verify_with, Presented, Refusal, Status, HEADER_HASH, HEADER_LOWCASE};

/// The next header filter in nginx's chain.
static mut NEXT_HEADER_FILTER: ngx_http_output_header_filter_pt = None;

/// What the request's refusal left for the header filter and the log.
struct RefusalState {
    /// The latest access check refused the request and nothing allowed it
    /// afterwards.
    refused: bool,
    /// An earlier refusal ended the access phase of its location.
    stood: bool,
    /// The refusal or what the dry run noted has been logged.
    logged: bool,
    /// The refusal that stood, or else the latest one.
    refusal: Why,
    /// What the first check in dry run would have refused, unless a
    /// refusal came first; kept apart, as a later refusal may be overruled.
    note: Option<Why>,
}

/// Why a request was, or would have been, refused, and at which level to
/// log it.
#[derive(Clone, Copy)]
struct Why {
    reason: Refusal,
    label: &'static [u8],
    level: ngx_uint_t,
}

/// The outcome of the check for one request.
pub struct Outcome {
    pub status: Status,
    /// The label of the secret presented, if it matched or expired.
    pub label: &'static [u8],
    /// Why the request is to be refused, if it is.
    pub refusal: Option<Refusal>,
}

impl Outcome {
    const OFF: Self = Self {
        status: Status::Off,
        label: b"",
        refusal: None,
    };
}

/// Chains the header filter, and registers the access, pre-content and log
/// handlers when some level of the configuration turns the check on.
pub unsafe fn install(cf: *mut ngx_conf_t) -> ngx_int_t {
    // SAFETY: nginx passes a valid configuration context
    let cf = unsafe { &mut *cf };

    // the filter chain is process-wide and rebuilt by every configuration
    // that is read, also one that fails later and leaves the running one
    // in place: chain the filter always, or workers started after such a
    // failure would send refusals without their headers
    // SAFETY: filters are chained while the configuration is read, on one
    // thread, as every nginx filter module does
    unsafe {
        NEXT_HEADER_FILTER = ngx_http_top_header_filter;
        ngx_http_top_header_filter = Some(header_filter);
    }

    // SAFETY: the main configuration is this module's MainConf
    let Some(mut main) = (unsafe { cf.http_main_conf_unchecked::<MainConf>(module()) }) else {
        return NGX_ERROR as ngx_int_t;
    };
    // SAFETY: allocated by create_main_conf for this configuration
    let main = unsafe { main.as_mut() };
    if !main.used {
        return NGX_OK as ngx_int_t;
    }

    let Some(cmcf) = NgxHttpCoreModule::main_conf_mut(cf) else {
        return NGX_ERROR as ngx_int_t;
    };

    // SAFETY: as above
    if !unsafe { variables::index(cf, main, cmcf) } {
        return NGX_ERROR as ngx_int_t;
    }

    // only a later access module under `satisfy any` overrules a refusal,
    // and only then is there anything to withdraw; otherwise a refusal is
    // logged as it is made, unless a dry run may have noted a refusal that
    // a later one replaces
    // SAFETY: cmcf is the http core module's main configuration
    let pushed = unsafe {
        push_phase_handler(cmcf, ngx_http_phases_NGX_HTTP_ACCESS_PHASE, access_handler)
            && (!main.satisfy_any
                || push_phase_handler(cmcf, ngx_http_phases_NGX_HTTP_PRECONTENT_PHASE, precontent))
            && (!logs_at_end(main)
                || push_phase_handler(cmcf, ngx_http_phases_NGX_HTTP_LOG_PHASE, log_handler))
    };
    if !pushed {
        return NGX_ERROR as ngx_int_t;
    }

    NGX_OK as ngx_int_t
}

/// Whether some refusal, or what a dry run would refuse, is logged when the
/// request ends rather than as it is made.
fn logs_at_end(main: &MainConf) -> bool {
    main.satisfy_any || main.dry_run
}

unsafe fn push_phase_handler(
    cmcf: &mut ngx_http_core_main_conf_t,
    phase: u32,
    handler: unsafe extern "C" fn(*mut ngx_http_request_t) -> ngx_int_t,
) -> bool {
    let Some(phase) = cmcf.phases.get_mut(phase as usize) else {
        return false;
    };

    // SAFETY: the phase's handlers array holds ngx_http_handler_pt values
    let h = unsafe { ngx_array_push(&mut phase.handlers) }.cast::<ngx_http_handler_pt>();
    if h.is_null() {
        return false;
    }

    // SAFETY: h points to a fresh element of the array
    unsafe { h.write(Some(handler)) };
    true
}

/// The access-phase check. A request with a right secret takes the
/// shortest way through; anything else is decided out of line.
unsafe extern "C" fn access_handler(r: *mut ngx_http_request_t) -> ngx_int_t {
    // SAFETY: nginx passes a valid request
    let r = unsafe { &mut *r };

    let Some(conf) = location_conf(r) else {
        return NGX_DECLINED as ngx_int_t;
    };

    let secrets = match conf.secrets() {
        Some(secrets) if conf.enabled() => secrets,
        _ => {
            let outcome = evaluate_in(r, conf);
            return decide(r, conf, outcome);
        }
    };

    match verify_with(presented(&r.headers_in.headers), secrets, now) {
        Ok(index) => {
            variables::record_with(r, Status::Ok, || secrets.label(index).as_bytes());
            allowed(conf)
        }
        Err(reason) => {
            let outcome = failed(r, conf, secrets, reason);
            decide(r, conf, outcome)
        }
    }
}

/// What an access handler returns for a request the check allows: under
/// `satisfy all` the next access module is asked either way.
#[inline(always)]
fn allowed(conf: &LocConf) -> ngx_int_t {
    if conf.satisfy_any() {
        NGX_OK as ngx_int_t
    } else {
        NGX_DECLINED as ngx_int_t
    }
}

/// Records and acts on the outcome of a check that did not simply allow.
#[inline(never)]
fn decide(r: &mut ngx_http_request_t, conf: &LocConf, outcome: Outcome) -> ngx_int_t {
    variables::record(r, outcome.status, outcome.label);

    match outcome.refusal {
        None if outcome.status == Status::Ok => allowed(conf),
        None => NGX_DECLINED as ngx_int_t,
        Some(reason) if conf.dry_run() => {
            note(r, reason, outcome.label, conf.log_level());
            NGX_DECLINED as ngx_int_t
        }
        Some(reason) => refuse(r, reason, outcome.label, conf),
    }
}

/// The outcome for the variables where the check recorded none: that of a
/// refusal the request carries, which survives internal redirects, or else
/// the check evaluated in the location the request is in now.
pub fn evaluate(r: &mut ngx_http_request_t) -> Outcome {
    if let Some(state) = refusal_state(r, false) {
        // SAFETY: the state lives in the request pool
        let state = unsafe { &*state };
        // a note is made only before any refusal: it is the earlier one
        if let Some(note) = state.note {
            return refused(note.reason, note.label);
        }
        if state.refused || state.stood {
            return refused(state.refusal.reason, state.refusal.label);
        }
    }

    match location_conf(r) {
        Some(conf) => evaluate_in(r, conf),
        None => Outcome::OFF,
    }
}

fn evaluate_in(r: &mut ngx_http_request_t, conf: &'static LocConf) -> Outcome {
    if !conf.enabled() {
        return Outcome::OFF;
    }

    let presented = presented(&r.headers_in.headers);

    // a level that is on always has secrets: the configuration check
    // refuses anything else, and an empty set would refuse every request
    let Some(secrets) = conf.secrets() else {
        return refused(Refusal::Invalid, b"");
    };

    match verify_with(presented, secrets, now) {
        Ok(index) => Outcome {
            status: Status::Ok,
            label: secrets.label(index).as_bytes(),
            refusal: None,
        },
        Err(reason) => failed(r, conf, secrets, reason),
    }
}

/// The outcome for a request without an accepted secret: exempt, or to be
/// refused.
#[inline(never)]
fn failed(
    r: &mut ngx_http_request_t,
    conf: &LocConf,
    secrets: &'static SecretSet,
    reason: Refusal,
) -> Outcome {
    match reason {
        _ if is_exempt(conf, r) => Outcome {
            status: Status::Exempt,
            label: b"",
            refusal: None,
        },
        Refusal::Expired(index) => refused(reason, secrets.label(index).as_bytes()),
        _ => refused(reason, b""),
    }
}

fn refused(reason: Refusal, label: &'static [u8]) -> Outcome {
    Outcome {
        status: reason.into(),
        label,
        refusal: Some(reason),
    }
}

/// nginx's cached time, in seconds since the epoch.
fn now() -> i64 {
    // SAFETY: nginx keeps the cached time valid in every worker
    unsafe { (**ptr::addr_of!(ngx_cached_time)).sec }
}

/// Records a refusal, for the header filter to act on if nothing overrules
/// it, and logs it: at once, as nginx's access modules do, or where another
/// access module may still allow the request (`satisfy any`), when the
/// request ends.
fn refuse(
    r: &mut ngx_http_request_t,
    reason: Refusal,
    label: &'static [u8],
    conf: &LocConf,
) -> ngx_int_t {
    let Some(state) = refusal_state(r, true) else {
        return NGX_HTTP_INTERNAL_SERVER_ERROR as ngx_int_t;
    };

    // SAFETY: the state lives in the request pool, as long as the request
    let state = unsafe { &mut *state };

    // still pending with the context gone: a redirect followed the refusal
    if state.refused && ctx(r).is_null() {
        state.stood = true;
    }

    if !state.stood {
        state.refusal = Why {
            reason,
            label,
            level: conf.log_level(),
        };
    }
    state.refused = true;

    set_ctx(r, ptr::from_mut(state).cast());

    if !conf.satisfy_any() {
        log_refusal(r, state);
    }

    NGX_HTTP_FORBIDDEN as ngx_int_t
}

/// Records what a check in dry run would have refused, for the log phase.
fn note(r: &mut ngx_http_request_t, reason: Refusal, label: &'static [u8], level: ngx_uint_t) {
    let Some(state) = refusal_state(r, true) else {
        return;
    };

    // SAFETY: the state lives in the request pool, as long as the request
    let state = unsafe { &mut *state };

    if !(state.refused || state.stood || state.note.is_some()) {
        state.note = Some(Why {
            reason,
            label,
            level,
        });
    }
}

/// Reached only by requests that passed the access phase: a refusal still
/// in the module context was overruled under `satisfy any`.
unsafe extern "C" fn precontent(r: *mut ngx_http_request_t) -> ngx_int_t {
    // SAFETY: nginx passes a valid request
    let r = unsafe { &mut *r };

    let state = ctx(r).cast::<RefusalState>();
    if !state.is_null() {
        // SAFETY: the context is only ever set to a state in the request pool
        unsafe { (*state).refused = false };
        set_ctx(r, ptr::null_mut());
    }

    NGX_DECLINED as ngx_int_t
}

/// Adds the reject headers to a 403 that a standing refusal answers.
unsafe extern "C" fn header_filter(r: *mut ngx_http_request_t) -> ngx_int_t {
    // SAFETY: nginx passes a valid request
    let req = unsafe { &mut *r };

    if req.headers_out.status == NGX_HTTP_FORBIDDEN as ngx_uint_t
        && ptr::eq(req.main, r)
        && !forbidden(req)
    {
        return NGX_ERROR as ngx_int_t;
    }

    // SAFETY: the chain was set up in install() before any request
    match unsafe { NEXT_HEADER_FILTER } {
        // SAFETY: the next filter takes the same request
        Some(next) => unsafe { next(r) },
        None => NGX_ERROR as ngx_int_t,
    }
}

/// Puts the reject headers on a 403 if a standing refusal answers it;
/// false if that failed. Kept out of the header filter, which every
/// response passes through.
#[inline(never)]
fn forbidden(r: &mut ngx_http_request_t) -> bool {
    refusal_stands(r).is_none() || set_reject_headers(r)
}

/// Logs a refusal that stood, or what a dry run would have refused, once,
/// when the request ends, where a refusal could be overruled or replaced:
/// also when no response was sent (`return 444` as error page, a client
/// that gave up).
unsafe extern "C" fn log_handler(r: *mut ngx_http_request_t) -> ngx_int_t {
    // SAFETY: nginx passes a valid request
    let req = unsafe { &mut *r };

    if !ptr::eq(req.main, r) {
        return NGX_OK as ngx_int_t;
    }

    let Some(state) = refusal_state(req, false) else {
        return NGX_OK as ngx_int_t;
    };
    // SAFETY: the state lives in the request pool
    log_refusal(req, unsafe { &mut *state });

    NGX_OK as ngx_int_t
}

/// Logs the request's refusal, or what a dry run would have refused, if
/// not yet logged. nginx's client and request context is kept, the action
/// of the moment ("while logging request") left out.
fn log_refusal(r: &ngx_http_request_t, state: &mut RefusalState) {
    let (why, dry_run) = match (state.refused || state.stood, state.note) {
        _ if state.logged => return,
        (true, _) => (state.refusal, ""),
        (false, Some(note)) => (note, ", dry run"),
        (false, None) => return,
    };
    state.logged = true;

    // SAFETY: a request's connection and its log outlive the request
    let log = unsafe { &mut *(*r.connection).log };
    if why.level > log.log_level {
        return;
    }

    // the message from its parts, which need no formatting: labels are
    // letters, digits, `.`, `_` and `-` (checked when configured)
    let quote: &[u8] = if why.label.is_empty() { b"" } else { b"\"" };
    let parts = [
        why.reason.message().as_bytes(),
        if quote.is_empty() { b"" } else { b" " },
        quote,
        why.label,
        quote,
        dry_run.as_bytes(),
    ];
    let mut buf = [0u8; 192];
    let mut len = 0;
    for part in parts {
        if let Some(dst) = buf.get_mut(len..len + part.len()) {
            dst.copy_from_slice(part);
            len += part.len();
        }
    }

    let action = mem::replace(&mut log.action, ptr::null_mut());
    // SAFETY: the log is valid, the message is initialized bytes
    unsafe { log_error(why.level, log, 0, buf.get(..len).unwrap_or_default()) };
    log.action = action;
}

/// The reason of the refusal that answers the request, if one does.
fn refusal_stands(r: &ngx_http_request_t) -> Option<Refusal> {
    // SAFETY: the state lives in the request pool
    let state = unsafe { &*refusal_state(r, false)? };
    (state.refused || state.stood).then_some(state.refusal.reason)
}

fn location_conf(r: &ngx_http_request_t) -> Option<&'static LocConf> {
    // SAFETY: loc_conf has an entry for every http module, and ours holds a
    // LocConf allocated by create_loc_conf in the cycle's pool, which
    // outlives every request
    unsafe {
        (*r.loc_conf.add(module().ctx_index))
            .cast::<LocConf>()
            .as_ref()
    }
}

fn ctx(r: &ngx_http_request_t) -> *mut c_void {
    // SAFETY: r->ctx has an entry for every http module
    unsafe { *r.ctx.add(module().ctx_index) }
}

fn set_ctx(r: &mut ngx_http_request_t, value: *mut c_void) {
    // SAFETY: r->ctx has an entry for every http module
    unsafe { *r.ctx.add(module().ctx_index) = value };
}

/// Whether the normalized URI is exempt; called only for requests that
/// would otherwise be refused. The cheap tests come first: most such
/// requests match no exemption, and then need no look at the request line
/// and no regular expression.
fn is_exempt(conf: &LocConf, r: &mut ngx_http_request_t) -> bool {
    let Some(exemptions) = conf.exemptions() else {
        return false;
    };

    if exemptions.paths.matches(r.uri.as_bytes()) {
        return is_canonical(r);
    }

    let mut checked = false;

    for regex in &exemptions.regexes {
        // without the prefix the expression cannot match, and PCRE would
        // fail at the first literal with nothing to go back to, so leaving
        // it out changes nothing but the cost
        if !regex.prefix.admits(r.uri.as_bytes()) {
            continue;
        }

        if !checked {
            if !is_canonical(r) {
                return false;
            }
            checked = true;
        }

        // a read-only view of this one expression, as nginx's array type
        let mut array = ngx_array_t {
            elts: ptr::from_ref(&regex.compiled).cast_mut().cast(),
            nelts: 1,
            size: mem::size_of::<ngx_regex_elt_t>(),
            nalloc: 1,
            pool: ptr::null_mut(),
        };

        // SAFETY: the array and the URI are valid for the call; nginx logs a
        // matching failure itself, and a failure ends the search without an
        // exemption
        match unsafe { ngx_regex_exec_array(&mut array, &mut r.uri, (*r.connection).log) } {
            rc if rc == NGX_OK as ngx_int_t => return true,
            rc if rc == NGX_DECLINED as ngx_int_t => {}
            _ => return false,
        }
    }

    false
}

/// Whether the URI that exemptions are matched against is the one an
/// upstream receives. While the URI comes from the request line, nginx
/// forwards the client's bytes as they were sent, so they must be the
/// normalized URI exactly: nothing decoded, no dot segment resolved, no
/// repeated slash (which nginx keeps when `merge_slashes` is off). A URI
/// that the configuration set (`rewrite`, `error_page`) is forwarded in its
/// normalized form, and nginx marks the request line's as no longer valid.
fn is_canonical(r: &ngx_http_request_t) -> bool {
    if r.valid_unparsed_uri() == 0 {
        // a request line without a path ("GET http://host?a") is not a
        // URI the configuration set
        return r.empty_path_in_uri() == 0;
    }

    crate::exempt::is_canonical_target(r.unparsed_uri.as_bytes(), r.uri.as_bytes())
}

/// Marks the cleanup entry that carries a request's refusal state. It has
/// nothing to release; its address is the tag the state is found by.
#[inline(never)]
unsafe extern "C" fn refusal_state_tag(_data: *mut c_void) {}

/// Finds the request's refusal state in its pool, creating it if asked.
/// The pool, unlike the module context, survives internal redirects.
fn refusal_state(r: &ngx_http_request_t, create: bool) -> Option<*mut RefusalState> {
    let tag = refusal_state_tag as unsafe extern "C" fn(*mut c_void) as usize;

    // SAFETY: the request pool and its cleanup list are valid
    let mut c = unsafe { (*r.pool).cleanup };
    while !c.is_null() {
        // SAFETY: c is an entry of the list
        let entry = unsafe { &*c };
        if entry.handler.map(|h| h as usize) == Some(tag) {
            return Some(entry.data.cast());
        }
        c = entry.next;
    }

    if !create {
        return None;
    }

    // SAFETY: the pool is valid; the entry's data is sized for the state
    unsafe {
        let c = ngx_pool_cleanup_add(r.pool, mem::size_of::<RefusalState>());
        if c.is_null() {
            return None;
        }
        let state = (*c).data.cast::<RefusalState>();
        state.write(RefusalState {
            refused: false,
            stood: false,
            logged: false,
            refusal: Why {
                reason: Refusal::Missing,
                label: b"",
                level: 0,
            },
            note: None,
        });
        (*c).handler = Some(refusal_state_tag);
        Some(state)
    }
}

/// What the request presented: the value of the one header named like the
/// secret header, in any letter case (`X_Mattermost_Preauth_Secret` is
/// another name). nginx's hash of each lower-case name rules out every
/// other header with one comparison.
fn presented(list: &ngx_list_t) -> Presented<'_> {
    let mut value: Option<&[u8]> = None;
    let mut part = &list.part;

    loop {
        for h in part_headers(part) {
            if h.hash == HEADER_HASH && is_secret_header(h) {
                if value.is_some() {
                    return Presented::Duplicate;
                }
                value = Some(h.value.as_bytes());
            }
        }

        // SAFETY: next is null or another part of the same list, which
        // lives as long as the request
        match unsafe { part.next.as_ref() } {
            Some(next) => part = next,
            None => break,
        }
    }

    Presented::from_values(value)
}

fn is_secret_header(h: &ngx_table_elt_t) -> bool {
    h.key.len == HEADER_LOWCASE.len()
        && !h.lowcase_key.is_null()
        // SAFETY: lowcase_key has key.len bytes
        && unsafe { slice::from_raw_parts(h.lowcase_key, h.key.len) } == HEADER_LOWCASE
}

/// The headers in one part of nginx's list.
fn part_headers(part: &ngx_list_part_t) -> &[ngx_table_elt_t] {
    if part.elts.is_null() {
        return &[];
    }
    // SAFETY: a part holds nelts table elements
    unsafe { slice::from_raw_parts(part.elts.cast::<ngx_table_elt_t>(), part.nelts) }
}

/// Puts `X-Reject-Reason: pre-auth` and `Cache-Control: no-store` on the
/// response, replacing any earlier value of either.
fn set_reject_headers(r: &mut ngx_http_request_t) -> bool {
    let list = &mut r.headers_out.headers;

    remove_header(list, b"x-reject-reason");
    remove_header(list, b"cache-control");

    add_header(list, "X-Reject-Reason", "x-reject-reason", "pre-auth")
        && add_header(list, "Cache-Control", "cache-control", "no-store")
}

fn remove_header(list: &mut ngx_list_t, lowcase: &[u8]) {
    let mut part: *mut ngx_list_part_t = &mut list.part;

    while !part.is_null() {
        // SAFETY: part is a part of the list holding nelts table elements
        let headers = unsafe {
            slice::from_raw_parts_mut((*part).elts.cast::<ngx_table_elt_t>(), (*part).nelts)
        };
        for h in headers {
            if h.hash != 0 && h.key.as_bytes().eq_ignore_ascii_case(lowcase) {
                h.hash = 0;
            }
        }
        // SAFETY: as above
        part = unsafe { (*part).next };
    }
}

fn add_header(
    list: &mut ngx_list_t,
    key: &'static str,
    lowcase: &'static str,
    value: &'static str,
) -> bool {
    // SAFETY: the list holds ngx_table_elt_t values
    let h = unsafe { ngx_list_push(list) }.cast::<ngx_table_elt_t>();
    if h.is_null() {
        return false;
    }

    // SAFETY: h is a fresh element; zeroing it first clears the fields that
    // only some nginx versions have; the strings are static
    unsafe {
        ptr::write_bytes(h, 0, 1);
        (*h).hash = 1;
        (*h).key = static_str(key);
        (*h).value = static_str(value);
        (*h).lowcase_key = lowcase.as_ptr().cast_mut();
    }

    true
}

fn static_str(s: &'static str) -> ngx_str_t {
    ngx_str_t {
        len: s.len(),
        data: s.as_ptr().cast_mut(),
    }
}
