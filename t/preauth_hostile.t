#!/usr/bin/perl

# Tests for the mattermost_preauth module: hostile input. Header lines at
# and over the buffer limits, control bytes, folded lines, thousands of
# headers, the secret header repeated, HTTP/2 header blocks split over
# frames, pipelined requests, and request bodies that a refusal must not
# wait for or pass on. Every case gets its status, and nginx stays up.

###############################################################################

use warnings;
use strict;

use Test::More;

use IO::Select;
use IO::Socket::INET;
use Time::HiRes qw(time);

use FindBin;
use lib "$FindBin::Bin/lib";
use Preauth::Nginx;

###############################################################################

select STDERR; $| = 1;
select STDOUT; $| = 1;

my $secret = 'Zu9JZvhfjn6TR3Bjf91VqquwUVk2ui6q18s0M0w2iOU=';
my $wrong = 'wrong-aIYDShR7Bq1EEafP+k8mPX55I9ROXUzeyko31Sh2As0=';

# for lines that nginx itself logs as malformed, value included
my $junk = 'junk-zya+KlYYmWoR2TLUhdwiwhbzaK3VuK50';
my $name = 'X-Mattermost-Preauth-Secret';
my $timeout = $ENV{TEST_NGINX_TIMEOUT} || 5;

my $t = Preauth::Nginx->new();
my $h2 = $t->has_module('http_v2');

# some builds limit the number of header lines (max_headers, 1000 by
# default where it exists): raised for the server with thousands of them
my $probe = Preauth::Nginx->new()->write_config(<<'EOF');
%%GLOBALS%%
events {
}
http {
	max_headers 20000;
}
EOF
my ($no_max_headers) = $probe->test_config();
undef $probe;
my $max_headers = $no_max_headers ? '' : 'max_headers 20000;';

# nginx answers HTTP/2 on port 4 only when built with it
my $h2_server = $h2 ? <<'EOF' : '';
	server {
		%%HTTP2_LISTEN_4%%
		server_name  h2;

		large_client_header_buffers 4 2k;

		mattermost_preauth on;
		mattermost_preauth_secret "Zu9JZvhfjn6TR3Bjf91VqquwUVk2ui6q18s0M0w2iOU=";

		location / {
			proxy_pass http://127.0.0.1:%%PORT_2%%;
			proxy_set_header X-Mattermost-Preauth-Secret "";
		}
	}
EOF

my $template = <<'EOF';

%%GLOBALS%%

events {
}

http {
	%%HTTP_GLOBALS%%

	large_client_header_buffers 4 2k;
	client_body_timeout 60s;

	server {
		listen       127.0.0.1:%%PORT_1%%;
		server_name  localhost;

		mattermost_preauth on;
		mattermost_preauth_secret "Zu9JZvhfjn6TR3Bjf91VqquwUVk2ui6q18s0M0w2iOU=";
		mattermost_preauth_exempt /api/v4/system/ping;

		location / {
			proxy_pass http://127.0.0.1:%%PORT_2%%;
			proxy_set_header X-Mattermost-Preauth-Secret "";
		}

		location /body/ {
			client_max_body_size 0;
			proxy_pass http://127.0.0.1:%%PORT_3%%;
			proxy_set_header X-Mattermost-Preauth-Secret "";
		}
	}

	server {
		listen       127.0.0.1:%%PORT_5%%;
		server_name  many;

		large_client_header_buffers 4 32k;
		%%MAX_HEADERS%%

		mattermost_preauth on;
		mattermost_preauth_secret "Zu9JZvhfjn6TR3Bjf91VqquwUVk2ui6q18s0M0w2iOU=";

		location / {
			root %%TESTDIR%%/html;
		}
	}

	server {
		listen       127.0.0.1:%%PORT_6%%;
		server_name  quiet;

		# the default level: nginx logs malformed header lines, values
		# included, only at "info"
		error_log %%TESTDIR%%/quiet.log error;

		mattermost_preauth on;
		mattermost_preauth_secret "Zu9JZvhfjn6TR3Bjf91VqquwUVk2ui6q18s0M0w2iOU=";

		location / {
			root %%TESTDIR%%/html;
		}
	}

%%H2_SERVER%%
	server {
		listen       127.0.0.1:%%PORT_2%%;
		server_name  backend;

		location / {
			return 200 "backend $request_method $uri\n";
		}
	}
}

EOF

$template =~ s/%%H2_SERVER%%\n/$h2_server/;
$template =~ s/%%MAX_HEADERS%%/$max_headers/;
$t->write_config($template);

my $dir = $t->testdir();

$t->write_file('html/page.html', "static page\n");
$t->run_daemon(3, sub { body_backend(@_, "$dir/body.log") });
$t->forbid_in_logs($wrong);
$t->run()->plan(75);

my @workers = $t->worker_pids();

###############################################################################

# header lines at and over large_client_header_buffers (2k here): nginx
# strips the blanks before a value, so the right secret still fits a line of
# exactly the buffer size

my $prefix = "$name: ";
my $pad = 2048 - length($prefix) - length($secret) - 2;

my $r = $t->http(get('/at-limit', $prefix . ' ' x $pad . "$secret\r\n"));
not_refused_ok($r, 200, 'right secret in a line of the buffer size');

$r = $t->http(get('/over-limit', $prefix . ' ' x ($pad + 1) . "$secret\r\n"));
is($r->status, 400, 'line one byte over the buffer size refused by nginx');
is($t->refusal_reasons('/over-limit'), '', 'oversized line not checked');

$r = $t->http(get('/long-wrong', $prefix . 'w' x (2048 - length($prefix) - 2)
	. "\r\n"));
refused_ok($r, 'wrong value of the buffer size refused');
is($t->refusal_reasons('/long-wrong'), 'invalid', 'long value logged invalid');

$r = $t->http(get('/all-buffers', map { "X-Filler-$_: " . 'f' x 1900 . "\r\n" }
	1 .. 5));
is($r->status, 400, 'headers over all buffers refused by nginx');

alive('after oversized headers');

# control bytes in the value: nginx passes most of them on, and the value
# is then not the secret; NUL and a bare CR end the request in nginx

refused_ok($t->http(get('/ctl-1', "$name: $secret\x01\r\n")),
	'secret followed by a control byte refused');
refused_ok($t->http(get('/ctl-del', "$name: \x7f$secret\r\n")),
	'DEL before the secret refused');
refused_ok($t->http(get('/ctl-esc', "$name: \e[0m$secret\r\n")),
	'escape sequence before the secret refused');
refused_ok($t->http(get('/ctl-vt', "$name: $secret\x0b\x0c\r\n")),
	'vertical tab and form feed after the secret refused');
is($t->refusal_reasons('/ctl-1') . ' ' . $t->refusal_reasons('/ctl-esc'),
	'invalid invalid', 'control bytes logged invalid');
unlike($t->read_file('error.log'), qr/\x1b|\x01/,
	'no control byte in error log');

$r = $t->http(get('/nul', "$name: $junk\0$junk\r\n"));
is($r->status, 400, 'NUL in value refused by nginx');
$r = $t->http(get('/bare-cr', "$name: $junk\r$junk\r\n"));
is($r->status, 400, 'bare CR in value refused by nginx');
is($t->refusal_reasons('/nul') . $t->refusal_reasons('/bare-cr'), '',
	'malformed lines not checked');

# a line that ends in a bare LF is a line

not_refused_ok($t->http(get('/bare-lf', "$name: $secret\n")), 200,
	'secret on a line ending in LF');

# control bytes or blanks in the name, and obs-fold continuation lines:
# nginx answers 400 itself, before any access check; it logs such lines,
# value included, at "info", hence the quiet server at the default level

my @malformed = (
	['/name-ctl', "$name\x01: $secret\r\n", 'control byte in the name'],
	['/name-space', "$name : $secret\r\n", 'blank before the colon'],
	['/name-nul', "$name\0: $secret\r\n", 'NUL in the name'],
	['/value-nul', "$name: $secret\0\r\n", 'NUL after the secret'],
	['/fold-split', "$name: " . substr($secret, 0, 20) . "\r\n "
		. substr($secret, 20) . "\r\n", 'secret folded over two lines'],
	['/fold-tab', "$name:\r\n\t$secret\r\n",
		'secret on a continuation line'],
	['/fold-after', "$name: $secret\r\n \r\n\tmore\r\n",
		'continuation lines after the secret'],
	['/fold-wrong', "$name: $wrong\r\n $secret\r\n",
		'secret folded after a wrong one'],
);

for my $case (@malformed) {
	my ($uri, $line, $what) = @$case;
	$r = $t->http(get($uri, $line), port => 6);
	is($r->status, 400, "$what refused by nginx");
}

not_refused_ok($t->http_get({ port => 6 }, '/page.html', $name => $secret),
	200, 'quiet server with secret');
is($t->read_file('quiet.log'), '', 'nothing logged at the default level');

alive('after control bytes and folding');

# thousands of headers, the secret among them (the header list has many
# parts), and more than the buffers hold

my @filler = map { "X-Filler-$_: v\r\n" } 1 .. 3000;

$r = $t->http(get('/page.html', @filler, "$name: $secret\r\n"), port => 5);
not_refused_ok($r, 200, 'secret after 3000 headers');
$r = $t->http(get('/page.html', @filler[0 .. 1499], "$name: $secret\r\n",
	@filler[1500 .. 2999]), port => 5);
not_refused_ok($r, 200, 'secret amid 3000 headers');
$r = $t->http(get('/many-missing', @filler), port => 5);
refused_ok($r, '3000 headers without secret refused');
$r = $t->http(get('/many-wrong', @filler, "$name: $wrong\r\n"), port => 5);
refused_ok($r, '3000 headers with wrong secret refused');
$r = $t->http(get('/many-dup', "$name: $secret\r\n", @filler,
	"$name: $secret\r\n"), port => 5);
refused_ok($r, 'secret before and after 3000 headers refused');
is(join(' ', map { $t->refusal_reasons($_) } qw(/many-missing /many-wrong
	/many-dup)), 'missing invalid duplicate', 'many headers logged');

$r = $t->http(get('/too-many', map { "X-Filler-$_: v\r\n" } 1 .. 10000),
	port => 5);
is($r->status, 400, 'headers over the buffers refused by nginx');

# the header repeated many times

$r = $t->http(get('/repeated', ("$name: $secret\r\n") x 1000), port => 5);
refused_ok($r, 'secret repeated 1000 times refused');
$r = $t->http(get('/repeated-empty', ("$name: \r\n") x 1000), port => 5);
refused_ok($r, 'empty header repeated 1000 times refused');
is($t->refusal_reasons('/repeated') . ' '
	. $t->refusal_reasons('/repeated-empty'), 'duplicate duplicate',
	'repeated header logged once as duplicate');

alive('after many headers');

# pipelined requests on one connection: each answered on its own merits

$r = $t->http(join '',
	get('/p1', "$name: $secret\r\n", keep => 1),
	get('/p2', "$name: $wrong\r\n", keep => 1),
	get('/p3', keep => 1),
	get('/api/v4/system/ping', keep => 1),
	"POST /p5 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello",
	get('/p6', "$name: $secret\r\n", "$name: $secret\r\n", keep => 1),
	get('/p7', "$name: $secret\r\n", keep => 1),
	"POST /p8 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n"
		. "$name: $secret\r\n\r\nhello",
	get('/p9', "$name: " . substr($secret, 1) . "\r\n", keep => 1),
	get('/p10', "$name: $secret\r\n"));
is(statuses($r), '200 403 403 200 403 403 200 200 403 200',
	'pipelined statuses');
is(join(' ', $r->raw =~ /^backend (\w+ \S+)$/mg),
	'GET /p1 GET /api/v4/system/ping GET /p7 POST /p8 GET /p10',
	'pipelined requests reaching the backend');
is(join(' ', map { $t->refusal_reasons("/p$_") } 2, 3, 5, 6, 9),
	'invalid missing missing duplicate invalid', 'pipelined refusals logged');

# Expect: 100-continue on a refused request: the 403 comes at once, without
# "100 Continue", and no body is read or passed upstream

my $s = connect_to(1);
print $s "POST /body/expect HTTP/1.1\r\nHost: localhost\r\n"
	. "Expect: 100-continue\r\nContent-Length: 10\r\n\r\n";
my ($head, $elapsed) = read_head($s);
like($head, qr/^HTTP\/1\.1 403 /, 'expect: refused without 100 Continue');
like($head, qr/\r\nX-Reject-Reason: pre-auth\r\n/, 'expect: reject header');
cmp_ok($elapsed, '<', $timeout, 'expect: refused without waiting');

# the client sends the body anyway, and the connection goes on
print $s "0123456789GET /after-expect HTTP/1.1\r\nHost: localhost\r\n"
	. "Connection: close\r\n$name: $secret\r\n\r\n";
like(read_rest($s), qr/\nHTTP\/1\.1 200 .*\nbackend GET \/after-expect\n\z/s,
	'expect: next request on the connection');
close $s;

# the same with the secret: 100 Continue, and the body reaches the upstream
$s = connect_to(1);
print $s "POST /body/expect-right HTTP/1.1\r\nHost: localhost\r\n"
	. "Connection: close\r\n$name: $secret\r\n"
	. "Expect: 100-continue\r\nContent-Length: 10\r\n\r\n";
($head) = read_head($s);
like($head, qr/^HTTP\/1\.1 100 Continue\r\n/, 'expect with secret: continue');
print $s "0123456789";
like(read_rest($s), qr/^HTTP\/1\.1 200 .*\nreceived 10 bytes\n\z/s,
	'expect with secret: body passed on');
close $s;

# a large body, not sent: the refusal does not wait for it

$s = connect_to(1);
print $s "POST /body/large HTTP/1.1\r\nHost: localhost\r\n"
	. "Content-Length: 1073741824\r\n\r\n" . 'x' x 65536;
($head, $elapsed) = read_head($s);
like($head, qr/^HTTP\/1\.1 403 /, 'large body: refused');
like($head, qr/\r\nX-Reject-Reason: pre-auth\r\n/, 'large body: reject header');
cmp_ok($elapsed, '<', $timeout, 'large body: refused without waiting');
close $s;

$s = connect_to(1);
print $s "POST /body/chunked HTTP/1.1\r\nHost: localhost\r\n"
	. "Transfer-Encoding: chunked\r\n\r\n40000000\r\n" . 'x' x 65536;
($head, $elapsed) = read_head($s);
like($head, qr/^HTTP\/1\.1 403 /, 'large chunked body: refused');
cmp_ok($elapsed, '<', $timeout, 'large chunked body: refused without waiting');
close $s;

$s = connect_to(1);
print $s "POST /body/large-wrong HTTP/1.1\r\nHost: localhost\r\n"
	. "$name: $wrong\r\nExpect: 100-continue\r\n"
	. "Content-Length: 1073741824\r\n\r\n";
($head, $elapsed) = read_head($s);
like($head, qr/^HTTP\/1\.1 403 /, 'large body with expect: refused');
cmp_ok($elapsed, '<', $timeout, 'large body with expect: without waiting');
close $s;

# each logged when nginx ends the request, after the client has gone
$t->logged("/body/$_") for qw(expect large chunked large-wrong);
is(join(' ', map { $t->refusal_reasons("/body/$_") }
	qw(expect large chunked large-wrong)),
	'missing missing missing invalid', 'body refusals logged');
like($t->read_file('body.log'), qr/\APOST \/body\/expect-right 10\n\z/,
	'upstream saw the allowed body only');

alive('after bodies');

# HTTP/2: the secret header in lower case, split over CONTINUATION frames,
# split into two fields, in upper case, and over the field size limit

SKIP: {
skip 'nginx built without HTTP/2', 15 unless $h2;

my @request = (':method' => 'GET', ':scheme' => 'http',
	':authority' => 'localhost');
my $header = lc $name;

my $h = h2_request([@request, ':path' => '/h2-right', $header => $secret]);
is("$h->{status} $h->{body}", "200 backend GET /h2-right\n",
	'h2: secret in lower case');

$h = h2_request([@request, ':path' => '/h2-split', $header => $secret],
	split => [30, 60, 61, 90]);
is("$h->{status} $h->{body}", "200 backend GET /h2-split\n",
	'h2: header block over CONTINUATION frames');
is($h->{frames}, 5, 'h2: header block sent in five frames');

$h = h2_request([@request, ':path' => '/h2-split-wrong',
	$header => substr($secret, 0, 30) . 'X' . substr($secret, 31)],
	split => [50, 70]);
is($h->{status}, 403, 'h2: wrong secret over CONTINUATION frames refused');

$h = h2_request([@request, ':path' => '/h2-halves',
	$header => substr($secret, 0, 20), $header => substr($secret, 20)]);
is($h->{status}, 403, 'h2: secret split into two fields refused');

$h = h2_request([@request, ':path' => '/h2-twice', $header => $secret,
	'x-other' => 'x', $header => $secret], split => [40]);
is($h->{status}, 403, 'h2: secret twice refused');

$h = h2_request([@request, ':path' => '/h2-upper', $name => $secret]);
ok($h->{status} == 400 || defined $h->{rst},
	'h2: upper-case name refused by nginx (400, or a reset stream in older nginx)');

$h = h2_request([@request, ':path' => '/h2-ctl', $header => "$secret\x01"]);
is($h->{status}, 403, 'h2: control byte after the secret refused');

$h = h2_request([@request, ':path' => '/h2-nul', $header => "$junk\0"]);
ok($h->{status} == 400 || defined $h->{rst},
	'h2: NUL in the value refused by nginx (400, or a reset stream in older nginx)');

$h = h2_request([@request, ':path' => '/h2-at-limit', $header => 'w' x 2048]);
is($h->{status}, 403, 'h2: value of the buffer size refused');

$h = h2_request([@request, ':path' => '/h2-over-limit',
	$header => 'w' x 2049]);
is($h->{goaway}, 11, 'h2: value over the buffer size ends the connection');

$h = h2_request([@request, ':path' => '/h2-many',
	(map { ("x-filler-$_" => 'v') } 1 .. 500), $header => $secret],
	split => [1000, 5000]);
is($h->{status}, 200, 'h2: secret after 500 headers');

$h = h2_request([@request, ':path' => '/h2-repeated',
	($header => $secret) x 50]);
is($h->{status}, 403, 'h2: secret repeated 50 times refused');

$t->logged('/h2-repeated');
is(join(' ', map { $t->refusal_reasons($_) } qw(/h2-split-wrong /h2-halves
	/h2-twice /h2-ctl /h2-at-limit /h2-repeated)),
	'invalid duplicate duplicate invalid invalid duplicate',
	'h2 refusals logged');
is($t->refusal_reasons('/h2-upper') . $t->refusal_reasons('/h2-nul'), '',
	'h2 malformed headers not checked');
}

###############################################################################

alive('at the end');
is(join(' ', $t->worker_pids()), join(' ', @workers), 'same worker throughout');

$t->finish();

###############################################################################

# a GET request with the given raw header lines; the connection is closed
# after it unless keep => 1 comes last
sub get {
	my ($uri, @lines) = @_;
	my $keep = @lines >= 2 && $lines[-2] eq 'keep' ? splice(@lines, -2) : 0;

	return "GET $uri HTTP/1.1\r\nHost: localhost\r\n"
		. ($keep ? '' : "Connection: close\r\n")
		. join('', @lines) . "\r\n";
}

# nginx still answers, with the secret
sub alive {
	my ($when) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	not_refused_ok($t->http_get('/alive', $name => $secret), 200,
		"alive $when");
}

# the status codes of all responses read from one connection
sub statuses {
	my ($r) = @_;
	return join ' ', $r->raw =~ /^HTTP\/1\.1 (\d{3}) /mg;
}

sub connect_to {
	my ($n) = @_;
	my $s = IO::Socket::INET->new(
		PeerAddr => '127.0.0.1',
		PeerPort => $t->port($n),
		Proto => 'tcp',
	) or die "cannot connect: $!\n";
	binmode $s;
	$s->autoflush(1);
	return $s;
}

# reads a response head (status line and header fields) from the socket;
# returns it and the seconds it took, or what came before the timeout
sub read_head {
	my ($s) = @_;
	my ($head, $start) = ('', time());
	my $sel = IO::Select->new($s);

	while ($head !~ /\r\n\r\n/ && $sel->can_read($timeout)) {
		sysread($s, my $buf, 1) or last;
		$head .= $buf;
	}

	return ($head, time() - $start);
}

# reads until the server closes the connection or the timeout
sub read_rest {
	my ($s) = @_;
	my $data = '';
	my $sel = IO::Select->new($s);

	while ($sel->can_read($timeout)) {
		sysread($s, my $buf, 65536) or last;
		$data .= $buf;
	}

	return $data;
}

# the upstream for /body/: reads one request with its body and appends a
# line "METHOD URI BODY-LENGTH" to $log, then answers how many bytes
# of body it received
sub body_backend {
	my ($client, $log) = @_;
	my $data = '';
	my $sel = IO::Select->new($client);

	while ($sel->can_read($timeout)) {
		sysread($client, my $buf, 65536) or last;
		$data .= $buf;

		my ($head, $body) = split /\r\n\r\n/, $data, 2;
		next unless defined $body;
		my ($length) = $head =~ /^Content-Length:\s*(\d+)/mi;
		last if length $body >= ($length || 0);
	}

	my ($head, $body) = split /\r\n\r\n/, $data, 2;
	my ($request) = $head =~ /^(\S+ \S+)/;
	$body = '' unless defined $body;

	open my $fh, '>>', $log or die "cannot write $log: $!\n";
	printf $fh "%s %d\n", $request || '-', length $body;
	close $fh;

	my $text = sprintf "received %d bytes\n", length $body;
	print $client "HTTP/1.1 200 OK\r\nConnection: close\r\n"
		. "Content-Length: " . length($text) . "\r\n\r\n$text";
}

###############################################################################

# HTTP/2 over a raw socket, so that a header block can be split anywhere:
# sends one request as HEADERS (and CONTINUATION) frames with the fields
# given as name/value pairs, literal and not Huffman-coded; options: split,
# offsets into the header block at which a new frame starts; returns the
# status, the body, the number of frames sent, and the GOAWAY error code if
# the server ended the connection
sub h2_request {
	my ($fields, %opts) = @_;
	my @fields = @$fields;
	my $block = '';

	while (my ($n, $v) = splice @fields, 0, 2) {
		# literal header field without indexing, new name
		$block .= "\x00" . hpack_string($n) . hpack_string($v);
	}

	my @cuts = (0, @{$opts{split} || []}, length $block);
	my @frames;
	for my $i (0 .. $#cuts - 1) {
		my $part = substr $block, $cuts[$i], $cuts[$i + 1] - $cuts[$i];
		my $last = $i == $#cuts - 1;
		my $type = $i == 0 ? 0x1 : 0x9;
		my $flags = ($i == 0 ? 0x1 : 0) | ($last ? 0x4 : 0);
		push @frames, h2_frame($type, $flags, 1, $part);
	}

	my $s = connect_to(4);
	print $s "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" . h2_frame(0x4, 0, 0, '')
		. join '', @frames;

	my %result = (status => 0, body => '', frames => scalar @frames);
	my $in = '';
	my $sel = IO::Select->new($s);

	READ: while ($sel->can_read($timeout)) {
		sysread($s, my $buf, 65536) or last;
		$in .= $buf;

		while (length $in >= 9) {
			my ($len_hi, $len_lo, $type, $flags, $stream)
				= unpack 'CnCCN', $in;
			my $len = $len_hi << 16 | $len_lo;
			last if length $in < 9 + $len;

			my $payload = substr $in, 9, $len;
			substr($in, 0, 9 + $len) = '';

			if ($type == 0x1 && $stream == 1) {
				$result{status} = h2_status($payload);
			} elsif ($type == 0x0 && $stream == 1) {
				$result{body} .= $payload;
			} elsif ($type == 0x3 && $stream == 1) {
				$result{rst} = unpack 'N', $payload;
				last READ;
			} elsif ($type == 0x7) {
				$result{goaway} = unpack 'N', substr $payload, 4, 4;
				last READ;
			}

			last READ if $stream == 1 && $flags & 0x1;
		}
	}

	close $s;
	return \%result;
}

sub h2_frame {
	my ($type, $flags, $stream, $payload) = @_;
	my $len = length $payload;
	return pack('CnCCN', $len >> 16, $len & 0xffff, $type, $flags, $stream)
		. $payload;
}

# a string literal, not Huffman-coded, with its length as an HPACK integer
# with a 7-bit prefix
sub hpack_string {
	my ($s) = @_;
	my $len = length $s;

	return chr($len) . $s if $len < 127;

	my $out = chr(127);
	$len -= 127;
	while ($len >= 128) {
		$out .= chr($len % 128 + 128);
		$len = int($len / 128);
	}
	return $out . chr($len) . $s;
}

# the status from a response header block as nginx writes it: an indexed
# field for the statuses in the static table, else a literal with the
# indexed name ":status" and three plain digits
sub h2_status {
	my ($block) = @_;
	my %indexed = (0x88 => 200, 0x89 => 204, 0x8a => 206, 0x8b => 304,
		0x8c => 400, 0x8d => 404, 0x8e => 500);
	my $first = ord $block;

	return $indexed{$first} if exists $indexed{$first};
	return $1 if $block =~ /^[\x08\x18\x48]\x03(\d{3})/;
	return -1;
}

###############################################################################
