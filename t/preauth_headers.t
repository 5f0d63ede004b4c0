#!/usr/bin/perl

# Tests for the mattermost_preauth module: the reject headers next to
# add_header and expires.

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

my $secret = 'Zq1x0Rkf3nVbW8yTgC5uLhJ2aPmE7sDoQiN4eKcX9jU=';
my $wrong = 'wrong-T4mB8vKz1QwY6rNcJ0hXsLdF3gP5aUeI7oZqW2yR=';
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

		mattermost_preauth on;
		mattermost_preauth_secret "Zq1x0Rkf3nVbW8yTgC5uLhJ2aPmE7sDoQiN4eKcX9jU=";

		location / {
			add_header Cache-Control "public, max-age=3600" always;
			add_header X-Reject-Reason other always;
			add_header X-Other kept always;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /expires/ {
			expires 1h;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /page/ {
			add_header X-Reject-Reason other always;
			error_page 403 /errors/refused.html;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /errors/ {
			mattermost_preauth off;
			add_header Cache-Control "public, max-age=3600" always;
			add_header X-Reject-Reason other always;
			root %%TESTDIR%%;
		}
	}

	server {
		listen       127.0.0.1:%%PORT_2%%;
		server_name  backend;

		location / {
			return 200 "backend $uri\n";
		}
	}
}

EOF

$t->write_file('errors/refused.html', "custom refusal page\n");
$t->forbid_in_logs($wrong);
$t->run()->plan(26);

###############################################################################

# add_header ... always in a guarded location: the refusal's own two headers
# replace those of the same name, other headers stay

my $r = $t->http_get('/x');
refused_ok($r, 'refused next to add_header');
is($r->header_count('Cache-Control'), 1, 'one cache-control on refusal');
is($r->header('Cache-Control'), 'no-store', 'cache-control on refusal');
is($r->header_count('X-Reject-Reason'), 1, 'one reject reason on refusal');
is($r->header('X-Reject-Reason'), 'pre-auth', 'reject reason on refusal');
is($r->header('X-Other'), 'kept', 'other added header kept on refusal');

$r = $t->http_get('/y', $name => $wrong);
refused_ok($r, 'wrong secret refused next to add_header');
is($r->header('X-Other'), 'kept', 'other added header kept on wrong secret');

# an allowed request gets the administrator's headers unchanged

$r = $t->http_get('/z', $name => $secret);
is($r->status, 200, 'allowed next to add_header');
is($r->body, "backend /z\n", 'allowed next to add_header body');
is($r->header_count('Cache-Control'), 1, 'one cache-control when allowed');
is($r->header('Cache-Control'), 'public, max-age=3600',
	'added cache-control when allowed');
is($r->header_count('X-Reject-Reason'), 1, 'one reject reason when allowed');
is($r->header('X-Reject-Reason'), 'other', 'added reject reason when allowed');
is($r->header('X-Other'), 'kept', 'other added header when allowed');

# expires

$r = $t->http_get('/expires/x');
refused_ok($r, 'refused next to expires');
is($r->header_count('Cache-Control'), 1,
	'one cache-control on expires refusal');
is($r->header('Cache-Control'), 'no-store', 'cache-control on expires refusal');

$r = $t->http_get('/expires/y', $name => $secret);
not_refused_ok($r, 200, 'allowed next to expires');
is($r->header('Cache-Control'), 'max-age=3600', 'expires when allowed');

# an error page whose location adds the same headers

$r = $t->http_get('/page/x');
refused_ok($r, 'error page next to add_header');
is($r->body, "custom refusal page\n", 'error page next to add_header body');
is($r->header_count('Cache-Control'), 1, 'one cache-control on error page');
is($r->header_count('X-Reject-Reason'), 1, 'one reject reason on error page');

is($t->refusal_reasons('/x') . ' ' . $t->refusal_reasons('/page/x'),
	'missing missing', 'refusals next to add_header logged');
is($t->refusal_count(), 4, 'one log line per refused request');

###############################################################################

$t->finish();

###############################################################################
