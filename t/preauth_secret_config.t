#!/usr/bin/perl

# Tests for the mattermost_preauth module: labels, expiry dates, hashed
# secrets and secret files as "nginx -t" checks them.

###############################################################################

use warnings;
use strict;

use Test::More;
use POSIX ();

use FindBin;
use lib "$FindBin::Bin/lib";
use Preauth::Nginx;

###############################################################################

select STDERR; $| = 1;
select STDOUT; $| = 1;

my $secret = 'Vq7Rk2XbN9sLt4WmZc8YpH3gJd6FaE1uKo5TiQ0rSw';
my $other = 'Mf3Nx8Qa1Zr6Vt9Kc2Yp5Hg7Jw4Ld0Eb3Su8Io1Xn';
my $digest = 'ab12' x 16;
my $other_digest = 'cd34' x 16;
my $tomorrow = Preauth::Nginx::utc_date(1);

my $t = Preauth::Nginx->new()->plan(56);
my $conf = qr/ in \Q${\ $t->config_file()}\E:/;
my $dir = $t->testdir();
my ($out, $path);

$t->forbid_in_logs($secret, $other);

###############################################################################

# labels, expiry dates and digests on the directive

$out = check(<<"EOF");
		mattermost_preauth on;
		mattermost_preauth_secret "$secret" label=app.v2_x-1;
		mattermost_preauth_secret "$other" expires=$tomorrow label=next;
		mattermost_preauth_secret sha256:$digest;
		mattermost_preauth_secret sha256:\U$other_digest\E label=upper;
EOF
like($out, qr/test is successful/, 'labels, expiry and digests');
unlike($out, qr/\[(?:warn|emerg)\]/, 'labels, expiry and digests no warning');

$out = check(<<"EOF");
		mattermost_preauth_secret "$secret" label=${\ ('L' x 64)};
EOF
like($out, qr/test is successful/, 'label of 64 characters');

$out = check(<<"EOF");
		mattermost_preauth_secret "$secret" label=${\ ('L' x 65)};  # error
EOF
like($out, error('"mattermost_preauth_secret" has an invalid label'),
	'label of 65 characters');

$out = check(<<"EOF");
		mattermost_preauth_secret "$secret" label=;  # error
EOF
like($out, error('"mattermost_preauth_secret" has an invalid label'),
	'empty label');

$out = check(<<"EOF");
		mattermost_preauth_secret "$secret" label=a/b;  # error
EOF
like($out, error('"mattermost_preauth_secret" has an invalid label'),
	'label with slash');

$out = check(<<"EOF");
		mattermost_preauth_secret "$secret" label=app;
		mattermost_preauth_secret "$other" label=app;  # error
EOF
like($out, error('"mattermost_preauth_secret" has the label "app" more than'
	. ' once'), 'duplicate label');

$out = check(<<"EOF");
		mattermost_preauth_secret "$secret" label=app label=web;  # error
EOF
like($out, qr/\[emerg\] [^\n]*label[^\n]*$conf\d+\n(?:.*\n)*.*test failed/,
	'label given twice');

$out = check(<<"EOF");
		mattermost_preauth_secret "$secret" expires=2025-02-30;  # error
EOF
like($out, error('"mattermost_preauth_secret" has an invalid expiry date'),
	'impossible date');

$out = check(<<"EOF");
		mattermost_preauth_secret "$secret" expires=1.1.2030;  # error
EOF
like($out, error('"mattermost_preauth_secret" has an invalid expiry date'),
	'date in another form');

$out = check(<<"EOF");
		mattermost_preauth_secret "$secret"
			expires=$tomorrow expires=$tomorrow;  # error
EOF
like($out, qr/\[emerg\] [^\n]*expires[^\n]*$conf\d+\n(?:.*\n)*.*test failed/,
	'expiry given twice');

$out = check(<<"EOF");
		mattermost_preauth_secret "$secret" comment=x;  # error
EOF
like($out, error('"mattermost_preauth_secret" has an unknown parameter'),
	'unknown parameter');

$out = check(<<"EOF");
		mattermost_preauth_secret "$secret" label=a expires=2020-01-01;  # error
EOF
like($out, qr/\[warn\] [^\n]*expire[^\n]*$conf\d+\n/,
	'secret expired at load warns');
like($out, qr/test is successful/, 'secret expired at load accepted');

$out = check(<<'EOF');
		mattermost_preauth_secret sha256:abcd;  # error
EOF
like($out, error('[^\n]*sha256[^\n]*64 hexadecimal digits'), 'short digest');

$out = check(<<"EOF");
		mattermost_preauth_secret sha256:${\ ('g' . substr($digest, 1))};  # error
EOF
like($out, error('[^\n]*sha256[^\n]*64 hexadecimal digits'),
	'digest with non-hexadecimal digit');

$out = check(<<"EOF");
		mattermost_preauth_secret sha256:${digest}00;  # error
EOF
like($out, error('[^\n]*sha256[^\n]*64 hexadecimal digits'), 'long digest');

# secret files

$path = $t->write_private_file('good.secrets', <<"EOF");
# pre-authentication secrets

$secret label=app

   # indented comment
\t
sha256:$digest label=hashed expires=$tomorrow
EOF

$out = check(<<'EOF');
		mattermost_preauth on;
		mattermost_preauth_secret_file good.secrets;
EOF
like($out, qr/test is successful/, 'secret file with comments and blanks');
unlike($out, qr/\[(?:warn|emerg)\]/, 'secret file without warning');

$out = check(<<"EOF");
		mattermost_preauth on;
		mattermost_preauth_secret_file %%TESTDIR%%/good.secrets;
EOF
like($out, qr/test is successful/, 'secret file by absolute path');

$out = check(<<"EOF");
		mattermost_preauth_secret "$other" label=app;
		mattermost_preauth_secret_file good.secrets;  # error
EOF
like($out, qr/\[emerg\] [^\n]*has the label "app" more than once/,
	'duplicate label in file and directive');

$out = check(<<'EOF');
		mattermost_preauth_secret_file missing.secrets;  # error
EOF
like($out, error('"mattermost_preauth_secret_file" [^\n]*'
	. quotemeta("$dir/missing.secrets") . '[^\n]*No such file or directory'),
	'missing file');

# as root every file is readable whatever its mode; a directory cannot be
# read as a file by anyone

mkdir "$dir/dir.secrets" or die "cannot create directory: $!\n";

$out = check(<<'EOF');
		mattermost_preauth_secret_file dir.secrets;  # error
EOF
like($out, error('"mattermost_preauth_secret_file" [^\n]*'
	. quotemeta("$dir/dir.secrets")
	. '[^\n]*(?:Is a directory|not a regular file)'),
	'unreadable file: directory');

SKIP: {
	skip 'running as root, a mode 000 file stays readable', 1 if $> == 0;

	$t->write_private_file('closed.secrets', "$secret\n", 0);

	$out = check(<<'EOF');
		mattermost_preauth_secret_file closed.secrets;  # error
EOF
	like($out, error('"mattermost_preauth_secret_file" [^\n]*'
		. quotemeta("$dir/closed.secrets") . '[^\n]*Permission denied'),
		'unreadable file: mode 000');
}

$t->write_private_file('empty.secrets', '');

$out = check(<<'EOF');
		mattermost_preauth_secret_file empty.secrets;  # error
EOF
like($out, error('"mattermost_preauth_secret_file" "'
	. quotemeta("$dir/empty.secrets") . '" has no secrets'),
	'empty file');

$t->write_private_file('comments.secrets', "# nothing yet\n\n  \n\t# x\n");

$out = check(<<'EOF');
		mattermost_preauth_secret_file comments.secrets;  # error
EOF
like($out, error('"mattermost_preauth_secret_file" "'
	. quotemeta("$dir/comments.secrets") . '" has no secrets'),
	'file with only comments and blank lines');

bad_line("label=bad/label", 'has an invalid label', 'bad label in file');
bad_line("expires=2030-13-01", 'has an invalid expiry date',
	'bad date in file');
bad_line("colour=blue", 'has an unknown parameter',
	'unknown parameter in file');
bad_line("label=twice\n$other label=twice",
	'has the label "twice" more than once', 'duplicate label in file', 4);

$path = $t->write_private_file('digest.secrets',
	"# digests\nsha256:${digest}0 label=x\n");
$out = check(<<'EOF');
		mattermost_preauth_secret_file digest.secrets;
EOF
like($out,
	qr/\[emerg\] [^\n]*sha256[^\n]*64 hexadecimal digits[^\n]*\Q in $path\E:2\n/,
	'bad digest in file');

$path = $t->write_private_file('placeholder.secrets',
	"\n\nyour-secure-pre-auth-secret-here\n");
$out = check(<<'EOF');
		mattermost_preauth_secret_file placeholder.secrets;
EOF
like($out, qr/\[emerg\] [^\n]*placeholder[^\n]*\Q in $path:3\E\n/,
	'placeholder in file');

# a secret with a blank inside splits into two tokens: neither half may show
# in the message

my ($half1, $half2) = ('Zt5Wq8Nc2Kx7Rb4Hm', 'Jp9Ld3Vs6Ya1Fg0Eu');
$t->forbid_in_logs($half1, $half2);
$path = $t->write_private_file('blank.secrets', "$half1 $half2\n");
$out = check(<<'EOF');
		mattermost_preauth_secret_file blank.secrets;
EOF
like($out, qr/\[emerg\] [^\n]*\Q in $path:1\E\n/, 'secret with blank in file');
unlike($out, qr/\Q$half1\E|\Q$half2\E/, 'secret with blank not shown');

# a file that others may read works, with a warning

$path = $t->write_private_file('open.secrets', "$secret\n", 0644);
$out = check(<<'EOF');
		mattermost_preauth on;
		mattermost_preauth_secret_file open.secrets;  # error
EOF
like($out, qr/\[warn\] [^\n]*\Q$path\E/, 'world-readable file warns');
like($out, qr/test is successful/, 'world-readable file accepted');

$path = $t->write_private_file('group.secrets', "$secret\n", 0640);
$out = check(<<'EOF');
		mattermost_preauth on;
		mattermost_preauth_secret_file group.secrets;  # error
EOF
like($out, qr/\[warn\] [^\n]*\Q$path\E/, 'group-readable file warns');
like($out, qr/test is successful/, 'group-readable file accepted');

$path = $t->write_private_file('writable.secrets', "$secret\n", 0620);
$out = check(<<'EOF');
		mattermost_preauth on;
		mattermost_preauth_secret_file writable.secrets;  # error
EOF
like($out, qr/\[warn\] [^\n]*\Q$path\E" is readable or writable/,
	'group-writable file warns');

# a line or a directive that starts with an option has lost its secret

$path = $t->write_private_file('option.secrets',
	"$secret\n label=2026-01\n");
$out = check(<<'EOF');
		mattermost_preauth_secret_file option.secrets;
EOF
like($out, qr/\[emerg\] [^\n]*"label=" or "expires=" where the secret belongs[^\n]*\Q in $path:2\E\n/,
	'line with options only');

$out = check(<<'EOF');
		mattermost_preauth_secret expires=2030-01-01 label=x;  # error
EOF
like($out, error('"mattermost_preauth_secret" has "label=" or "expires=" where'),
	'directive with options only');

# this module's own placeholder is refused like Mattermost's

$out = check(<<'EOF');
		mattermost_preauth_secret REPLACE-WITH-A-SECRET-FROM-scripts/secret;  # error
EOF
like($out, error('"mattermost_preauth_secret" has the placeholder secret'),
	'placeholder from the reference');

# a byte order mark is not a secret: a file with it and a comment is empty

$path = $t->write_private_file('bom.secrets', "\xef\xbb\xbf# secrets\n");
$out = check(<<'EOF');
		mattermost_preauth_secret_file bom.secrets;  # error
EOF
like($out, error(quotemeta(
	qq{"mattermost_preauth_secret_file" "$path" has no secrets})),
	'byte order mark ignored');

$out = check(<<'EOF');
		mattermost_preauth_secret_file "";  # error
EOF
like($out, error('"mattermost_preauth_secret_file" has an empty path'),
	'empty path');

# a FIFO is refused without opening it, which would wait for a writer

$path = "$dir/fifo.secrets";
POSIX::mkfifo($path, 0600) or die "mkfifo $path: $!\n";
{
	# should nginx wait on it, open the FIFO for writing to let it go on
	my $waited;
	local $SIG{ALRM} = sub {
		$waited = 1;
		my $w;
		close $w
			if sysopen($w, $path, POSIX::O_WRONLY | POSIX::O_NONBLOCK);
	};
	alarm 5;
	$out = check(<<'EOF');
		mattermost_preauth_secret_file fifo.secrets;  # error
EOF
	alarm 0;
	$out = 'nginx waited for a writer' if $waited;
}
like($out, error(quotemeta(qq{"mattermost_preauth_secret_file" cannot read}
	. qq{ "$path" (not a regular file)})), 'fifo refused at once');

# an expired secret in a file

$path = $t->write_private_file('expired.secrets',
	"$secret label=gone expires=2020-01-01\n$other\n");
$out = check(<<'EOF');
		mattermost_preauth on;
		mattermost_preauth_secret_file expired.secrets;
EOF
like($out, qr/\[warn\] [^\n]*expire/, 'expired secret in file warns');
like($out, qr/test is successful/, 'expired secret in file accepted');

# where the directive goes

$t->write_private_file('other.secrets', "$other\n");

$out = check(<<'EOF', 'http');
	mattermost_preauth on;
	mattermost_preauth_secret_file good.secrets;

	server {
		listen 127.0.0.1:%%PORT_1%%;

		location / {
			mattermost_preauth_secret_file good.secrets;
			mattermost_preauth_secret_file other.secrets;
		}
	}
EOF
like($out, qr/test is successful/, 'secret file at http and location level');

$out = check(<<'EOF', 'main');
mattermost_preauth_secret_file good.secrets;  # error
EOF
like($out, error('"mattermost_preauth_secret_file" directive is not allowed'
	. ' here'), 'secret file outside http');

$out = check(<<'EOF');
		mattermost_preauth_secret_file;  # error
EOF
like($out, error('invalid number of arguments in'
	. ' "mattermost_preauth_secret_file" directive'), 'secret file without path');

# dry run and log level

$out = check(<<"EOF");
		mattermost_preauth on;
		mattermost_preauth_secret "$secret";
		mattermost_preauth_dry_run on;
		mattermost_preauth_log_level notice;

		location / {
			mattermost_preauth_dry_run off;
			mattermost_preauth_log_level info;
		}

		location /w/ {
			mattermost_preauth_log_level warn;
		}

		location /e/ {
			mattermost_preauth_log_level error;
		}
EOF
like($out, qr/test is successful/, 'dry run and log levels');

$out = check(<<'EOF');
		mattermost_preauth_dry_run maybe;  # error
EOF
like($out, error('invalid value "maybe" in "mattermost_preauth_dry_run"'
	. ' directive, it must be "on" or "off"'), 'invalid dry run value');

$out = check(<<'EOF');
		mattermost_preauth_log_level debug;  # error
EOF
like($out, error('[^\n]*"mattermost_preauth_log_level"[^\n]*'),
	'invalid log level');

$out = check(<<'EOF');
		mattermost_preauth_log_level warn;
		mattermost_preauth_log_level error;  # error
EOF
like($out, error('"mattermost_preauth_log_level" directive is duplicate'),
	'log level set twice');

$out = check(<<'EOF', 'main');
mattermost_preauth_dry_run on;  # error
EOF
like($out, error('"mattermost_preauth_dry_run" directive is not allowed'
	. ' here'), 'dry run outside http');

# no message above showed a secret

my $all = $t->read_file('test_config.log');
unlike($all, qr/\Q$secret\E|\Q$other\E/, 'no secret in nginx -t output');

###############################################################################

$t->finish();

###############################################################################

sub check {
	return $t->check_config(@_);
}

sub error {
	return $t->emerg_at(@_);
}

# a secret file whose third line is the secret followed by $params (which
# may go on over more lines, the bad one being $line): nginx -t fails with
# $message naming the file and line, and without the secret
sub bad_line {
	my ($params, $message, $name, $line) = @_;
	my $path = $t->write_private_file('bad.secrets',
		"# comment\n\n$secret $params\n");

	my $out = check(<<'EOF');
		mattermost_preauth_secret_file bad.secrets;
EOF
	$line = 3 unless defined $line;
	my $at = quotemeta " in $path:$line";

	my $directive = '"mattermost_preauth_secret_file"';

	like($out, qr/\[emerg\] $directive $message[^\n]*$at\n(?:.*\n)*.*test failed/,
		$name);
}

###############################################################################
