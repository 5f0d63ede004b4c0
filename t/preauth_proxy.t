#!/usr/bin/perl

# Tests for the mattermost_preauth module: proxied requests, keeping the
# pre-authentication secret from the upstream, and WebSocket upgrades.

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

my $secret = 'mDhCB5Bi3sWMxbKJatk4EMmC4HpqQRwjL+KRtT1j7Po=';
my $wrong = 'wrong-enmIx/mbPHMzJTMKG6+Fc5Pq26SQaQdVBNuPmwMyQt0=';
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
		mattermost_preauth_secret "mDhCB5Bi3sWMxbKJatk4EMmC4HpqQRwjL+KRtT1j7Po=";

		location / {
			proxy_pass http://127.0.0.1:%%PORT_2%%;
			proxy_set_header X-Mattermost-Preauth-Secret "";
		}

		location /forwarded/ {
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /api/v4/websocket {
			proxy_pass http://127.0.0.1:%%PORT_3%%;
			proxy_http_version 1.1;
			proxy_set_header Upgrade $http_upgrade;
			proxy_set_header Connection "upgrade";
			proxy_set_header X-Mattermost-Preauth-Secret "";
			proxy_read_timeout 5s;
		}
	}

	server {
		listen       127.0.0.1:%%PORT_2%%;
		server_name  backend;

		location / {
			return 200
				"$request_method $uri secret:[$http_x_mattermost_preauth_secret]\n";
		}
	}
}

EOF

my $dir = $t->testdir();

$t->run_daemon(3, sub { websocket_backend(@_, "$dir/websocket.log") });
$t->forbid_in_logs($wrong);
$t->run()->plan(23);

###############################################################################

# the upstream never sees the secret when the header is cleared

my $r = $t->http_get('/api/v4/users/me', $name => $secret);
not_refused_ok($r, 200, 'proxied with secret');
is($r->body, "GET /api/v4/users/me secret:[]\n", 'secret kept from upstream');

refused_ok($t->http_get('/api/v4/users/me'), 'proxied without secret');
refused_ok($t->http_get('/api/v4/users/me', $name => $wrong),
	'proxied with wrong secret');

$r = $t->http_get('/forwarded/x', $name => $secret);
not_refused_ok($r, 200, 'forwarded with secret');
is($r->body, "GET /forwarded/x secret:[$secret]\n",
	'header forwarded unless cleared');

# request bodies

$r = $t->http("POST /api/v4/posts HTTP/1.1\r\nHost: localhost\r\n"
	. "Connection: close\r\n$name: $secret\r\nContent-Length: 7\r\n\r\n"
	. "message");
not_refused_ok($r, 200, 'post with secret');
is($r->body, "POST /api/v4/posts secret:[]\n", 'post with secret proxied');

$r = $t->http("POST /api/v4/posts HTTP/1.1\r\nHost: localhost\r\n"
	. "Content-Length: 7\r\n\r\nmessage"
	. "GET /api/v4/after HTTP/1.1\r\nHost: localhost\r\n"
	. "Connection: close\r\n$name: $secret\r\n\r\n");
refused_ok($r, 'post without secret refused');
is(statuses($r), '403 200', 'body discarded on keepalive');
like($r->raw, qr/\nGET \/api\/v4\/after secret:\[\]\n\z/,
	'request after discarded body');

$r = $t->http("POST /api/v4/chunked HTTP/1.1\r\nHost: localhost\r\n"
	. "Transfer-Encoding: chunked\r\n\r\n7\r\nmessage\r\n0\r\n\r\n"
	. "GET /api/v4/after-chunked HTTP/1.1\r\nHost: localhost\r\n"
	. "Connection: close\r\n$name: $secret\r\n\r\n");
refused_ok($r, 'chunked post without secret refused');
is(statuses($r), '403 200', 'chunked body discarded on keepalive');
like($r->raw, qr/\nGET \/api\/v4\/after-chunked secret:\[\]\n\z/,
	'request after discarded chunked body');

# WebSocket

$r = $t->http_get('/api/v4/websocket', websocket_headers());
refused_ok($r, 'websocket without secret refused');
is($t->read_file('websocket.log'), '', 'websocket backend not asked');

refused_ok($t->http_get('/api/v4/websocket', websocket_headers(),
	$name => $wrong), 'websocket with wrong secret refused');

$r = $t->http_get('/api/v4/websocket', websocket_headers(),
	$name => $secret);
not_refused_ok($r, 101, 'websocket with secret switches protocols');
is($r->header('Upgrade'), 'websocket', 'websocket upgrade header');
is($r->body, "websocket data\n", 'websocket data passed through');
like($t->read_file('websocket.log'), qr/^GET \/api\/v4\/websocket HTTP\/1\.1/,
	'websocket backend asked');
unlike($t->read_file('websocket.log'), qr/x-mattermost-preauth-secret/i,
	'secret kept from websocket backend');

is($t->refusal_count(), 6, 'one log line per refused request');

###############################################################################

$t->finish();

###############################################################################

sub websocket_headers {
	return (
		'Upgrade' => 'websocket',
		'Connection' => 'Upgrade',
		'Sec-WebSocket-Key' => 'dGhlIHNhbXBsZSBub25jZQ==',
		'Sec-WebSocket-Version' => '13',
	);
}

# answers every request with 101 Switching Protocols, a line of data, and
# closes; each request received is appended to $log
sub websocket_backend {
	my ($client, $log) = @_;
	my $head = '';

	while (defined(my $line = <$client>)) {
		$head .= $line;
		last if $line =~ /^\r?\n$/;
	}

	open my $fh, '>>', $log or die "cannot write $log: $!\n";
	print $fh $head;
	close $fh;

	print $client "HTTP/1.1 101 Switching Protocols\r\n"
		. "Upgrade: websocket\r\n"
		. "Connection: Upgrade\r\n"
		. "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
		. "\r\n"
		. "websocket data\n";
}

# the status codes of all responses read from one connection
sub statuses {
	my ($r) = @_;
	return join ' ', $r->raw =~ /^HTTP\/1\.1 (\d{3}) /mg;
}

###############################################################################
