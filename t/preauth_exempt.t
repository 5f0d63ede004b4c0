#!/usr/bin/perl

# Tests for the mattermost_preauth module: exemptions by exact path, prefix
# and regular expression, matched against the normalized URI, and only for
# canonical request targets.

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

my $secret = 'BF/UH/ur7ucBeYHMA3ORKbPVXOABC0cch73qupaAHdQ=';
my $wrong = 'wrong-cuzq4W2LUY1kIVBYc+HbOkz3XRjtHzkcRxhknVJM0HE=';
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
		mattermost_preauth_secret "BF/UH/ur7ucBeYHMA3ORKbPVXOABC0cch73qupaAHdQ=";
		mattermost_preauth_exempt /api/v4/notifications/ack;
		mattermost_preauth_exempt = /api/v4/system/ping;
		mattermost_preauth_exempt ^~ /static/ ~ \.png$;
		mattermost_preauth_exempt ~* \.jpg$ ~ ^/plugins/[a-z]+/public/;

		location / {
			proxy_pass http://127.0.0.1:%%PORT_2%%;
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

$t->forbid_in_logs($wrong);
$t->run()->plan(79);

###############################################################################

# exact path

my $ack = '/api/v4/notifications/ack';

my $r = $t->http_get($ack);
not_refused_ok($r, 200, 'exact exemption without secret');
is($r->body, "backend $ack\n", 'exact exemption reaches backend');
not_refused_ok($t->http_get($ack, $name => $wrong), 200,
	'exact exemption with wrong secret');
not_refused_ok($t->http_get($ack, $name => $secret), 200,
	'exact exemption with secret');
not_refused_ok($t->http_get($ack, $name => $secret, $name => $secret), 200,
	'exact exemption with duplicate secret');
not_refused_ok($t->http_head($ack), 200, 'exact exemption with head');
not_refused_ok($t->http("GET $ack HTTP/1.0\r\n\r\n"), 200,
	'exact exemption with http 1.0');

refused_ok($t->http_get("$ack/"), 'trailing slash not exempt');
refused_ok($t->http_get("${ack}x"), 'longer path not exempt');
refused_ok($t->http_get('/api/v4/notifications/ac'), 'shorter path not exempt');
refused_ok($t->http_get('/API/v4/notifications/ack'),
	'exact exemption case-sensitive');
refused_ok($t->http_get("$ack/../users"), 'dot segments leaving exemption');

not_refused_ok($t->http_get('/api/v4/system/ping'), 200,
	'exact exemption with equal sign');
refused_ok($t->http_get('/api/v4/system/ping/'),
	'exact exemption with equal sign is exact');

# query strings never count

not_refused_ok($t->http_get("$ack?id=1&x=/y"), 200,
	'query string on exempt path');
not_refused_ok($t->http_get("$ack?"), 200, 'empty query on exempt path');
refused_ok($t->http_get("/api/v4/users?$ack"),
	'exempt path in query string not exempt');
refused_ok($t->http_get("/api/v4/users?x=$ack"),
	'exempt path as query argument not exempt');
refused_ok($t->http_get("/api/v4/users?/static/a.css"),
	'exempt prefix in query string not exempt');
refused_ok($t->http_get("/api/v4/users?a.png"),
	'exempt suffix in query string not exempt');
refused_ok($t->http_get("$ack%3Fx"), 'encoded question mark not a query');

# only a canonical request target is exempt: a path that nginx normalizes
# into an exempt one needs the secret, as the upstream may see the original

for my $path ("/x/..$ack", "/x/%2e%2e$ack", "/x/%2E%2E$ack",
	'/api/./v4/notifications/ack', '/api/v4/notifications/%61ck',
	'/api/v4/notifications/ac%6B', '/api%2Fv4/notifications/ack',
	'/api/v4/notifications%2fack', '/api/v4/notifications/%2e/ack',
	'//api/v4/notifications/ack', '/api//v4/notifications/ack',
	'/api/v4/notifications//ack', '/static/%2e%2e/static/app.css',
	'/static/./app.css', '/static//app.css', '/static/%61pp.css',
	'/img/%2e/logo.png', '/img/logo%2Epng', '/img/./logo.png',
	"$ack#fragment")
{
	refused_ok($t->http_get($path), "non-canonical $path not exempt");
}

$r = $t->http_get("/x/..$ack", $name => $secret);
not_refused_ok($r, 200, 'non-canonical path with secret');
is($r->body, "backend $ack\n", 'non-canonical path normalized by nginx');
not_refused_ok($t->http_get('//api//v4/users', $name => $secret), 200,
	'repeated slashes with secret');
not_refused_ok($t->http_get('/static/%61pp.css', $name => $secret), 200,
	'encoded path with secret');

# the query string is not part of the rule

not_refused_ok($t->http_get("$ack?x=%2e%2e/a//b"), 200,
	'encoded query string on exempt path');
not_refused_ok($t->http_get('/static/app.css?v=%2F'), 200,
	'encoded query string on exempt prefix');

# absolute-form request targets: the path counts, as for any request

not_refused_ok($t->http("GET http://localhost$ack HTTP/1.1\r\n"
	. "Host: localhost\r\nConnection: close\r\n\r\n"), 200,
	'absolute-form canonical exempt path');
refused_ok($t->http("GET http://localhost/x/..$ack HTTP/1.1\r\n"
	. "Host: localhost\r\nConnection: close\r\n\r\n"),
	'absolute-form dot segments not exempt');
refused_ok($t->http("GET http://localhost//api/v4/notifications/ack HTTP/1.1"
	. "\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
	'absolute-form repeated slash not exempt');
refused_ok($t->http("GET http://localhost/api/v4/notifications/%61ck "
	. "HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
	'absolute-form encoded path not exempt');
refused_ok($t->http("GET http://localhost?$ack HTTP/1.1\r\n"
	. "Host: localhost\r\nConnection: close\r\n\r\n"),
	'absolute-form without path not exempt');

# prefix

not_refused_ok($t->http_get('/static/app.css'), 200, 'prefix exemption');
not_refused_ok($t->http_get('/static/'), 200, 'prefix exemption itself');
not_refused_ok($t->http_get('/static/a/b/c'), 200, 'prefix exemption deep');
refused_ok($t->http_get('/static'), 'prefix without trailing slash');
refused_ok($t->http_get('/staticx/app.css'), 'longer prefix not exempt');
refused_ok($t->http_get('/Static/app.css'), 'prefix case-sensitive');
refused_ok($t->http_get('/x/static/app.css'), 'prefix only at start');
refused_ok($t->http_get('/static/../api/v4/users'),
	'dot segments leaving prefix');

# regular expressions

not_refused_ok($t->http_get('/img/logo.png'), 200, 'regex exemption');
not_refused_ok($t->http_get('/img/logo.png?v=2'), 200,
	'regex exemption with query string');
refused_ok($t->http_get('/img/logo.PNG'), 'regex case-sensitive');
refused_ok($t->http_get('/img/logo.png/'), 'regex anchored at end');
refused_ok($t->http_get('/img/logo.pngx'), 'regex not matching');
refused_ok($t->http_get('/img/logo?.png'), 'regex not matching query');

not_refused_ok($t->http_get('/img/photo.jpg'), 200, 'caseless regex lower');
not_refused_ok($t->http_get('/img/photo.JPG'), 200, 'caseless regex upper');
not_refused_ok($t->http_get('/img/photo.JpG'), 200, 'caseless regex mixed');
refused_ok($t->http_get('/img/photo.jpeg'), 'caseless regex not matching');

not_refused_ok($t->http_get('/plugins/playbooks/public/app.js'), 200,
	'regex with character class');
refused_ok($t->http_get('/plugins/Playbooks/public/app.js'),
	'regex with character class case-sensitive');
refused_ok($t->http_get('/x/plugins/playbooks/public/app.js'),
	'regex anchored at start');

# other requests still need the secret

not_refused_ok($t->http_get('/api/v4/users', $name => $secret), 200,
	'secret outside exemptions');
refused_ok($t->http_get('/api/v4/users', $name => $wrong),
	'wrong secret outside exemptions');

# exempt requests are not logged

is($t->refusal_reasons($ack), '', 'exemption not logged');
is($t->refusal_reasons("$ack?id=1&x=/y"), '',
	'exemption with query not logged');
is($t->refusal_reasons("/x/..$ack"), 'missing',
	'non-canonical path logged as refused');
is($t->refusal_reasons("$ack/"), 'missing', 'refusal next to exemption logged');

###############################################################################

$t->finish();

###############################################################################

###############################################################################
