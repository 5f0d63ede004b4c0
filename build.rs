//! Build script: passes what nginx-sys learned about the nginx tree it
//! builds against on to this crate.

fn main() {
    // nginx-sys exports the nginx version of the tree it was built against
    println!("cargo::rerun-if-env-changed=DEP_NGINX_VERSION_NUMBER");
    println!("cargo::rustc-check-cfg=cfg(ngx_feature, values(any()))");
    println!("cargo::rustc-check-cfg=cfg(ngx_os, values(any()))");

    // a dynamic module resolves nginx's symbols when nginx loads it
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("macos") {
        println!("cargo::rustc-link-arg=-undefined");
        println!("cargo::rustc-link-arg=dynamic_lookup");
    }
}
