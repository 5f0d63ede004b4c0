#!/usr/bin/perl

# Tests for the mattermost_preauth module: the pre-authentication secret
# in HTTP/1.x requests.

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

my $secret = 'enmIx/mbPHMzJTMKG6+Fc5Pq26SQaQdVBNuPmwMyQt0=';
my $second = 'rFEKtwXyr0WvlCmJg2+SueR5rMKrdAXJwvYncS4pqHY=';
my $wrong = 'wrong-BF/UH/ur7ucBeYHMA3ORKbPVXOABC0cch73qupaAHdQ=';
my $name = 'X-Mattermost-Preauth-Secret';

my $t = Preauth::Nginx->new()->write_config(<<'EOF');

%%GLOBALS%%

events {
}

http {
	%%HTTP_GLOBALS%%

	large_client_header_buffers 4 16k;

	server {
		listen       127.0.0.1:%%PORT_1%%;
		server_name  localhost;

		location / {
			mattermost_preauth on;
			mattermost_preauth_secret "enmIx/mbPHMzJTMKG6+Fc5Pq26SQaQdVBNuPmwMyQt0=";
			mattermost_preauth_secret "rFEKtwXyr0WvlCmJg2+SueR5rMKrdAXJwvYncS4pqHY=";

			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /static/ {
			mattermost_preauth on;
			mattermost_preauth_secret "enmIx/mbPHMzJTMKG6+Fc5Pq26SQaQdVBNuPmwMyQt0=";

			root %%TESTDIR%%;
		}

		location /open/ {
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}
	}

	server {
		listen       127.0.0.1:%%PORT_3%%;
		server_name  underscores;

		underscores_in_headers on;

		location / {
			mattermost_preauth on;
			mattermost_preauth_secret "enmIx/mbPHMzJTMKG6+Fc5Pq26SQaQdVBNuPmwMyQt0=";

			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}
	}

	server {
		listen       127.0.0.1:%%PORT_2%%;
		server_name  backend;

		location / {
			return 200 "backend $request_method $uri\n";
		}
	}
}

EOF

$t->write_file('static/page.html', "static page\n");
$t->forbid_in_logs($wrong, uc $secret);
$t->run()->plan(55);

###############################################################################

# what the secret decides

my $r = $t->http_get('/missing');
refused_ok($r, 'missing secret refused');
like($r->body, qr/403 Forbidden/, 'missing secret body');
is($t->refusal_reasons('/missing'), 'missing', 'missing secret logged once');

refused_ok($t->http_get('/empty', $name => ''), 'empty secret refused');
is($t->refusal_reasons('/empty'), 'missing', 'empty secret logged as missing');

refused_ok($t->http_get('/wrong', $name => $wrong), 'wrong secret refused');
is($t->refusal_reasons('/wrong'), 'invalid', 'wrong secret logged once');

$r = $t->http_get('/right', $name => $secret);
not_refused_ok($r, 200, 'right secret');
is($r->body, "backend GET /right\n", 'right secret reaches backend');
is($t->refusal_reasons('/right'), '', 'right secret not logged');

not_refused_ok($t->http_get('/second', $name => $second), 200,
	'second secret');
is($t->refusal_reasons('/second'), '', 'second secret not logged');

refused_ok($t->http_get('/truncated', $name => substr($secret, 0, -1)),
	'truncated secret refused');
refused_ok($t->http_get('/longer', $name => $secret . 'x'),
	'longer secret refused');
refused_ok($t->http_get('/upper', $name => uc $secret),
	'secret compared case-sensitively');
refused_ok($t->http_get('/mixed', $name => substr($secret, 0, 22)
	. substr($second, 22)), 'halves of two secrets refused');

# static files

$r = $t->http_get('/static/page.html', $name => $secret);
not_refused_ok($r, 200, 'static file with secret');
is($r->body, "static page\n", 'static file body');
refused_ok($t->http_get('/static/page.html'), 'static file without secret');
not_refused_ok($t->http_get('/open/page'), 200, 'module off by default');

# methods and protocol versions

$r = $t->http_head('/head-missing');
refused_ok($r, 'head without secret refused');
is($r->body, '', 'head refusal without body');
$r = $t->http_head('/head-right', $name => $secret);
not_refused_ok($r, 200, 'head with secret');
is($r->body, '', 'head without body');

refused_ok($t->http("POST /post HTTP/1.1\r\nHost: localhost\r\n"
	. "Connection: close\r\nContent-Length: 4\r\n\r\nbody"),
	'post without secret refused');

$r = $t->http("GET /http10-missing HTTP/1.0\r\n\r\n");
refused_ok($r, 'http 1.0 without host refused');
is($t->refusal_reasons('/http10-missing'), 'missing',
	'http 1.0 refusal logged');
not_refused_ok($t->http("GET /http10-right HTTP/1.0\r\n"
	. "$name: $secret\r\n\r\n"), 200, 'http 1.0 without host with secret');

# header name

not_refused_ok($t->http_get('/lower', lc $name => $secret), 200,
	'lower-case header name');
not_refused_ok($t->http_get('/upper-name', uc $name => $secret), 200,
	'upper-case header name');
not_refused_ok($t->http_get('/odd-name',
	'x-MaTtErMoSt-pReAuTh-SeCrEt' => $secret), 200,
	'mixed-case header name');

$r = $t->http_get({ port => 3 }, '/underscores',
	'X_Mattermost_Preauth_Secret' => $secret);
refused_ok($r, 'underscores in name refused with underscores_in_headers');
not_refused_ok($t->http_get({ port => 3 }, '/underscores-right',
	$name => $secret), 200, 'dashes in name with underscores_in_headers');

refused_ok($t->http_get('/prefix-name', "$name-Extra" => $secret),
	'longer header name refused');

# duplicates

$r = $t->http_get('/dup-right-wrong', $name => $secret, $name => $wrong);
refused_ok($r, 'right then wrong secret refused');
is($t->refusal_reasons('/dup-right-wrong'), 'duplicate',
	'duplicate logged once');
refused_ok($t->http_get('/dup-wrong-right', $name => $wrong,
	$name => $secret), 'wrong then right secret refused');
refused_ok($t->http_get('/dup-right-right', $name => $secret,
	$name => $secret), 'right secret twice refused');
refused_ok($t->http_get('/dup-case', $name => $secret,
	lc $name => $secret), 'right secret twice, names in other case');
refused_ok($t->http_get('/dup-empty', $name => '', $name => $secret),
	'empty then right secret refused');
refused_ok($t->http_get('/dup-two', $name => $secret, $name => $second),
	'two listed secrets at once refused');

# the header value

not_refused_ok($t->http("GET /blanks HTTP/1.1\r\nHost: localhost\r\n"
	. "Connection: close\r\n$name:    $secret   \r\n\r\n"), 200,
	'blanks around the secret stripped');
refused_ok($t->http("GET /tabs HTTP/1.1\r\nHost: localhost\r\n"
	. "Connection: close\r\n$name: \t$secret\t\r\n\r\n"),
	'tabs around the secret kept by nginx and refused');

$r = $t->http_get('/long', $name => $secret x 140);
refused_ok($r, 'long secret refused');
is($t->refusal_reasons('/long'), 'invalid', 'long secret logged as invalid');
not_refused_ok($t->http_get('/after-long', $name => $secret), 200,
	'alive after long secret');

refused_ok($t->http_get('/long-prefix', $name => $secret . ' ' x 1000 . 'x'),
	'right secret followed by more than 1024 bytes refused');

$r = $t->http_get('/non-ascii', $name => "\xff\xfe" . $secret);
refused_ok($r, 'non-ascii bytes refused');
is($t->refusal_reasons('/non-ascii'), 'invalid',
	'non-ascii bytes logged as invalid');
refused_ok($t->http_get('/utf8', $name => "p\xc3\xa4ssw\xc3\xb6rd"),
	'utf-8 value refused');

# error log

like($t->error_log_for('/missing'), error_line('missing pre-authentication'
	. ' secret, client: 127.0.0.1, server: localhost,'
	. ' request: "GET /missing HTTP/1.1", host: "localhost"'),
	'missing secret log line');
like($t->error_log_for('/wrong'), error_line('invalid pre-authentication'
	. ' secret, client: 127.0.0.1, server: localhost,'
	. ' request: "GET /wrong HTTP/1.1", host: "localhost"'),
	'invalid secret log line');
like($t->error_log_for('/dup-wrong-right'), error_line('duplicate'
	. ' pre-authentication secret header, client: 127.0.0.1,'
	. ' server: localhost,'
	. ' request: "GET /dup-wrong-right HTTP/1.1", host: "localhost"'),
	'duplicate secret log line');
like($t->error_log_for('/http10-missing'), error_line('missing'
	. ' pre-authentication secret, client: 127.0.0.1, server: localhost,'
	. ' request: "GET /http10-missing HTTP/1.0"'), 'log line without host');

is($t->refusal_count(), 24, 'one log line per refused request');

###############################################################################

$t->finish();

###############################################################################

# a whole error log line at level "error" with the given text
sub error_line {
	my ($text) = @_;
	my $time = qr/\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d/;
	return qr/^$time \[error\] \d+#\d+: \*\d+ \Q$text\E$/;
}

###############################################################################
