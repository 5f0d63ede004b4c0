#!/usr/bin/perl

# Tests for the mattermost_preauth module: satisfy any and all with the
# access and auth_basic modules, and 403 responses from elsewhere.

###############################################################################

use warnings;
use strict;

use Test::More;

use MIME::Base64 qw(encode_base64);

use FindBin;
use lib "$FindBin::Bin/lib";
use Preauth::Nginx;

###############################################################################

select STDERR; $| = 1;
select STDOUT; $| = 1;

my $secret = 'cuzq4W2LUY1kIVBYc+HbOkz3XRjtHzkcRxhknVJM0HE=';
my $wrong = 'wrong-6Fu3cvvtXbFQ++mGoyMZHZPA8/9Knu1yaWYl/cS2CYk=';
my $name = 'X-Mattermost-Preauth-Secret';
my @user = ('Authorization'
	=> 'Basic ' . encode_base64('alice:Wonder-7Land', ''));
my $bad_user = 'Basic ' . encode_base64('alice:wrong', '');

my $t = Preauth::Nginx->new()->write_config(<<'EOF');

%%GLOBALS%%

events {
}

http {
	%%HTTP_GLOBALS%%

	server {
		listen       127.0.0.1:%%PORT_1%%;
		server_name  localhost;

		mattermost_preauth on;
		mattermost_preauth_secret "cuzq4W2LUY1kIVBYc+HbOkz3XRjtHzkcRxhknVJM0HE=";

		location /any-allow/ {
			satisfy any;
			allow 127.0.0.1;
			deny all;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /any-deny/ {
			satisfy any;
			deny all;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /all-allow/ {
			allow 127.0.0.1;
			deny all;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /all-deny/ {
			deny all;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /any-basic/ {
			satisfy any;
			auth_basic "staff";
			auth_basic_user_file %%TESTDIR%%/htpasswd;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /all-basic/ {
			auth_basic "staff";
			auth_basic_user_file %%TESTDIR%%/htpasswd;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /upstream-403/ {
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /exempt/ {
			mattermost_preauth_exempt ^~ /exempt/;
			deny all;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /exempt-any/ {
			mattermost_preauth_exempt ^~ /exempt-any/;
			satisfy any;
			deny all;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}
	}

	server {
		listen       127.0.0.1:%%PORT_2%%;
		server_name  backend;

		location / {
			return 200 "backend $uri\n";
		}

		location /upstream-403/ {
			return 403 "upstream refused\n";
		}
	}
}

EOF

$t->write_file('htpasswd', "alice:{PLAIN}Wonder-7Land\n");
$t->forbid_in_logs($wrong, 'Wonder-7Land');
$t->run()->plan(38);

###############################################################################

# satisfy any: another module allowing is enough

not_refused_ok($t->http_get('/any-allow/missing'), 200,
	'any: allowed address without secret');
not_refused_ok($t->http_get('/any-allow/wrong', $name => $wrong), 200,
	'any: allowed address with wrong secret');
not_refused_ok($t->http_get('/any-allow/dup', $name => $secret,
	$name => $secret), 200, 'any: allowed address with duplicate secret');
not_refused_ok($t->http_get('/any-allow/right', $name => $secret), 200,
	'any: allowed address with secret');

refused_ok($t->http_get('/any-deny/missing'),
	'any: denied address without secret refused');
refused_ok($t->http_get('/any-deny/wrong', $name => $wrong),
	'any: denied address with wrong secret refused');
not_refused_ok($t->http_get('/any-deny/right', $name => $secret), 200,
	'any: denied address with secret');
is($t->refusal_reasons('/any-deny/missing'), 'missing',
	'any: refusal logged once');

# satisfy all: every module must allow

refused_ok($t->http_get('/all-allow/missing'),
	'all: allowed address without secret refused');
not_refused_ok($t->http_get('/all-allow/right', $name => $secret), 200,
	'all: allowed address with secret');

my $r = $t->http_get('/all-deny/right', $name => $secret);
not_refused_ok($r, 403, 'all: denied address with secret');
like($t->error_log_for('/all-deny/right'), qr/access forbidden by rule/,
	'all: denied by access module');
is($t->refusal_reasons('/all-deny/right'), '',
	'all: secret not logged as refusal');
is($t->http_get('/all-deny/missing')->status, 403,
	'all: denied address without secret');

# auth_basic

not_refused_ok($t->http_get('/any-basic/user', @user), 200,
	'any: user without secret');
not_refused_ok($t->http_get('/any-basic/secret', $name => $secret), 200,
	'any: secret without user');
not_refused_ok($t->http_get('/any-basic/both', $name => $secret, @user), 200,
	'any: user and secret');
not_refused_ok($t->http_get('/any-basic/none'), 401,
	'any: neither user nor secret');
not_refused_ok($t->http_get('/any-basic/bad', 'Authorization' => $bad_user,
	$name => $wrong), 401, 'any: wrong user and wrong secret');

not_refused_ok($t->http_get('/all-basic/both', $name => $secret, @user), 200,
	'all: user and secret');
refused_ok($t->http_get('/all-basic/user', @user),
	'all: user without secret refused');
refused_ok($t->http_get('/all-basic/wrong', $name => $wrong, @user),
	'all: user with wrong secret refused');

$r = $t->http_get('/all-basic/secret', $name => $secret);
not_refused_ok($r, 401, 'all: secret without user');
like($r->header('WWW-Authenticate'), qr/Basic realm="staff"/,
	'all: secret without user asked for credentials');

# a 403 from the upstream is not a refusal

$r = $t->http_get('/upstream-403/x', $name => $secret);
not_refused_ok($r, 403, 'upstream 403 without reject headers');
is($r->body, "upstream refused\n", 'upstream 403 body');
refused_ok($t->http_get('/upstream-403/x'),
	'upstream location refused without secret');

# exemptions leave the decision to other modules

$r = $t->http_get('/exempt/x');
not_refused_ok($r, 403, 'exempt: denied address');
is($t->refusal_reasons('/exempt/x'), '', 'exempt: no refusal logged');
not_refused_ok($t->http_get('/exempt/y', $name => $secret), 403,
	'exempt: denied address with secret');

not_refused_ok($t->http_get('/exempt-any/right', $name => $secret), 200,
	'exempt any: secret grants access');
not_refused_ok($t->http_get('/exempt-any/missing'), 403,
	'exempt any: without secret denied by address');
not_refused_ok($t->http_get('/exempt-any/wrong', $name => $wrong), 403,
	'exempt any: wrong secret denied by address');

# only refused requests are logged

is($t->refusal_reasons('/any-allow/missing'), '',
	'any: allowed request not logged');
is($t->refusal_reasons('/any-allow/wrong'), '',
	'any: allowed wrong secret not logged');
is($t->refusal_reasons('/any-basic/user'), '', 'any: allowed user not logged');
is($t->refusal_reasons('/any-deny/wrong'), 'invalid',
	'any: refusal logged once');
is($t->refusal_reasons('/all-basic/user'), 'missing',
	'all: refusal logged once');

###############################################################################

$t->finish();

###############################################################################

###############################################################################
