#!/usr/bin/perl

# Tests for the mattermost_preauth module: configuration errors and
# warnings reported by "nginx -t".

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

my $t = Preauth::Nginx->new()->plan(39);
my $file = qr/ in \Q${\ $t->config_file()}\E:/;
my $out;

###############################################################################

# valid configurations

$out = check(<<'EOF');
		mattermost_preauth on;
		mattermost_preauth_secret "6Fu3cvvtXbFQ++mGoyMZHZPA8/9Knu1yaWYl/cS2CYk=";
		mattermost_preauth_secret "mDhCB5Bi3sWMxbKJatk4EMmC4HpqQRwjL+KRtT1j7Po=";
		mattermost_preauth_exempt /api/v4/notifications/ack;
		mattermost_preauth_exempt = /exact ^~ /static/;
		mattermost_preauth_exempt ~ \.png$ ~* \.JPG$;

		location / {
			mattermost_preauth off;
		}
EOF
like($out, qr/test is successful/, 'valid configuration');
unlike($out, qr/\[(?:warn|emerg)\]/, 'valid configuration without warnings');

$out = check(<<'EOF');
		mattermost_preauth off;
		mattermost_preauth_exempt /api/v4/notifications/ack;
EOF
like($out, qr/test is successful/, 'module off without secret');

$out = check(<<'EOF', 'http');
	mattermost_preauth_secret "6Fu3cvvtXbFQ++mGoyMZHZPA8/9Knu1yaWYl/cS2CYk=";

	server {
		listen 127.0.0.1:%%PORT_1%%;

		location / {
			mattermost_preauth on;
		}
	}
EOF
like($out, qr/test is successful/, 'secret inherited from http');

$out = check(<<'EOF');
		mattermost_preauth_secret "6Fu3cvvtXbFQ++mGoyMZHZPA8/9Knu1yaWYl/cS2CYk=";

		location / {
			mattermost_preauth off;

			location /inner/ {
				mattermost_preauth on;
			}
		}
EOF
like($out, qr/test is successful/, 'secret inherited into nested location');

# "on" without a secret, wherever it is in effect

$out = check(<<'EOF');
		location / {
			mattermost_preauth on;  # error
		}
EOF
like($out, error('"mattermost_preauth" is on but no pre-authentication'
	. ' secret is set'), 'on without secret in location');

$out = check(<<'EOF', 'http');
	mattermost_preauth on;  # error

	server {
		listen 127.0.0.1:%%PORT_1%%;
		mattermost_preauth_secret "6Fu3cvvtXbFQ++mGoyMZHZPA8/9Knu1yaWYl/cS2CYk=";
	}

	server {
		listen 127.0.0.1:%%PORT_2%%;
	}
EOF
like($out, error('"mattermost_preauth" is on but no pre-authentication'
	. ' secret is set'), 'on in http without secret in one server');

$out = check(<<'EOF');
		mattermost_preauth on;  # error

		location / {
			mattermost_preauth_secret "6Fu3cvvtXbFQ++mGoyMZHZPA8/9Knu1yaWYl/cS2CYk=";
		}
EOF
like($out, error('"mattermost_preauth" is on but no pre-authentication'
	. ' secret is set'), 'on in server with secret only in location');

$out = check(<<'EOF');
		mattermost_preauth on;  # error
		mattermost_preauth_secret "6Fu3cvvtXbFQ++mGoyMZHZPA8/9Knu1yaWYl/cS2CYk=";

		location / {
		}

		location /other/ {
			mattermost_preauth_secret "mDhCB5Bi3sWMxbKJatk4EMmC4HpqQRwjL+KRtT1j7Po=";
		}
EOF
like($out, qr/test is successful/, 'on in server with secrets everywhere');

# secrets

$out = check(<<'EOF');
		mattermost_preauth_secret "";  # error
EOF
like($out, error('"mattermost_preauth_secret" has an empty secret'),
	'empty secret');

$out = check(<<"EOF");
		mattermost_preauth_secret "6Fu3cvvtXbFQ++mGoyMZ\x01HZPA8/9Knu1yaWYl";  # error
EOF
like($out, error('"mattermost_preauth_secret" has a secret with a control'
	. ' character'), 'secret with control character');

$out = check(<<"EOF");
		mattermost_preauth_secret "6Fu3cvvtXbFQ++mGoyMZHZPA8/9Knu1yaWYl\x7f";  # error
EOF
like($out, error('"mattermost_preauth_secret" has a secret with a control'
	. ' character'), 'secret with delete character');

$out = check(<<'EOF');
		mattermost_preauth_secret "6Fu3cvvtXbFQ++mGoyMZ\nHZPA8/9Knu1yaWYl";  # error
EOF
like($out, error('"mattermost_preauth_secret" has a secret with a control'
	. ' character'), 'secret with escaped newline');

$out = check(<<'EOF');
		mattermost_preauth_secret " 6Fu3cvvtXbFQ++mGoyMZHZPA8/9Knu1yaWYl";  # error
EOF
like($out, error('"mattermost_preauth_secret" has a secret with leading or'
	. ' trailing blanks'), 'secret with leading blank');

$out = check(<<'EOF');
		mattermost_preauth_secret "6Fu3cvvtXbFQ++mGoyMZHZPA8/9Knu1yaWYl ";  # error
EOF
like($out, error('"mattermost_preauth_secret" has a secret with leading or'
	. ' trailing blanks'), 'secret with trailing blank');

$out = check(<<'EOF');
		mattermost_preauth_secret "6Fu3cvvtXbFQ++mGoyMZHZPA8/9Knu1yaWYl\t";  # error
EOF
like($out, error('"mattermost_preauth_secret" has a secret with leading or'
	. ' trailing blanks'), 'secret with trailing tab');

$out = check(<<'EOF');
		mattermost_preauth_secret your-secure-pre-auth-secret-here;  # error
EOF
like($out, error('"mattermost_preauth_secret" has the placeholder secret'
	. ' from Mattermost\'s documentation'), 'placeholder secret');

$out = check(<<'EOF');
		mattermost_preauth_secret "$mattermost_preauth_secret_value";  # error
EOF
like($out, error('"mattermost_preauth_secret" has a secret that starts like'
	. ' a variable'), 'secret looking like a variable');

$out = check(<<'EOF');
		mattermost_preauth_secret your-secure-auth-secret-here;  # error
EOF
like($out, error('"mattermost_preauth_secret" has the placeholder secret'
	. ' from Mattermost\'s documentation'), 'other placeholder secret');

$out = check(secret_of_length(1025));
like($out, error('"mattermost_preauth_secret" has a secret longer than 1024'
	. ' bytes'), 'secret of 1025 bytes');

$out = check(secret_of_length(1024));
like($out, qr/test is successful/, 'secret of 1024 bytes');

$out = check(<<'EOF');
		mattermost_preauth_secret "6Fu3cvvtXbFQ++mGoyMZHZPA8/9Knu1yaWYl/cS2CYk=";
		mattermost_preauth_secret "mDhCB5Bi3sWMxbKJatk4EMmC4HpqQRwjL+KRtT1j7Po=";
		mattermost_preauth_secret "6Fu3cvvtXbFQ++mGoyMZHZPA8/9Knu1yaWYl/cS2CYk=";  # error
EOF
like($out, error('"mattermost_preauth_secret" has a secret that is already'
	. ' listed'), 'secret listed twice');

$out = check(<<'EOF');
		mattermost_preauth on;
		mattermost_preauth_secret "Tiny-Q7vX-9kLp-";  # error
EOF
like($out, warning('"mattermost_preauth_secret" has a secret shorter than 16'
	. ' bytes; .*"openssl rand -base64 32"'), 'short secret warning');
like($out, qr/test is successful/, 'short secret accepted');

$out = check(<<'EOF');
		mattermost_preauth_secret "Tiny-Q7vX-9kLp-1";
EOF
unlike($out, qr/\[warn\]/, 'secret of 16 bytes without warning');

# exemptions

$out = check(<<'EOF');
		mattermost_preauth_exempt api/v4/notifications/ack;  # error
EOF
like($out, error('"mattermost_preauth_exempt" has an invalid pattern'
	. ' "api/v4/notifications/ack": '), 'exemption not a path');

$out = check(<<'EOF');
		mattermost_preauth_exempt "= /api/v4/system/ping";  # error
EOF
like($out, error('"mattermost_preauth_exempt" has an invalid pattern'
	. ' "= /api/v4/system/ping": '), 'modifier quoted with path');

$out = check(<<'EOF');
		mattermost_preauth_exempt /api/v4/system/ping?x=1;  # error
EOF
like($out, error('"mattermost_preauth_exempt" has an invalid pattern'
	. ' "/api/v4/system/ping\?x=1": '),
	'exemption with query string');

$out = check(<<'EOF');
		mattermost_preauth_exempt /api/v4/notifications/ack ~;  # error
EOF
like($out, error('"mattermost_preauth_exempt" has "~" without a pattern'
	. ' after it'), 'regex modifier without expression');

$out = check(<<'EOF');
		mattermost_preauth_exempt ~*;  # error
EOF
like($out, error('"mattermost_preauth_exempt" has "~\*" without a pattern'
	. ' after it'), 'caseless modifier without expression');

$out = check(<<'EOF');
		mattermost_preauth_exempt ^~;  # error
EOF
like($out, error('"mattermost_preauth_exempt" has "\^~" without a pattern'
	. ' after it'),
	'prefix modifier without path');

$out = check(<<'EOF');
		mattermost_preauth_exempt /a =;  # error
EOF
like($out, error('"mattermost_preauth_exempt" has "=" without a pattern'
	. ' after it'),
	'exact modifier without path');

$out = check(<<'EOF');
		mattermost_preauth_exempt ~ (;  # error
EOF
like($out, error('"mattermost_preauth_exempt" has an invalid regular'
	. ' expression.*missing.*"\("'), 'invalid regular expression');

$out = check(<<'EOF');
		mattermost_preauth_exempt /ok ~* [a-;  # error
EOF
like($out, error('"mattermost_preauth_exempt" has an invalid regular'
	. ' expression.*missing.*"\[a-"'),
	'invalid caseless regular expression');

$out = check(<<'EOF');
		mattermost_preauth_exempt;  # error
EOF
like($out, error('invalid number of arguments in "mattermost_preauth_exempt"'
	. ' directive'), 'exemption without pattern');

# the switch

$out = check(<<'EOF');
		mattermost_preauth yes;  # error
EOF
like($out, error('invalid value "yes" in "mattermost_preauth" directive,'
	. ' it must be "on" or "off"'), 'invalid switch value');

$out = check(<<'EOF');
		mattermost_preauth off;
		mattermost_preauth on;  # error
EOF
like($out, error('"mattermost_preauth" directive is duplicate'),
	'switch set twice');

$out = check(<<'EOF', 'main');
mattermost_preauth on;  # error
EOF
like($out, error('"mattermost_preauth" directive is not allowed here'),
	'switch outside http');

$out = check(<<'EOF');
		mattermost_preauth_secret;  # error
EOF
like($out, error('invalid number of arguments in "mattermost_preauth_secret"'
	. ' directive'), 'secret without value');

###############################################################################

$t->finish();

###############################################################################

sub check {
	return $t->check_config(@_);
}

sub error {
	return $t->emerg_at(@_);
}

sub warning {
	my ($message) = @_;
	my $line = $t->config_line('# error');
	return qr/\[warn\] $message$file$line\n/;
}

sub secret_of_length {
	my ($length) = @_;
	my $secret = substr('mDhCB5Bi3sWMxbKJatk4EMmC4HpqQRwjL+KRtT1j7Po=' x 30,
		0, $length);
	return "\t\tmattermost_preauth_secret \"$secret\";  # error\n";
}

###############################################################################
