#!/usr/bin/perl

# Tests for the mattermost_preauth module: the exemption snippets in
# nginx-conf/snippets/, each included on its own at server level, and all of
# them together at location level.

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

my $snippets = "$FindBin::Bin/../nginx-conf/snippets";
my $secret = 'rJ0QnCyJ2Q5dOj0nEo3Ls2qbN9o1cT7vX1kS8yH3pWo=';
my $name = 'X-Mattermost-Preauth-Secret';

# snippet => [ port, paths it exempts, paths it must not exempt ]
my %cases = (
	notifications => [ 1,
		[ '/api/v4/notifications/ack' ],
		[ '/api/v4/notifications/ack/', '/api/v4/notifications' ] ],
	sso => [ 2,
		[ '/static/main.js', '/static/files/logo.png',
			'/api/v4/config/client', '/login/desktop' ],
		[ '/static', '/api/v4/config/client/x', '/api/v4/config',
			'/login/desktop/', '/api/v4/users/me' ] ],
	saml => [ 3,
		[ '/login/sso/saml' ],
		[ '/login/sso/saml/', '/login/sso', '/login' ] ],
	openid => [ 4,
		[ map { my $s = $_; map { "/oauth/$s/$_" }
				qw(complete login mobile_login signup) }
			qw(gitlab google office365 openid) ],
		[ '/oauth/gitlab/complete/', '/oauth/gitlab/completex',
			'/oauth/gitlab/complete%0A', '/oauth/evil/complete',
			'/oauth/gitlab', '/x/oauth/gitlab/login',
			'/oauth/gitlab/login/../../../api/v4/users' ] ],
	oauth => [ 5,
		[ map { ("/api/v3/oauth/$_/complete", "/signup/$_/complete",
				"/login/$_/complete") }
			qw(gitlab google office365 openid) ],
		[ '/api/v3/oauth/gitlab/login', '/signup/gitlab/complete/',
			'/login/gitlab/complete%0A', '/login/evil/complete',
			'/api/v4/oauth/gitlab/complete', '/signup/gitlab' ] ],
);

my @names = sort keys %cases;

my $servers = '';
for my $snippet (@names) {
	my $port = $cases{$snippet}[0];
	$servers .= <<"EOF";
	server {
		listen       127.0.0.1:%%PORT_$port%%;
		server_name  $snippet;

		include $snippets/mattermost-preauth-$snippet.conf;

		location / {
			proxy_pass http://127.0.0.1:%%PORT_9%%;
		}
	}

EOF
}

my $all = join "\n", map {
	"\t\t\tinclude $snippets/mattermost-preauth-$_.conf;"
} @names;

my $t = Preauth::Nginx->new()->write_config(<<"EOF");

%%GLOBALS%%

events {
}

http {
	%%HTTP_GLOBALS%%

	mattermost_preauth on;
	mattermost_preauth_secret "$secret";

$servers
	server {
		listen       127.0.0.1:%%PORT_6%%;
		server_name  all;

		location / {
$all

			proxy_pass http://127.0.0.1:%%PORT_9%%;
		}
	}

	server {
		listen       127.0.0.1:%%PORT_9%%;
		server_name  backend;

		mattermost_preauth off;

		location / {
			return 200 "backend \$uri\\n";
		}
	}
}

EOF

my $count = 2;
for my $snippet (@names) {
	$count += 2 * @{$cases{$snippet}[1]} + @{$cases{$snippet}[2]} + 1;
}

$t->run()->plan($count);

###############################################################################

for my $snippet (@names) {
	my ($port, $exempt, $guarded) = @{$cases{$snippet}};

	for my $path (@$exempt) {
		not_refused_ok($t->http_get({ port => $port }, $path), 200,
			"$snippet exempts $path");
		not_refused_ok($t->http_get({ port => 6 }, $path), 200,
			"$snippet at location level exempts $path");
	}

	for my $path (@$guarded) {
		refused_ok($t->http_get({ port => $port }, $path),
			"$snippet does not exempt $path");
	}

	not_refused_ok($t->http_get({ port => $port }, '/api/v4/users/me',
		$name => $secret), 200, "$snippet keeps the secret working");
}

refused_ok($t->http_get({ port => 6 }, '/api/v4/users/me'),
	'all snippets at location level do not exempt the api');
refused_ok($t->http_get({ port => 6 }, '/oauth/gitlab/complete/'),
	'all snippets at location level stay exact');

###############################################################################

$t->finish();

###############################################################################
