#!/usr/bin/perl

# Tests for the mattermost_preauth module: where no checking level has
# satisfy any or a dry run, a refusal stands as it is made and is logged
# then, once, whatever error_page, try_files or a second check do next.

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

my $secret = 'Qm3vNl8TzR0wYk5dHs2xPc7bGf4jLa9eUo1iKt6nVq0=';
my $wrong = 'wrong-Vb7Tq2Lm9Xc4Nd1Rs8Hk3Pw6Yf0Ja5Ge2Uz7Ko1Ic=';
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

		mattermost_preauth_secret "Qm3vNl8TzR0wYk5dHs2xPc7bGf4jLa9eUo1iKt6nVq0=";

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

		location /files/ {
			root %%TESTDIR%%;
			try_files $uri /app$uri;
		}

		location /app/ {
			mattermost_preauth on;
			mattermost_preauth_secret "Qm3vNl8TzR0wYk5dHs2xPc7bGf4jLa9eUo1iKt6nVq0="
				label=app-2026;
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
$t->forbid_in_logs($wrong);
$t->run()->plan(21);

###############################################################################

my $r = $t->http_get('/page/x');
refused_ok($r, 'error page to uri keeps reject headers');
is($r->body, "custom refusal page\n", 'error page to uri body');
is($t->refusal_reasons('/page/x'), 'missing', 'error page refusal logged once');

$r = $t->http_get('/page/y', $name => $wrong);
refused_ok($r, 'wrong secret refused');
like($t->error_log_for('/page/y'), log_line('invalid', '/page/y'),
	'log line of refusal, as it is made');

not_refused_ok($t->http_get('/page/z', $name => $secret), 200,
	'right secret allowed');
is($t->refusal_reasons('/page/z'), '', 'allowed request not logged');

$r = $t->http_get('/named/x');
refused_ok($r, 'error page to named location keeps reject headers');
is($r->body, "named refusal page\n", 'error page to named location body');
is($t->refusal_reasons('/named/x'), 'missing',
	'named location refusal logged once');

$r = $t->http_get('/replaced/x');
is($r->status, 200, 'error page with other status');
is($t->refusal_reasons('/replaced/x'), 'missing',
	'refusal with other status logged once');

# the error page refused again: one line, with the first reason

$r = $t->http_get('/guarded-page/x', $name => $wrong);
refused_ok($r, 'guarded error page refused');
unlike($r->body, qr/guarded refusal page/, 'guarded error page not served');
is($t->refusal_reasons('/guarded-page/x'), 'invalid',
	'refusal refused again logged once, first reason');

$r = $t->http_get('/dropped/x');
is($r->raw, '', 'dropped refusal gets no response');
is($t->refusal_reasons('/dropped/x'), 'missing',
	'dropped refusal logged once');

$r = $t->http_get('/files/absent.txt');
refused_ok($r, 'try_files fallback refused');
is($t->refusal_reasons('/files/absent.txt'), 'missing',
	'try_files fallback refusal logged once');

not_refused_ok($t->http_get('/files/absent.txt', $name => $secret), 200,
	'try_files fallback with secret');

is($t->refusal_count(), 7, 'one log line per refused request');

###############################################################################

$t->finish();

###############################################################################

# the whole line of a refusal logged for a request to $uri: the reason
# followed directly by the context, with no "while ..." action
sub log_line {
	my ($reason, $uri) = @_;

	my $message = "$reason pre-authentication secret";
	my $context = 'client: 127.0.0.1, server: localhost, '
		. "request: \"GET $uri HTTP/1.1\", host: \"localhost\"";

	return qr/^\S+ \S+ \[error\] \d+#\d+: \*\d+ \Q$message, $context\E$/;
}

###############################################################################
