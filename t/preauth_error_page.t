#!/usr/bin/perl

# Tests for the mattermost_preauth module: internal redirects by
# error_page, try_files and rewrite, which check the new URI again.

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

my $secret = '6Fu3cvvtXbFQ++mGoyMZHZPA8/9Knu1yaWYl/cS2CYk=';
my $wrong = 'wrong-mDhCB5Bi3sWMxbKJatk4EMmC4HpqQRwjL+KRtT1j7Po=';
my $name = 'X-Mattermost-Preauth-Secret';

my $t = Preauth::Nginx->new()->write_config(<<'EOF');

%%GLOBALS%%

events {
}

http {
	%%HTTP_GLOBALS%%

	server {
		listen       127.0.0.1:%%PORT_1%%;
		server_name  localhost;

		mattermost_preauth_secret "6Fu3cvvtXbFQ++mGoyMZHZPA8/9Knu1yaWYl/cS2CYk=";

		location /page/ {
			mattermost_preauth on;
			error_page 403 /errors/refused.html;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /errors/ {
			root %%TESTDIR%%;
		}

		location /named/ {
			mattermost_preauth on;
			error_page 403 @refused;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location @refused {
			rewrite ^ /named-refused break;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /dropped/ {
			mattermost_preauth on;
			error_page 403 = @drop;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location @drop {
			return 444;
		}

		location /replaced/ {
			mattermost_preauth on;
			error_page 403 =200 /errors/refused.html;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /guarded-page/ {
			mattermost_preauth on;
			error_page 403 /guarded-errors/refused.html;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /guarded-errors/ {
			mattermost_preauth on;
			root %%TESTDIR%%;
		}

		location /exempt-page/ {
			mattermost_preauth on;
			mattermost_preauth_exempt ^~ /exempt-errors/;
			error_page 403 /exempt-errors/refused.html;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /exempt-errors/ {
			mattermost_preauth on;
			mattermost_preauth_exempt ^~ /exempt-errors/;
			root %%TESTDIR%%;
		}

		location /inherited/ {
			mattermost_preauth on;
			error_page 403 /inherited/errors/refused.html;

			location /inherited/app/ {
				proxy_pass http://127.0.0.1:%%PORT_2%%;
			}

			location /inherited/errors/ {
				satisfy any;
				allow all;
				root %%TESTDIR%%;
			}
		}

		location /local-page/ {
			mattermost_preauth on;
			error_page 403 /local-errors/refused.html;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /local-errors/ {
			mattermost_preauth on;
			satisfy any;
			allow 127.0.0.1;
			deny all;
			root %%TESTDIR%%;
		}

		location /files/ {
			root %%TESTDIR%%;
			try_files $uri /app$uri;
		}

		location /old/ {
			rewrite ^/old/(.*)$ /app/$1 last;
		}

		location /ack-alias {
			rewrite ^ /app/api/v4/notifications/ack last;
		}

		location /app/ {
			mattermost_preauth on;
			mattermost_preauth_exempt /app/api/v4/notifications/ack;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /to-open/ {
			mattermost_preauth on;
			rewrite ^/to-open/(.*)$ /open/$1 last;
		}

		location /open/ {
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}
	}

	server {
		listen       127.0.0.1:%%PORT_2%%;
		server_name  backend;

		location / {
			return 200 "backend $uri\n";
		}

		location /named-refused {
			return 200 "named refusal page\n";
		}
	}
}

EOF

$t->write_file('errors/refused.html', "custom refusal page\n");
$t->write_file('guarded-errors/refused.html', "guarded refusal page\n");
$t->write_file('exempt-errors/refused.html', "exempt refusal page\n");
$t->write_file('inherited/errors/refused.html', "allowed refusal page\n");
$t->write_file('local-errors/refused.html', "local refusal page\n");
$t->write_file('files/present.txt', "static file\n");
$t->forbid_in_logs($wrong);
$t->run()->plan(51);

###############################################################################

# error_page to a URI in a location with the module off

my $r = $t->http_get('/page/x');
refused_ok($r, 'error page to uri keeps reject headers');
is($r->body, "custom refusal page\n", 'error page to uri body');
is($t->refusal_reasons('/page/x'), 'missing', 'error page refusal logged once');

$r = $t->http_get('/page/y', $name => $wrong);
refused_ok($r, 'error page with wrong secret');
is($r->body, "custom refusal page\n", 'error page with wrong secret body');

$r = $t->http_get('/page/z', $name => $secret);
not_refused_ok($r, 200, 'error page location with secret');
is($r->body, "backend /page/z\n", 'error page location with secret body');

$r = $t->http_head('/page/head');
refused_ok($r, 'error page to uri with head');

# error_page to a named location

$r = $t->http_get('/named/x');
refused_ok($r, 'error page to named location keeps reject headers');
is($r->body, "named refusal page\n", 'error page to named location body');
is($t->refusal_reasons('/named/x'), 'missing',
	'named location refusal logged once');
not_refused_ok($t->http_get('/named/y', $name => $secret), 200,
	'named location not used with secret');

# error_page changing the status

$r = $t->http_get('/replaced/x');
is($r->status, 200, 'error page with other status');
is($r->body, "custom refusal page\n", 'error page with other status body');

# an error page in a guarded location is refused too

$r = $t->http_get('/guarded-page/x');
refused_ok($r, 'guarded error page refused');
unlike($r->body, qr/guarded refusal page/, 'guarded error page not served');

$r = $t->http_get('/exempt-page/x');
refused_ok($r, 'exempt error page keeps reject headers');
is($r->body, "exempt refusal page\n", 'exempt error page served');

# an error page that the module refuses too, but that satisfy any allows:
# the refusal it answers stands

$r = $t->http_get('/inherited/app/x');
refused_ok($r, 'allowed error page keeps reject headers');
is($r->body, "allowed refusal page\n", 'allowed error page served');
is($t->refusal_reasons('/inherited/app/x'), 'missing',
	'allowed error page refusal logged once');

$r = $t->http_get('/inherited/app/y', $name => $wrong);
refused_ok($r, 'allowed error page with wrong secret');
is($t->refusal_reasons('/inherited/app/y'), 'invalid',
	'allowed error page keeps first reason');

$r = $t->http_get('/inherited/errors/refused.html');
not_refused_ok($r, 200, 'allowed error page on its own');
is($t->refusal_reasons('/inherited/errors/refused.html'), '',
	'allowed error page on its own not logged');

$r = $t->http_get('/local-page/x');
refused_ok($r, 'error page allowed by address keeps reject headers');
is($r->body, "local refusal page\n", 'error page allowed by address served');
is($t->refusal_reasons('/local-page/x'), 'missing',
	'error page allowed by address logged once');

# the log line: the reason, then nginx's client and request context

like($t->error_log_for('/inherited/app/x'),
	refusal_line('missing', '/inherited/app/x'),
	'log line of refusal with error page');
like($t->error_log_for('/local-page/x'),
	refusal_line('missing', '/local-page/x'),
	'log line of refusal with error page allowed by address');
like($t->error_log_for('/page/y'), refusal_line('invalid', '/page/y'),
	'log line of refusal with open error page');

refused_ok($t->http_get('/app/plain'), 'plain refusal');
like($t->error_log_for('/app/plain'), refusal_line('missing', '/app/plain'),
	'log line of plain refusal');

# try_files falling back into a guarded location

$r = $t->http_get('/files/present.txt');
not_refused_ok($r, 200, 'try_files finds static file');
is($r->body, "static file\n", 'try_files static file body');

$r = $t->http_get('/files/absent.txt');
refused_ok($r, 'try_files fallback refused');
is($t->refusal_reasons('/files/absent.txt'), 'missing',
	'try_files fallback refusal logged once');

$r = $t->http_get('/files/absent.txt', $name => $secret);
not_refused_ok($r, 200, 'try_files fallback with secret');
is($r->body, "backend /app/files/absent.txt\n",
	'try_files fallback with secret body');

# rewrite ... last into a guarded location

refused_ok($t->http_get('/old/x'), 'rewrite into guarded location refused');
refused_ok($t->http_get('/old/x', $name => $wrong),
	'rewrite with wrong secret refused');

$r = $t->http_get('/old/x', $name => $secret);
not_refused_ok($r, 200, 'rewrite into guarded location with secret');
is($r->body, "backend /app/x\n", 'rewrite with secret body');

$r = $t->http_get('/ack-alias');
not_refused_ok($r, 200, 'rewrite to exempt uri');
is($r->body, "backend /app/api/v4/notifications/ack\n",
	'rewrite to exempt uri body');

refused_ok($t->http_get('/old/api/v4/notifications/ack/'),
	'rewrite to near exempt uri refused');

# the check follows the redirect, out of a guarded location too

$r = $t->http_get('/to-open/x');
not_refused_ok($r, 200, 'rewrite out of guarded location');
is($r->body, "backend /open/x\n", 'rewrite out of guarded location body');

# an error page that closes the connection sends no response at all

$r = $t->http_get('/dropped/x');
is($r->raw, '', 'dropped refusal gets no response');
is($t->refusal_reasons('/dropped/x'), 'missing',
	'dropped refusal logged once');

# one line per refused request, also where its error page was refused again
is($t->refusal_count(), 16, 'one log line per refused request');

###############################################################################

$t->finish();

###############################################################################
