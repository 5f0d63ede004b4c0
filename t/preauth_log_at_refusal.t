#!/usr/bin/perl

# Tests for the mattermost_preauth module: a refusal is logged as it is
# made, once, in the error log of the location that refused it, whatever
# error_page, try_files or a second check do next, and whether or not
# another location has satisfy any. Also the variables read by name (SSI)
# where no configuration line names them.

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

# the same checks without and with a location that has satisfy any, which
# makes the module log some refusals when the request ends
my $other = <<'EOF';
		location /other/ {
			mattermost_preauth on;
			satisfy any;
			allow 127.0.0.2;
			deny all;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}
EOF

my $checks = 27;
plan(tests => 2 * ($checks + Preauth::Nginx::LOG_CHECKS));

for my $extra ('', $other) {
	my $variant = $extra ? 'with satisfy any elsewhere' : 'alone';
	my $t = start($extra);

	my $r = $t->http_get('/page/x');
	refused_ok($r, "$variant: error page to uri keeps reject headers");
	is($r->body, "custom refusal page\n", "$variant: error page to uri body");
	is($t->refusal_reasons('/page/x'), 'missing',
		"$variant: error page refusal logged once");

	$r = $t->http_get('/page/y', $name => $wrong);
	refused_ok($r, "$variant: wrong secret refused");
	like($t->error_log_for('/page/y'), refusal_line('invalid', '/page/y'),
		"$variant: log line of refusal");

	not_refused_ok($t->http_get('/page/z', $name => $secret), 200,
		"$variant: right secret allowed");
	is($t->refusal_reasons('/page/z'), '', "$variant: allowed not logged");

	$r = $t->http_get('/named/x');
	refused_ok($r, "$variant: error page to named location");
	is($r->body, "named refusal page\n", "$variant: named location body");
	is($t->refusal_reasons('/named/x'), 'missing',
		"$variant: named location refusal logged once");

	$r = $t->http_get('/replaced/x');
	is($r->status, 200, "$variant: error page with other status");
	is($t->refusal_reasons('/replaced/x'), 'missing',
		"$variant: refusal with other status logged once");

	# the error page refused again: one line, with the first reason

	$r = $t->http_get('/guarded-page/x', $name => $wrong);
	refused_ok($r, "$variant: guarded error page refused");
	unlike($r->body, qr/guarded refusal page/,
		"$variant: guarded error page not served");
	is($t->refusal_reasons('/guarded-page/x'), 'invalid',
		"$variant: refused again logged once, first reason");

	$r = $t->http_get('/dropped/x');
	is($r->raw, '', "$variant: dropped refusal gets no response");
	is($t->refusal_reasons('/dropped/x'), 'missing',
		"$variant: dropped refusal logged once");

	$r = $t->http_get('/files/absent.txt');
	refused_ok($r, "$variant: try_files fallback refused");
	is($t->refusal_reasons('/files/absent.txt'), 'missing',
		"$variant: try_files fallback refusal logged once");

	# the line goes to the error log of the location that refused

	$r = $t->http_get('/own-log/x');
	refused_ok($r, "$variant: refused with its own error log");
	like($t->read_file('own.log'),
		qr/missing pre-authentication secret.*\/own-log\/x/,
		"$variant: line in the refusing location's log");
	unlike($t->read_file('errors-page.log'), qr/pre-authentication secret/,
		"$variant: not in the error page's log");

	# variables that only SSI reads, by name: the refusal the request carries

	$r = $t->http_get('/ssi-page/x');
	refused_ok($r, "$variant: refusal with an SSI error page");
	like($r->body, qr/^status=missing label=$/m,
		"$variant: SSI reads the refusal");

	$r = $t->http_get('/ssi-page/y', $name => $wrong);
	like($r->body, qr/^status=invalid label=$/m,
		"$variant: SSI reads the reason");

	$r = $t->http_get('/ssi-checked/page.shtml', $name => $secret);
	like($r->body, qr/^status=ok label=ssi-2026$/m,
		"$variant: SSI reads allowed");

	# the one in its own error log left out
	is($t->refusal_count(), 9, "$variant: one log line per refused request");

	$t->finish();
}

###############################################################################

sub start {
	my ($extra) = @_;

	my $t = Preauth::Nginx->new()->write_config(<<"EOF");

%%GLOBALS%%

events {
}

http {
	%%HTTP_GLOBALS%%

	server {
		listen       127.0.0.1:%%PORT_1%%;
		server_name  localhost;

		mattermost_preauth_secret "$secret" label=ssi-2026;

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
			error_page 403 \@refused;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location \@refused {
			rewrite ^ /named-refused break;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /dropped/ {
			mattermost_preauth on;
			error_page 403 = \@drop;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location \@drop {
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
			try_files \$uri /app\$uri;
		}

		location /app/ {
			mattermost_preauth on;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /own-log/ {
			mattermost_preauth on;
			error_log %%TESTDIR%%/own.log info;
			error_page 403 /errors-page/refused.html;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /errors-page/ {
			error_log %%TESTDIR%%/errors-page.log info;
			alias %%TESTDIR%%/errors/;
		}

		location /ssi-page/ {
			mattermost_preauth on;
			error_page 403 /ssi/refused.shtml;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /ssi/ {
			ssi on;
			ssi_types *;
			root %%TESTDIR%%;
		}

		location /ssi-checked/ {
			mattermost_preauth on;
			ssi on;
			ssi_types *;
			alias %%TESTDIR%%/ssi/;
		}

$extra
	}

	server {
		listen       127.0.0.1:%%PORT_2%%;
		server_name  backend;

		location / {
			return 200 "backend \$uri\\n";
		}

		location /named-refused {
			return 200 "named refusal page\\n";
		}
	}
}

EOF

	my $ssi = 'status=<!--# echo var="mattermost_preauth_status" -->'
		. ' label=<!--# echo var="mattermost_preauth_secret_label" -->' . "\n";

	$t->write_file('errors/refused.html', "custom refusal page\n");
	$t->write_file('guarded-errors/refused.html', "guarded refusal page\n");
	$t->write_file('ssi/refused.shtml', $ssi);
	$t->write_file('ssi/page.shtml', $ssi);
	$t->forbid_in_logs($wrong);

	return $t->run();
}

###############################################################################
