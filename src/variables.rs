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

use core::ptr::NonNull;

use ngx::ffi::{
    ngx_conf_t, ngx_http_add_variable, ngx_http_get_variable_index, ngx_http_request_t,
    ngx_http_variable_value_t, ngx_int_t, ngx_str_t, NGX_ERROR, NGX_OK,
};
use ngx::http::HttpModuleConfExt;
use ngx::ngx_string;

use crate::conf::MainConf;
use crate::handler::{evaluate, Outcome};
use crate::module::module;

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
/// write to; called once the configuration is read, where it is used.
pub unsafe fn index(cf: *mut ngx_conf_t, main: &mut MainConf) -> bool {
    let mut status = STATUS;
    let mut label = LABEL;

    // SAFETY: nginx passes a valid configuration context
    let (status, label) = unsafe {
        (
            ngx_http_get_variable_index(cf, &mut status),
            ngx_http_get_variable_index(cf, &mut label),
        )
    };

    match (usize::try_from(status), usize::try_from(label)) {
        (Ok(status), Ok(label)) => {
            main.variables = Some((status, label));
            true
        }
        _ => false,
    }
}

/// Records the outcome of the request's access check, unless an earlier
/// check of the same request did.
pub fn record(r: &mut ngx_http_request_t, outcome: &Outcome) {
    let Some((status, label)) = slots(r) else {
        return;
    };

    // SAFETY: both slots are elements of the request's variables array
    let (status, label) = unsafe { (&mut *status.as_ptr(), &mut *label.as_ptr()) };

    if status.valid() != 0 && status.no_cacheable() == 0 {
        return;
    }

    set(status, outcome.status.as_str().as_bytes(), true);
    set(label, outcome.label, true);
}

/// The request's slots of the two variables, when they have slots.
fn slots(
    r: &ngx_http_request_t,
) -> Option<(
    NonNull<ngx_http_variable_value_t>,
    NonNull<ngx_http_variable_value_t>,
)> {
    // SAFETY: the main configuration is this module's MainConf, allocated
    // for the configuration the request runs in
    let main = unsafe { r.http_main_conf_unchecked::<MainConf>(module())?.as_ref() };
    let (status, label) = main.variables?;

    let vars = NonNull::new(r.variables)?;
    // SAFETY: r->variables has an entry for every indexed variable
    unsafe { Some((vars.add(status), vars.add(label))) }
}

fn set(v: &mut ngx_http_variable_value_t, value: &'static [u8], cacheable: bool) {
    v.set_len(value.len() as _);
    v.set_valid(1);
    v.set_no_cacheable(u32::from(!cacheable));
    v.set_not_found(0);
    v.set_escape(0);
    v.data = value.as_ptr().cast_mut();
}

unsafe extern "C" fn status_variable(
    r: *mut ngx_http_request_t,
    v: *mut ngx_http_variable_value_t,
    _data: usize,
) -> ngx_int_t {
    // SAFETY: nginx passes a valid request and the value to fill in
    let (r, v) = unsafe { (&mut *r, &mut *v) };
    let outcome = evaluate(r);
    set(v, outcome.status.as_str().as_bytes(), false);
    NGX_OK as ngx_int_t
}

unsafe extern "C" fn label_variable(
    r: *mut ngx_http_request_t,
    v: *mut ngx_http_variable_value_t,
    _data: usize,
) -> ngx_int_t {
    // SAFETY: nginx passes a valid request and the value to fill in
    let (r, v) = unsafe { (&mut *r, &mut *v) };
    let outcome = evaluate(r);
    set(v, outcome.label, false);
    NGX_OK as ngx_int_t
}
