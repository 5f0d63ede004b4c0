//! The variables `$mattermost_preauth_status` and
//! `$mattermost_preauth_secret_label`, for access logs and for other
//! modules (a `limit_req_zone` key, a `map`).
//!
//! The access check writes its outcome straight into the request's slots
//! of both variables, marked cacheable, so that every later read, also in
//! the access log after an `error_page` redirect, gets that answer without
//! evaluating anything. The slots survive internal redirects, and the first
//! check of a request is the one that stays. Read before the access phase,
//! a variable evaluates the check the way the access phase will and marks
//! the value as not cacheable, so that the check's own outcome replaces it.
//!
//! The values the check writes are copies of ones prepared while the
//! configuration is read: the bit-field setters that bindgen generates walk
//! their fields bit by bit, which cost a thousand instructions a request.

use core::ptr::{self, NonNull};

use ngx::ffi::{
    ngx_conf_t, ngx_http_add_variable, ngx_http_core_main_conf_t, ngx_http_get_variable_index,
    ngx_http_request_t, ngx_http_variable_t, ngx_http_variable_value_t, ngx_int_t, ngx_str_t,
    NGX_ERROR, NGX_OK,
};
use ngx::http::HttpModuleConfExt;
use ngx::ngx_string;

use crate::conf::MainConf;
use crate::handler::evaluate;
use crate::module::module;
use crate::secret::MAX_LABEL_LEN;
use crate::verdict::Status;

/// The request's slots of both variables, and the values written to them.
#[derive(Debug)]
pub struct Slots {
    status: usize,
    label: usize,
    /// A valid, cacheable value of every length up to the longest label,
    /// as the access check records it; `data` is left to fill in.
    decided: [ngx_http_variable_value_t; MAX_LABEL_LEN + 1],
    /// The bits of a value's first word that say it is valid and that it
    /// is not cacheable, and their value in one the check recorded.
    mask: u32,
    recorded: u32,
}

const STATUS: ngx_str_t = ngx_string!("mattermost_preauth_status");
const LABEL: ngx_str_t = ngx_string!("mattermost_preauth_secret_label");

/// Registers both variables; called before the configuration is read.
pub unsafe fn add(cf: *mut ngx_conf_t) -> ngx_int_t {
    for (name, handler) in [
        (STATUS, status_variable as Getter),
        (LABEL, label_variable as Getter),
    ] {
        let mut name = name;
        // SAFETY: nginx passes a valid configuration context; the name is
        // copied into the configuration pool
        let var = unsafe { ngx_http_add_variable(cf, &mut name, 0) };
        if var.is_null() {
            return NGX_ERROR as ngx_int_t;
        }
        // SAFETY: var is the variable just added
        unsafe { (*var).get_handler = Some(handler) };
    }

    NGX_OK as ngx_int_t
}

type Getter = unsafe extern "C" fn(
    *mut ngx_http_request_t,
    *mut ngx_http_variable_value_t,
    usize,
) -> ngx_int_t;

/// Gives both variables a slot in every request, for the access check to
/// write to, if the configuration names either; called once the
/// configuration is read, where the check is used. Without a slot a
/// variable read by name (from a script module) evaluates the check where
/// the request is at the time of reading.
pub unsafe fn index(
    cf: *mut ngx_conf_t,
    main: &mut MainConf,
    cmcf: &ngx_http_core_main_conf_t,
) -> bool {
    if !is_indexed(cmcf, &STATUS) && !is_indexed(cmcf, &LABEL) {
        return true;
    }

    let mut status = STATUS;
    let mut label = LABEL;

    // SAFETY: nginx passes a valid configuration context
    let (status, label) = unsafe {
        (
            ngx_http_get_variable_index(cf, &mut status),
            ngx_http_get_variable_index(cf, &mut label),
        )
    };

    let (Ok(status), Ok(label)) = (usize::try_from(status), usize::try_from(label)) else {
        return false;
    };

    let mut decided = [value(b"", true); MAX_LABEL_LEN + 1];
    for (len, v) in decided.iter_mut().enumerate() {
        v.set_len(len as _);
    }

    let recorded = first_word(&value(b"", true));
    let mask = recorded | first_word(&value(b"", false));

    main.variables = Some(Box::new(Slots {
        status,
        label,
        decided,
        mask,
        recorded,
    }));
    true
}

/// Whether the configuration read so far refers to the variable by name.
fn is_indexed(cmcf: &ngx_http_core_main_conf_t, name: &ngx_str_t) -> bool {
    let indexed = &cmcf.variables;
    if indexed.elts.is_null() {
        return false;
    }

    // SAFETY: the array holds nelts variables
    let indexed = unsafe {
        core::slice::from_raw_parts(indexed.elts.cast::<ngx_http_variable_t>(), indexed.nelts)
    };

    // nginx matches variable names in any letter case
    indexed
        .iter()
        .any(|v| v.name.as_bytes().eq_ignore_ascii_case(name.as_bytes()))
}

/// Records the outcome of the request's access check, unless an earlier
/// check of the same request did.
#[inline(always)]
pub fn record(r: &mut ngx_http_request_t, status: Status, label: &'static [u8]) {
    record_with(r, status, || label);
}

/// `record`, with the label looked up only if it is recorded.
#[inline(always)]
pub fn record_with(
    r: &mut ngx_http_request_t,
    status: Status,
    label: impl FnOnce() -> &'static [u8],
) {
    // SAFETY: the main configuration is this module's MainConf, allocated
    // for the configuration the request runs in
    let Some(main) = (unsafe { r.http_main_conf_unchecked::<MainConf>(module()) }) else {
        return;
    };
    // SAFETY: as above
    let Some(slots) = (unsafe { main.as_ref() }).variables.as_deref() else {
        return;
    };
    let Some(vars) = NonNull::new(r.variables) else {
        return;
    };

    // SAFETY: r->variables has an entry for every indexed variable
    let (status_slot, label_slot) = unsafe {
        (
            &mut *vars.add(slots.status).as_ptr(),
            &mut *vars.add(slots.label).as_ptr(),
        )
    };

    // valid and cacheable: recorded by an earlier check
    if first_word(status_slot) & slots.mask == slots.recorded {
        return;
    }

    *status_slot = slots.decided_value(status.as_str().as_bytes());
    *label_slot = slots.decided_value(label());
}

/// The word that holds a value's bit fields (its length and flags), read
/// whole: bindgen's accessors take the bits one at a time.
#[inline(always)]
fn first_word(v: &ngx_http_variable_value_t) -> u32 {
    // SAFETY: the structure is repr(C) and starts with its four bytes of
    // bit fields, all initialized
    unsafe { ptr::from_ref(v).cast::<u32>().read() }
}

impl Slots {
    #[inline(always)]
    fn decided_value(&self, data: &'static [u8]) -> ngx_http_variable_value_t {
        match self.decided.get(data.len()) {
            Some(v) => ngx_http_variable_value_t {
                data: data.as_ptr().cast_mut(),
                ..*v
            },
            None => value(data, true),
        }
    }
}

/// A valid value, cacheable or not.
fn value(data: &'static [u8], cacheable: bool) -> ngx_http_variable_value_t {
    let mut v = ngx_http_variable_value_t {
        _bitfield_align_1: [],
        _bitfield_1: ngx_http_variable_value_t::new_bitfield_1(0, 1, 0, 0, 0),
        data: data.as_ptr().cast_mut(),
    };
    v.set_len(data.len() as _);
    v.set_no_cacheable(u32::from(!cacheable));
    v
}

unsafe extern "C" fn status_variable(
    r: *mut ngx_http_request_t,
    v: *mut ngx_http_variable_value_t,
    _data: usize,
) -> ngx_int_t {
    // SAFETY: nginx passes a valid request and the value to fill in
    let (r, v) = unsafe { (&mut *r, &mut *v) };
    *v = value(evaluate(r).status.as_str().as_bytes(), false);
    NGX_OK as ngx_int_t
}

unsafe extern "C" fn label_variable(
    r: *mut ngx_http_request_t,
    v: *mut ngx_http_variable_value_t,
    _data: usize,
) -> ngx_int_t {
    // SAFETY: nginx passes a valid request and the value to fill in
    let (r, v) = unsafe { (&mut *r, &mut *v) };
    *v = value(evaluate(r).label, false);
    NGX_OK as ngx_int_t
}
