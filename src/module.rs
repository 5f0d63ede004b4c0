//! The module definition: directive table, http module context and the
//! `ngx_module_t` that nginx loads.

use core::ffi::c_void;
use core::ptr;

use ngx::ffi::{
    ngx_command_t, ngx_conf_t, ngx_http_module_t, ngx_int_t, ngx_module_t, ngx_uint_t,
    NGX_CONF_1MORE, NGX_CONF_TAKE1, NGX_CONF_TAKE123, NGX_HTTP_LOC_CONF, NGX_HTTP_LOC_CONF_OFFSET,
    NGX_HTTP_MAIN_CONF, NGX_HTTP_MODULE, NGX_HTTP_SRV_CONF,
};
use ngx::ngx_string;

use crate::{conf, handler, variables};

const ANY_LEVEL: u32 = NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF;

static mut NGX_HTTP_MATTERMOST_PREAUTH_COMMANDS: [ngx_command_t; 7] = [
    ngx_command_t {
        name: ngx_string!("mattermost_preauth"),
        type_: (ANY_LEVEL | NGX_CONF_TAKE1) as ngx_uint_t,
        set: Some(conf::set_preauth),
        conf: NGX_HTTP_LOC_CONF_OFFSET,
        offset: 0,
        post: ptr::null_mut(),
    },
    ngx_command_t {
        name: ngx_string!("mattermost_preauth_secret"),
        type_: (ANY_LEVEL | NGX_CONF_TAKE123) as ngx_uint_t,
        set: Some(conf::set_secret),
        conf: NGX_HTTP_LOC_CONF_OFFSET,
        offset: 0,
        post: ptr::null_mut(),
    },
    ngx_command_t {
        name: ngx_string!("mattermost_preauth_secret_file"),
        type_: (ANY_LEVEL | NGX_CONF_TAKE1) as ngx_uint_t,
        set: Some(conf::set_secret_file),
        conf: NGX_HTTP_LOC_CONF_OFFSET,
        offset: 0,
        post: ptr::null_mut(),
    },
    ngx_command_t {
        name: ngx_string!("mattermost_preauth_exempt"),
        type_: (ANY_LEVEL | NGX_CONF_1MORE) as ngx_uint_t,
        set: Some(conf::set_exempt),
        conf: NGX_HTTP_LOC_CONF_OFFSET,
        offset: 0,
        post: ptr::null_mut(),
    },
    ngx_command_t {
        name: ngx_string!("mattermost_preauth_dry_run"),
        type_: (ANY_LEVEL | NGX_CONF_TAKE1) as ngx_uint_t,
        set: Some(conf::set_dry_run),
        conf: NGX_HTTP_LOC_CONF_OFFSET,
        offset: 0,
        post: ptr::null_mut(),
    },
    ngx_command_t {
        name: ngx_string!("mattermost_preauth_log_level"),
        type_: (ANY_LEVEL | NGX_CONF_TAKE1) as ngx_uint_t,
        set: Some(conf::set_log_level),
        conf: NGX_HTTP_LOC_CONF_OFFSET,
        offset: 0,
        post: ptr::null_mut(),
    },
    ngx_command_t::empty(),
];

static NGX_HTTP_MATTERMOST_PREAUTH_MODULE_CTX: ngx_http_module_t = ngx_http_module_t {
    preconfiguration: Some(preconfiguration),
    postconfiguration: Some(postconfiguration),
    create_main_conf: Some(conf::create_main_conf),
    init_main_conf: None,
    create_srv_conf: None,
    merge_srv_conf: None,
    create_loc_conf: Some(conf::create_loc_conf),
    merge_loc_conf: Some(conf::merge_loc_conf),
};

// The exports that nginx reads from a dynamic module built outside of its
// own build system: the modules, their names, and where to put them in the
// module list. Placed before the headers filter, the module's header filter
// runs after `add_header`, so the refusal's two headers replace any that
// `add_header ... always` set.
#[cfg(feature = "export-modules")]
mod exports {
    use core::ffi::c_char;
    use core::ptr;

    use ngx::ffi::ngx_module_t;

    const NAME: &core::ffi::CStr = c"ngx_http_mattermost_preauth_module";

    #[no_mangle]
    #[allow(non_upper_case_globals)]
    pub static mut ngx_modules: [*const ngx_module_t; 2] = [
        ptr::addr_of!(super::ngx_http_mattermost_preauth_module),
        ptr::null(),
    ];

    #[no_mangle]
    #[allow(non_upper_case_globals)]
    pub static mut ngx_module_names: [*const c_char; 2] = [NAME.as_ptr(), ptr::null()];

    #[no_mangle]
    #[allow(non_upper_case_globals)]
    pub static mut ngx_module_order: [*const c_char; 3] = [
        NAME.as_ptr(),
        c"ngx_http_headers_filter_module".as_ptr(),
        ptr::null(),
    ];
}

#[used]
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static mut ngx_http_mattermost_preauth_module: ngx_module_t = ngx_module_t {
    ctx: ptr::addr_of!(NGX_HTTP_MATTERMOST_PREAUTH_MODULE_CTX) as *mut c_void,
    commands: unsafe { ptr::addr_of_mut!(NGX_HTTP_MATTERMOST_PREAUTH_COMMANDS[0]) },
    type_: NGX_HTTP_MODULE as ngx_uint_t,
    ..ngx_module_t::default()
};

/// The module definition, for configuration and request lookups.
pub fn module() -> &'static ngx_module_t {
    // SAFETY: nginx writes the module's indexes once, while loading it,
    // before any configuration or request code runs
    unsafe { &*ptr::addr_of!(ngx_http_mattermost_preauth_module) }
}

/// Adds the variables, before the configuration that may use them is read.
unsafe extern "C" fn preconfiguration(cf: *mut ngx_conf_t) -> ngx_int_t {
    // SAFETY: nginx calls this with a valid configuration context
    unsafe { variables::add(cf) }
}

/// Installs the handlers, only where some configuration turns the check on.
unsafe extern "C" fn postconfiguration(cf: *mut ngx_conf_t) -> ngx_int_t {
    // SAFETY: nginx calls this with a valid configuration context
    unsafe { handler::install(cf) }
}
