//! NGINX module that enforces the Mattermost pre-authentication secret.
//!
//! Mattermost's desktop and mobile apps send the secret in every request as
//! the header `X-Mattermost-Preauth-Secret`. This module checks it in the
//! access phase, in constant time, and refuses a request without the right
//! secret with 403, `X-Reject-Reason: pre-auth` and `Cache-Control: no-store`
//! unless its URI is exempt:
//!
//! ```nginx
//! load_module modules/ngx_http_mattermost_preauth_module.so;
//!
//! http {
//!     mattermost_preauth on;
//!     mattermost_preauth_secret "...";
//!     mattermost_preauth_exempt /api/v4/notifications/ack;
//! }
//! ```
//!
//! Secrets may carry a label and an expiry date, be given as their SHA-256
//! digest, and come from secret files; the outcome of each check is in the
//! variables `$mattermost_preauth_status` and
//! `$mattermost_preauth_secret_label`.
//!
//! The decision logic lives in plain Rust (`secret`, `exempt`, `verdict`)
//! and is tested by `cargo test` without nginx; `conf`, `handler`,
//! `variables` and `module` only translate between it and nginx, and are
//! left out of the unit tests, which have no nginx to link against.

// a panic in a worker would take it down with every connection it serves
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

pub mod exempt;
pub mod secret;
pub mod verdict;

#[cfg(not(test))]
mod conf;
#[cfg(not(test))]
mod handler;
#[cfg(not(test))]
mod module;
#[cfg(not(test))]
mod variables;

#[cfg(test)]
mod properties;
