#!/usr/bin/perl

# Tests for the mattermost_preauth module: $mattermost_preauth_status and
# $mattermost_preauth_secret_label, read before the access phase (by "set"
# and by limit_req), after it, and after an error_page redirect.

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

my $secret = 'Va3Kq8Zr1Xm6Nc4Vt9Yp2Hg7Jd5Fa0Ue3So8Ti1Lw';
my $unlabelled = 'Vb6Nx1Qa4Zr9Vt2Kc7Yp0Hg3Jw5Ld8Eb1Su4Io7X';
my $expired = 'Vc9Mf2Nx5Qa8Zr3Vt6Kc1Yp4Hg7Jw0Ld5Eb8Su3I';
my $wrong = 'wrong-Vd2Xn5Mf8Qa1Zr4Vt7Kc0Yp3Hg6Jw9Ld2Eb5';
my $name = 'X-Mattermost-Preauth-Secret';

my $t = Preauth::Nginx->new();

$t->forbid_in_logs($wrong);
$t->write_file('errors/refused.html', "refused page\n");

$t->write_config(<<"EOF");

%%GLOBALS%%

events {
}

http {
	%%HTTP_GLOBALS%%

	log_format preauth '\$request_uri \$status \$mattermost_preauth_status '
		'"\$mattermost_preauth_secret_label" early=\$preauth_early';

	# only requests that fail the check are counted
	map \$mattermost_preauth_status \$preauth_limit {
		ok      "";
		exempt  "";
		off     "";
		default \$binary_remote_addr;
	}

	limit_req_zone \$preauth_limit zone=failing:1m rate=1r/m;

	server {
		listen       127.0.0.1:%%PORT_1%%;
		server_name  localhost;

		access_log %%TESTDIR%%/preauth.log preauth;

		mattermost_preauth on;
		mattermost_preauth_secret "$secret" label=app;
		mattermost_preauth_secret "$unlabelled";
		mattermost_preauth_secret "$expired" label=gone expires=2020-01-01;
		mattermost_preauth_exempt /exempt ^~ /limited/open/;

		proxy_set_header X-Early \$preauth_early;
		proxy_set_header X-Late \$mattermost_preauth_status;
		proxy_set_header X-Label \$mattermost_preauth_secret_label;

		location / {
			set \$preauth_early \$mattermost_preauth_status;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /limited/ {
			set \$preauth_early \$mattermost_preauth_status;
			limit_req zone=failing;
			limit_req_status 429;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /off/ {
			mattermost_preauth off;
			set \$preauth_early \$mattermost_preauth_status;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /page/ {
			set \$preauth_early \$mattermost_preauth_status;
			error_page 403 /errors/refused.html;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /errors/ {
			mattermost_preauth off;
			set \$preauth_early \$mattermost_preauth_status;
			root %%TESTDIR%%;
		}

		location /named/ {
			set \$preauth_early \$mattermost_preauth_status;
			error_page 403 \@refused;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location \@refused {
			mattermost_preauth off;
			set \$preauth_early \$mattermost_preauth_status;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}
	}

	server {
		listen       127.0.0.1:%%PORT_2%%;
		server_name  backend;

		location / {
			return 200
				"early=\$http_x_early late=\$http_x_late label=\$http_x_label\\n";
		}
	}
}

EOF

$t->run()->plan(52);

###############################################################################

# every value, read before the access phase ("early", by set in the
# location) and after it (in the proxied request and the access log)

my $r = get('/ok', $secret);
not_refused_ok($r, 200, 'ok: allowed');
is($r->body, "early=ok late=ok label=app\n", 'ok: variables');
is(logged('/ok'), '200 ok "app" early=ok', 'ok: logged');

$r = get('/unlabelled', $unlabelled);
is($r->body, "early=ok late=ok label=\n", 'ok without label: variables');
is(logged('/unlabelled'), '200 ok "" early=ok', 'ok without label: logged');

refused_ok($t->http_get('/missing'), 'missing: refused');
is(logged('/missing'), '403 missing "" early=missing', 'missing: logged');

refused_ok($t->http_get('/empty', $name => ''), 'empty: refused');
is(logged('/empty'), '403 missing "" early=missing', 'empty: logged');

refused_ok(get('/invalid', $wrong), 'invalid: refused');
is(logged('/invalid'), '403 invalid "" early=invalid', 'invalid: logged');

refused_ok($t->http_get('/duplicate', $name => $secret, $name => $secret),
	'duplicate: refused');
is(logged('/duplicate'), '403 duplicate "" early=duplicate',
	'duplicate: logged');

refused_ok(get('/expired', $expired), 'expired: refused');
is(logged('/expired'), '403 expired "gone" early=expired', 'expired: logged');

$r = $t->http_get('/exempt');
not_refused_ok($r, 200, 'exempt: allowed');
is($r->body, "early=exempt late=exempt label=\n", 'exempt: variables');
is(logged('/exempt'), '200 exempt "" early=exempt', 'exempt: logged');

$r = get('/exempt?wrong', $wrong);
is($r->body, "early=exempt late=exempt label=\n",
	'exempt with wrong secret: variables');

$r = get('/exempt?right', $secret);
is($r->body, "early=ok late=ok label=app\n",
	'exempt with right secret: variables');
is(logged('/exempt?right'), '200 ok "app" early=ok',
	'exempt with right secret: logged');

$r = $t->http_get('/off/none');
not_refused_ok($r, 200, 'off: allowed');
is($r->body, "early=off late=off label=\n", 'off: variables');
is(logged('/off/none'), '200 off "" early=off', 'off: logged');

$r = get('/off/secret', $secret);
is($r->body, "early=off late=off label=\n", 'off with secret: variables');

# after an error_page redirect to a location where the check is off, the
# first check of the request still decides

$r = get('/page/wrong', $wrong);
refused_ok($r, 'error page: refused');
is($r->body, "refused page\n", 'error page: served');
is(logged('/page/wrong'), '403 invalid "" early=invalid', 'error page: logged');

$r = get('/page/expired', $expired);
refused_ok($r, 'error page expired: refused');
is(logged('/page/expired'), '403 expired "gone" early=expired',
	'error page expired: logged');

$r = get('/page/right', $secret);
is($r->body, "early=ok late=ok label=app\n", 'error page not used: variables');

$r = $t->http_get('/named/missing');
refused_ok($r, 'named error page: refused');
is($r->body, "early=missing late=missing label=\n",
	'named error page: variables');
is(logged('/named/missing'), '403 missing "" early=missing',
	'named error page: logged');

$r = get('/named/expired', $expired);
is($r->body, "early=expired late=expired label=gone\n",
	'named error page expired: variables');

# limit_req keyed on the status, in the preaccess phase: failing requests
# are limited, good ones never

not_refused_ok(get('/limited/good-1', $secret), 200, 'limited: good 1');
not_refused_ok(get('/limited/good-2', $secret), 200, 'limited: good 2');

refused_ok(get('/limited/bad-1', $wrong), 'limited: first failing refused');

$r = get('/limited/bad-2', $wrong);
is($r->status, 429, 'limited: second failing limited');
is(logged('/limited/bad-2'), '429 invalid "" early=invalid',
	'limited: second failing logged');

$r = $t->http_get('/limited/bad-3');
is($r->status, 429, 'limited: missing limited');
is(logged('/limited/bad-3'), '429 missing "" early=missing',
	'limited: missing logged');

is(get('/limited/bad-4', $expired)->status, 429, 'limited: expired limited');
is(get('/limited/bad-5', $wrong)->status, 429, 'limited: still limited');

not_refused_ok(get('/limited/good-3', $secret), 200,
	'limited: good after failing');
not_refused_ok(get('/limited/good-4', $unlabelled), 200,
	'limited: other good after failing');
is(logged('/limited/good-4'), '200 ok "" early=ok', 'limited: good logged');

$r = $t->http_get('/limited/open/page');
not_refused_ok($r, 200, 'limited: exempt not limited');
is(logged('/limited/open/page'), '200 exempt "" early=exempt',
	'limited: exempt logged');

like($t->error_log_for('/limited/bad-2'), qr/limiting requests/,
	'limited: limit_req logged');
is($t->refusal_reasons('/limited/bad-2'), '',
	'limited: no refusal logged for limited request');
is($t->refusal_reasons('/limited/bad-1'), 'invalid',
	'limited: refusal logged for first failing');

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
