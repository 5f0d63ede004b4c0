#!/usr/bin/perl

# Tests for the mattermost_preauth module: mattermost_preauth_dry_run, which
# evaluates and logs without refusing, and mattermost_preauth_log_level.

###############################################################################

use warnings;
use strict;

use Test::More;

use FindBin;
use lib "$FindBin::Bin/lib";
use Preauth::Nginx;

###############################################################################

select STDERR; $| = 1;
select STDOUT; $| = 1;

my $secret = 'Dr4Kq9Zr2Xm7Nc5Vt8Yp1Hg6Jd3Fa0Ue4So7Ti2Lw';
my $expired = 'Dx7Nx3Qa6Zr1Vt4Kc9Yp2Hg5Jw7Ld0Eb3Su6Io1X';
my $wrong = 'wrong-Dw2Mf5Nx8Qa1Zr4Vt7Kc0Yp3Hg6Jw9Ld2Eb5';
my $name = 'X-Mattermost-Preauth-Secret';

my $t = Preauth::Nginx->new();

$t->forbid_in_logs($wrong);

$t->write_config(<<"EOF");

%%GLOBALS%%

events {
}

http {
	%%HTTP_GLOBALS%%

	log_format preauth '\$request_uri \$status \$mattermost_preauth_status '
		'"\$mattermost_preauth_secret_label"';

	server {
		listen       127.0.0.1:%%PORT_1%%;
		server_name  localhost;

		access_log %%TESTDIR%%/preauth.log preauth;

		mattermost_preauth on;
		mattermost_preauth_secret "$secret" label=app;
		mattermost_preauth_secret "$expired" label=gone expires=2020-01-01;
		mattermost_preauth_exempt /dry/exempt;

		location / {
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /dry/ {
			mattermost_preauth_dry_run on;
			proxy_pass http://127.0.0.1:%%PORT_2%%;

			location /dry/enforced/ {
				mattermost_preauth_dry_run off;
				proxy_pass http://127.0.0.1:%%PORT_2%%;
			}
		}

		location /dry-fallback/ {
			mattermost_preauth_dry_run on;
			try_files /nonexistent /any-other/\$uri;
		}

		location /any-other/ {
			satisfy any;
			allow 127.0.0.1;
			deny all;
			mattermost_preauth_secret "other-$secret";
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /dry-notice/ {
			mattermost_preauth_dry_run on;
			mattermost_preauth_log_level notice;
			error_page 403 /never.html;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /info/ {
			mattermost_preauth_log_level info;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /notice/ {
			mattermost_preauth_log_level notice;
			error_page 403 /never.html;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /warn/ {
			mattermost_preauth_log_level warn;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /error/ {
			mattermost_preauth_log_level error;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /quiet-info/ {
			mattermost_preauth_log_level info;
			error_log %%TESTDIR%%/quiet-info.log notice;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /quiet-warn/ {
			mattermost_preauth_log_level warn;
			error_log %%TESTDIR%%/quiet-warn.log error;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /loud-warn/ {
			mattermost_preauth_log_level warn;
			error_log %%TESTDIR%%/loud-warn.log warn;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}
	}

	server {
		listen       127.0.0.1:%%PORT_2%%;
		server_name  backend;

		location / {
			return 200 "backend \$uri\\n";
		}
	}
}

EOF

$t->run()->plan(45);

###############################################################################

# dry run: never refused, but logged, with the variables set

my $r = $t->http_get('/dry/missing');
not_refused_ok($r, 200, 'dry run: missing not refused');
is($r->body, "backend /dry/missing\n", 'dry run: missing proxied');
is(logged('/dry/missing'), '200 missing ""', 'dry run: missing access log');
like($t->error_log_for('/dry/missing'),
	qr/\[error\] \d+#\d+: \*\d+ missing pre-authentication secret, dry run,/,
	'dry run: missing error log');

$r = get('/dry/wrong', $wrong);
not_refused_ok($r, 200, 'dry run: invalid not refused');
is(logged('/dry/wrong'), '200 invalid ""', 'dry run: invalid access log');
like($t->error_log_for('/dry/wrong'),
	qr/\] \d+#\d+: \*\d+ invalid pre-authentication secret, dry run,/,
	'dry run: invalid error log');

$r = $t->http_get('/dry/duplicate', $name => $secret, $name => $wrong);
not_refused_ok($r, 200, 'dry run: duplicate not refused');
is(logged('/dry/duplicate'), '200 duplicate ""',
	'dry run: duplicate access log');
like($t->error_log_for('/dry/duplicate'),
	qr/\] \d+#\d+: \*\d+ duplicate pre-authentication secret header, dry run,/,
	'dry run: duplicate error log');

$r = get('/dry/expired', $expired);
not_refused_ok($r, 200, 'dry run: expired not refused');
is(logged('/dry/expired'), '200 expired "gone"', 'dry run: expired access log');
like($t->error_log_for('/dry/expired'),
	qr/\] \d+#\d+: \*\d+ expired pre-authentication secret "gone", dry run,/,
	'dry run: expired error log');

# a dry run, then a refusal that satisfy any overrules: the dry run's line,
# with its own reason and label

$r = get('/dry-fallback/x', $expired);
not_refused_ok($r, 200, 'dry run then overruled refusal: allowed');
like($t->error_log_for('/dry-fallback/x'),
	qr/\] \d+#\d+: \*\d+ expired pre-authentication secret "gone", dry run,/,
	'dry run then overruled refusal: dry run logged');
is($t->refusal_reasons('/dry-fallback/x'), 'expired',
	'dry run then overruled refusal: one line');

$r = get('/dry/right', $secret);
not_refused_ok($r, 200, 'dry run: right secret');
is(logged('/dry/right'), '200 ok "app"', 'dry run: right secret access log');
is($t->error_log_for('/dry/right'), '', 'dry run: right secret not logged');

$r = $t->http_get('/dry/exempt');
not_refused_ok($r, 200, 'dry run: exempt');
is(logged('/dry/exempt'), '200 exempt ""', 'dry run: exempt access log');
is($t->error_log_for('/dry/exempt'), '', 'dry run: exempt not logged');

$r = $t->http_head('/dry/head');
not_refused_ok($r, 200, 'dry run: head not refused');

# a nested location that turns dry run off refuses again

refused_ok($t->http_get('/dry/enforced/x'), 'dry run off in nested location');
like($t->error_log_for('/dry/enforced/x'),
	qr/\] \d+#\d+: \*\d+ missing pre-authentication secret, client: /,
	'dry run off: logged without dry run');

# dry run at another level

$r = $t->http_get('/dry-notice/x');
not_refused_ok($r, 200, 'dry run notice: allowed');
is($r->body, "backend /dry-notice/x\n", 'dry run notice: no error page');
like($t->error_log_for('/dry-notice/x'),
	qr/\[notice\] \d+#\d+: \*\d+ missing pre-authentication secret, dry run,/,
	'dry run notice: logged at notice');

# log levels: the line is written at the level chosen

for my $level (qw(info notice warn error)) {
	refused_ok($t->http_get("/$level/x"), "$level: refused");
	like($t->error_log_for("/$level/x"),
		qr/\[$level\] \d+#\d+: \*\d+ missing pre-authentication secret, /,
		"$level: logged at $level");
}

refused_ok($t->http_get('/missing'), 'default level: refused');
like($t->error_log_for('/missing'),
	qr/\[error\] \d+#\d+: \*\d+ missing pre-authentication secret, /,
	'default level: logged at error');

# and not written where the error log is kept at a higher level

refused_ok($t->http_get('/quiet-info/x'), 'info under notice: refused');
refused_ok(get('/quiet-warn/x', $wrong), 'warn under error: refused');
refused_ok(get('/loud-warn/x', $wrong), 'warn under warn: refused');

is(join("\n", $t->log_lines('quiet-info.log', qr/pre-authentication/)), '',
	'info under notice: not logged');
is(join("\n", $t->log_lines('quiet-warn.log', qr/pre-authentication/)), '',
	'warn under error: not logged');
like($t->read_file('loud-warn.log'),
	qr/\[warn\] \d+#\d+: \*\d+ invalid pre-authentication secret, /,
	'warn under warn: logged');

is(logged('/quiet-info/x'), '403 missing ""', 'info under notice: access log');

###############################################################################

$t->finish();

###############################################################################

sub get {
	my ($uri, $value) = @_;
	return $t->http_get($uri, $name => $value);
}

# the access log line of the request to $uri, without the URI
sub logged {
	my ($uri) = @_;
	return $t->log_line_for('preauth.log', $uri);
}

###############################################################################
