#!/usr/bin/perl

# Tests for the mattermost_preauth module: regular-expression exemptions
# whose start is hard to read exempt exactly what they match, whether or not
# a refused request may skip them by their literal prefix.

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

		mattermost_preauth_exempt ~ "^/alt|/other$";
		mattermost_preauth_exempt ~ "^/opt/ab?c$" ~ "^/star*t$";
		mattermost_preauth_exempt ~ "^\/esc\/x" ~* "^/CaseLess/";
		mattermost_preauth_exempt ~ "^/oauth/[a-z]+/(complete|login)$";
		mattermost_preauth_exempt ~ "^/q\Q|(\E|/zz$";
		mattermost_preauth_exempt ~ "^/cc\c(|/yy$";
		mattermost_preauth_exempt ~ "^/cm(?#(|)|/ww$";
		mattermost_preauth_exempt ~ "^/xm(?x) # (\n|/vv$";
		mattermost_preauth_exempt ~ "^/px[[:alpha:](]|/uu$";

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

$t->run()->plan(48);

###############################################################################

# an alternation at top level: the second branch is not anchored

not_refused_ok($t->http_get('/alt'), 200, 'first branch');
not_refused_ok($t->http_get('/alternative'), 200, 'first branch, longer');
not_refused_ok($t->http_get('/other'), 200, 'second branch');
not_refused_ok($t->http_get('/x/other'), 200, 'second branch, not anchored');
refused_ok($t->http_get('/al'), 'first branch, shorter');
refused_ok($t->http_get('/x/otherx'), 'second branch, longer');

# a literal that a quantifier makes optional or repeatable

not_refused_ok($t->http_get('/opt/ac'), 200, 'optional literal left out');
not_refused_ok($t->http_get('/opt/abc'), 200, 'optional literal present');
refused_ok($t->http_get('/opt/abbc'), 'optional literal twice');
refused_ok($t->http_get('/opt/bc'), 'literal before the optional one');
not_refused_ok($t->http_get('/stat'), 200, 'repeated literal left out');
not_refused_ok($t->http_get('/starrrt'), 200, 'repeated literal');
refused_ok($t->http_get('/stt'), 'literal before the repeated one');

# escaped slashes, and a caseless prefix

not_refused_ok($t->http_get('/esc/x'), 200, 'escaped slash');
not_refused_ok($t->http_get('/esc/xyz'), 200, 'escaped slash, longer');
refused_ok($t->http_get('/esc/'), 'escaped slash, shorter');
refused_ok($t->http_get('/ESC/x'), 'escaped slash, case-sensitive');
not_refused_ok($t->http_get('/caseless/a'), 200, 'caseless, lower case');
not_refused_ok($t->http_get('/CASELESS/a'), 200, 'caseless, upper case');
not_refused_ok($t->http_get('/cAsElEsS/'), 200, 'caseless, mixed case');
refused_ok($t->http_get('/caseles/a'), 'caseless, shorter');
refused_ok($t->http_get('/x/caseless/a'), 'caseless, anchored');

# the form of Mattermost's single sign-on exemptions

not_refused_ok($t->http_get('/oauth/gitlab/complete'), 200, 'sso complete');
not_refused_ok($t->http_get('/oauth/gitlab/login'), 200, 'sso login');
refused_ok($t->http_get('/oauth/gitlab/signup'), 'sso other action');
refused_ok($t->http_get('/OAuth/gitlab/login'), 'sso case-sensitive');
refused_ok($t->http_get('/oauth/'), 'sso prefix only');

# constructs that hide an alternation at top level

not_refused_ok($t->http_get('/q|('), 200, 'quoted alternation and group');
not_refused_ok($t->http_get('/x/zz'), 200, 'alternation after quoting');
refused_ok($t->http_get('/q'), 'quoted literal needed');
not_refused_ok($t->http_get('/cch'), 200, 'control escape of a parenthesis');
not_refused_ok($t->http_get('/x/yy'), 200, 'alternation after control escape');
refused_ok($t->http_get('/cc'), 'control escape needed');
not_refused_ok($t->http_get('/cm'), 200, 'comment');
not_refused_ok($t->http_get('/x/ww'), 200, 'alternation after comment');
not_refused_ok($t->http_get('/xm'), 200, 'extended mode');
not_refused_ok($t->http_get('/x/vv'), 200,
	'alternation after extended comment');
not_refused_ok($t->http_get('/pxa'), 200, 'posix class');
not_refused_ok($t->http_get('/px('), 200, 'parenthesis in a class');
not_refused_ok($t->http_get('/x/uu'), 200,
	'alternation after posix class');
refused_ok($t->http_get('/px1'), 'posix class not matching');

# requests that no exemption matches

refused_ok($t->http_get('/page.html'), 'page not exempt');
refused_ok($t->http_get('/api/v4/users/me'), 'api not exempt');
refused_ok($t->http_get('/x/../alt'), 'non-canonical path not exempt');
refused_ok($t->http_get('/x/%6Fther'), 'encoded path not exempt');

is($t->refusal_reasons('/x/other'), '', 'exemption not logged');
is($t->refusal_reasons('/api/v4/users/me'), 'missing', 'refusal logged');
is($t->refusal_reasons('/opt/abbc'), 'missing', 'near miss logged');

###############################################################################

$t->finish();

###############################################################################
