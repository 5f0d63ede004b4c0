# Appends to nginx's Makefile the rule that builds the module's Rust code;
# nginx's configure reads it after config (see there), with ngx_addon_dir
# set to this directory. Other addons may have run in between, so only the
# NGX_MM_PREAUTH_* variables that config set are relied on.

# make runs in the nginx tree, the directory configure runs in
NGX_MM_PREAUTH_SOURCE=`pwd`

case "$NGX_OBJS" in
    /*) NGX_MM_PREAUTH_BUILD=$NGX_OBJS ;;
    *)  NGX_MM_PREAUTH_BUILD=$NGX_MM_PREAUTH_SOURCE/$NGX_OBJS ;;
esac

case "$ngx_addon_dir" in
    /*) NGX_MM_PREAUTH_MANIFEST=$ngx_addon_dir/Cargo.toml ;;
    *)  NGX_MM_PREAUTH_MANIFEST=$NGX_MM_PREAUTH_SOURCE/$ngx_addon_dir/Cargo.toml ;;
esac

cat << END                                                    >> $NGX_MAKEFILE

# cargo knows when the Rust code is out of date, so it is asked every time
.PHONY: $NGX_MM_PREAUTH_LIB

$NGX_MM_PREAUTH_LIB:
	NGINX_SOURCE_DIR="$NGX_MM_PREAUTH_SOURCE" \\
	NGINX_BUILD_DIR="$NGX_MM_PREAUTH_BUILD" \\
	$NGX_MM_PREAUTH_CARGO rustc \\
		--manifest-path "$NGX_MM_PREAUTH_MANIFEST" \\
		--lib --release --locked \\
		--no-default-features \\
		--crate-type staticlib \\
		--target-dir "$NGX_MM_PREAUTH_TARGET"

END

if [ "$NGX_MM_PREAUTH_LINK" = DYNAMIC ]; then
    cat << END                                                >> $NGX_MAKEFILE
$NGX_OBJS${ngx_dirsep}ngx_http_mattermost_preauth_module$ngx_modext: $NGX_MM_PREAUTH_LIB

END
fi
