#!/usr/bin/perl

# Tests for the mattermost_preauth module: inheritance of the switch, the
# secrets and the exemptions between http, server and location levels.

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

my $http = 'enmIx/mbPHMzJTMKG6+Fc5Pq26SQaQdVBNuPmwMyQt0=';
my $server = 'rFEKtwXyr0WvlCmJg2+SueR5rMKrdAXJwvYncS4pqHY=';
my $location = 'BF/UH/ur7ucBeYHMA3ORKbPVXOABC0cch73qupaAHdQ=';
my $outer = 'cuzq4W2LUY1kIVBYc+HbOkz3XRjtHzkcRxhknVJM0HE=';
my $name = 'X-Mattermost-Preauth-Secret';

my $t = Preauth::Nginx->new()->write_config(<<'EOF');

%%GLOBALS%%

events {
}

http {
	%%HTTP_GLOBALS%%

	mattermost_preauth on;
	mattermost_preauth_secret "enmIx/mbPHMzJTMKG6+Fc5Pq26SQaQdVBNuPmwMyQt0=";
	mattermost_preauth_exempt /api/v4/notifications/ack ^~ /public/;

	# everything inherited from http
	server {
		listen       127.0.0.1:%%PORT_1%%;
		server_name  localhost;

		location / {
			proxy_pass http://127.0.0.1:%%PORT_9%%;
		}

		location /off/ {
			mattermost_preauth off;
			proxy_pass http://127.0.0.1:%%PORT_9%%;
		}

		location /own-secret/ {
			mattermost_preauth_secret "BF/UH/ur7ucBeYHMA3ORKbPVXOABC0cch73qupaAHdQ=";
			proxy_pass http://127.0.0.1:%%PORT_9%%;
		}

		location /api/ {
			mattermost_preauth_exempt /api/v4/system/ping;
			proxy_pass http://127.0.0.1:%%PORT_9%%;
		}

		location /outer/ {
			mattermost_preauth_secret "cuzq4W2LUY1kIVBYc+HbOkz3XRjtHzkcRxhknVJM0HE=";

			location /outer/inner/ {
				proxy_pass http://127.0.0.1:%%PORT_9%%;
			}

			location /outer/off/ {
				mattermost_preauth off;
				proxy_pass http://127.0.0.1:%%PORT_9%%;
			}
		}
	}

	# the server replaces the secrets and exemptions from http
	server {
		listen       127.0.0.1:%%PORT_2%%;
		server_name  localhost;

		mattermost_preauth_secret "rFEKtwXyr0WvlCmJg2+SueR5rMKrdAXJwvYncS4pqHY=";
		mattermost_preauth_exempt ^~ /static/ ~ \.css$;

		location / {
			proxy_pass http://127.0.0.1:%%PORT_9%%;
		}

		location /own-secret/ {
			mattermost_preauth_secret "BF/UH/ur7ucBeYHMA3ORKbPVXOABC0cch73qupaAHdQ=";
			proxy_pass http://127.0.0.1:%%PORT_9%%;
		}
	}

	# off for the server, on again in one location
	server {
		listen       127.0.0.1:%%PORT_3%%;
		server_name  localhost;

		mattermost_preauth off;

		location / {
			proxy_pass http://127.0.0.1:%%PORT_9%%;
		}

		location /on/ {
			mattermost_preauth on;
			proxy_pass http://127.0.0.1:%%PORT_9%%;
		}
	}

	server {
		listen       127.0.0.1:%%PORT_9%%;
		server_name  backend;

		mattermost_preauth off;

		location / {
			return 200 "backend $uri\n";
		}
	}
}

EOF

$t->run()->plan(30);

###############################################################################

# inherited from http

refused_ok($t->http_get('/x'), 'http on inherited');
not_refused_ok($t->http_get('/x', $name => $http), 200,
	'http secret inherited');
not_refused_ok($t->http_get('/public/x'), 200, 'http exemption inherited');

not_refused_ok($t->http_get('/off/x'), 200, 'off in location');
not_refused_ok($t->http_get('/off/x', $name => 'anything'), 200,
	'off in location ignores header');

refused_ok($t->http_get('/own-secret/x', $name => $http),
	'location secret replaces http secret');
not_refused_ok($t->http_get('/own-secret/x', $name => $location), 200,
	'location secret');

refused_ok($t->http_get('/api/v4/notifications/ack'),
	'location exemption replaces http exemption');
not_refused_ok($t->http_get('/api/v4/system/ping'), 200,
	'location exemption');
not_refused_ok($t->http_get('/api/v4/users', $name => $http), 200,
	'http secret with location exemption');

refused_ok($t->http_get('/outer/inner/x', $name => $http),
	'nested location: http secret replaced');
not_refused_ok($t->http_get('/outer/inner/x', $name => $outer), 200,
	'nested location inherits outer secret');
refused_ok($t->http_get('/outer/inner/x'), 'nested location inherits on');
not_refused_ok($t->http_get('/outer/off/x'), 200, 'nested location off');
refused_ok($t->http_get('/outer/x', $name => $http),
	'outer location secret');

# replaced in the server

refused_ok($t->http_get({ port => 2 }, '/x'), 'server: on inherited');
refused_ok($t->http_get({ port => 2 }, '/x', $name => $http),
	'server: http secret replaced');
not_refused_ok($t->http_get({ port => 2 }, '/x', $name => $server), 200,
	'server secret');
refused_ok($t->http_get({ port => 2 }, '/public/x'),
	'server: http exemption replaced');
not_refused_ok($t->http_get({ port => 2 }, '/static/app.css'), 200,
	'server exemption');
refused_ok($t->http_get({ port => 2 }, '/own-secret/x', $name => $server),
	'server: location secret replaces server secret');
not_refused_ok($t->http_get({ port => 2 }, '/own-secret/x',
	$name => $location), 200, 'server: location secret');
not_refused_ok($t->http_get({ port => 2 }, '/own-secret/app.css'), 200,
	'server: location inherits server exemption');
not_refused_ok($t->http_get({ port => 2 }, '/static/x', $name => $http), 200,
	'server: exemption with secret from http');

# off in the server, on in a location

not_refused_ok($t->http_get({ port => 3 }, '/x'), 200, 'server off');
refused_ok($t->http_get({ port => 3 }, '/on/x'), 'location on');
not_refused_ok($t->http_get({ port => 3 }, '/on/x', $name => $http), 200,
	'location on with http secret');
refused_ok($t->http_get({ port => 3 }, '/on/api/v4/notifications/ack'),
	'location on: http exemption is for another uri');
not_refused_ok($t->http_get({ port => 3 }, '/on/../x'), 200,
	'location on: dot segments leave it');

# the backend server is off too

not_refused_ok($t->http_get({ port => 9 }, '/x'), 200, 'backend server off');

###############################################################################

$t->finish();

###############################################################################
