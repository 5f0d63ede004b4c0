#!/usr/bin/perl

# Tests for the mattermost_preauth module: the pre-authentication secret
# in HTTP/2 requests.

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

my $secret = 'rFEKtwXyr0WvlCmJg2+SueR5rMKrdAXJwvYncS4pqHY=';
my $wrong = 'wrong-BF/UH/ur7ucBeYHMA3ORKbPVXOABC0cch73qupaAHdQ=';
my $name = 'X-Mattermost-Preauth-Secret';

my $t = Preauth::Nginx->new();

plan(skip_all => 'nginx built without HTTP/2') unless $t->has_module('http_v2');
plan(skip_all => 'curl without HTTP/2') unless $t->has_curl_http2();

$t->write_config(<<'EOF');

%%GLOBALS%%

events {
}

http {
	%%HTTP_GLOBALS%%

	server {
		%%HTTP2_LISTEN_1%%
		server_name  localhost;

		mattermost_preauth on;
		mattermost_preauth_secret "rFEKtwXyr0WvlCmJg2+SueR5rMKrdAXJwvYncS4pqHY=";
		mattermost_preauth_exempt /api/v4/notifications/ack;

		location / {
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /refused-page/ {
			error_page 403 /errors/refused.html;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /errors/ {
			mattermost_preauth off;
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
$t->run()->plan(17);

###############################################################################

my $r = $t->curl_h2('/missing');
is($r->version, '2', 'http/2 used');
refused_ok($r, 'missing secret refused');
like($t->logged('/missing'), error_line('missing pre-authentication'
	. ' secret, client: 127.0.0.1, server: localhost,'
	. ' request: "GET /missing HTTP/2.0"'), 'missing secret logged');

refused_ok($t->curl_h2('/empty', $name => ''), 'empty secret refused');
refused_ok($t->curl_h2('/wrong', $name => $wrong), 'wrong secret refused');
like($t->logged('/wrong'), qr/ invalid pre-authentication secret,/,
	'wrong secret logged');

$r = $t->curl_h2('/right', $name => $secret);
not_refused_ok($r, 200, 'right secret');
is($r->body, "backend /right\n", 'right secret reaches backend');

not_refused_ok($t->curl_h2('/upper', uc $name => $secret), 200,
	'header name in upper case');
refused_ok($t->curl_h2('/upper-value', $name => uc $secret),
	'secret compared case-sensitively');

refused_ok($t->curl_h2('/dup', $name => $secret, $name => $secret),
	'duplicate secret refused');
like($t->logged('/dup'),
	qr/ duplicate pre-authentication secret header,/,
	'duplicate secret logged');

refused_ok($t->curl_h2({ method => 'HEAD' }, '/head'), 'head refused');

not_refused_ok($t->curl_h2('/api/v4/notifications/ack'), 200,
	'exemption over http/2');

$r = $t->curl_h2('/refused-page/x');
refused_ok($r, 'error page over http/2 keeps reject headers');
is($r->body, "custom refusal page\n", 'error page over http/2 body');

$t->wait_for(sub { $t->refusal_count() >= 7 });
is($t->refusal_count(), 7, 'one log line per refused request');

###############################################################################

$t->finish();

###############################################################################

# an error log line at level "error" starting with the given text
sub error_line {
	my ($text) = @_;
	return qr/ \[error\] \d+#\d+: \*\d+ \Q$text\E/;
}

###############################################################################
