#!/usr/bin/perl

# Tests for the mattermost_preauth module: several secrets with labels,
# expiry dates, hashed secrets and secret files, seen in responses and in
# the access log.

###############################################################################

use warnings;
use strict;

use Test::More;
use Digest::SHA qw(sha256_hex);

use FindBin;
use lib "$FindBin::Bin/lib";
use Preauth::Nginx;

###############################################################################

select STDERR; $| = 1;
select STDOUT; $| = 1;

my $name = 'X-Mattermost-Preauth-Secret';
my $today = Preauth::Nginx::utc_date(0);
my $tomorrow = Preauth::Nginx::utc_date(1);
my $yesterday = Preauth::Nginx::utc_date(-1);

my %s = (
	web => 'Wb4Kq9Zr2Xm7Nc5Vt8Yp1Hg6Jd3Fa0Ue4So7Ti2Lw',
	plain => 'Pl8Nx3Qa6Zr1Vt4Kc9Yp2Hg5Jw7Ld0Eb3Su6Io1X',
	today => 'Td2Mf5Nx8Qa1Zr4Vt7Kc0Yp3Hg6Jw9Ld2Eb5Su8I',
	past => 'Ps6Qa9Zr2Vt5Kc8Yp1Hg4Jw7Ld0Eb3Su6Io9Xn2M',
	nolabel => 'Nl1Zr4Vt7Kc0Yp3Hg6Jw9Ld2Eb5Su8Io1Xn4Mf7Q',
	next => 'Nx3Vt6Kc9Yp2Hg5Jw8Ld1Eb4Su7Io0Xn3Mf6Qa9Z',
	hashed => 'Hs5Kc8Yp1Hg4Jw7Ld0Eb3Su6Io9Xn2Mf5Qa8Zr1V',
	upper => 'Up7Yp0Hg3Jw6Ld9Eb2Su5Io8Xn1Mf4Qa7Zr0Vt3K',
	file => 'Fl9Hg2Jw5Ld8Eb1Su4Io7Xn0Mf3Qa6Zr9Vt2Kc5Y',
	filehash => 'Fh2Jw4Ld7Eb0Su3Io6Xn9Mf2Qa5Zr8Vt1Kc4Yp7H',
	fileold => 'Fo4Ld6Eb9Su2Io5Xn8Mf1Qa4Zr7Vt0Kc3Yp6Hg9J',
	commented => 'Cm6Eb8Su1Io4Xn7Mf0Qa3Zr6Vt9Kc2Yp5Hg8Jw1L',
	mixed => 'Mx8Su0Io3Xn6Mf9Qa2Zr5Vt8Kc1Yp4Hg7Jw0Ld3E',
	second => 'Sc0Io2Xn5Mf8Qa1Zr4Vt7Kc0Yp3Hg6Jw9Ld2Eb5S',
);
my $wrong = 'wrong-Rg3Xn4Mf7Qa0Zr3Vt6Kc9Yp2Hg5Jw8Ld1Eb4';
my $hashed_digest = sha256_hex($s{hashed});

my $t = Preauth::Nginx->new();

$t->forbid_in_logs(values %s, $wrong);

$t->write_private_file('secrets/app.secrets', <<"EOF");
# secrets for the apps
$s{file} label=file-app

	# $s{commented} label=commented
sha256:${\ sha256_hex($s{filehash})} label=file-hashed
  $s{fileold}   label=file-old   expires=$yesterday

EOF

$t->write_private_file('mixed-1.secrets', "$s{mixed} label=mixed-file\n");
$t->write_private_file('mixed-2.secrets', "\n$s{second} label=second-file\n");

$t->write_config(<<"EOF");

%%GLOBALS%%

events {
}

http {
	%%HTTP_GLOBALS%%

	log_format preauth '\$request_uri \$status \$mattermost_preauth_status '
		'"\$mattermost_preauth_secret_label"';

	server {
		listen       127.0.0.1:%%PORT_1%%;
		server_name  localhost;

		access_log %%TESTDIR%%/preauth.log preauth;

		mattermost_preauth on;
		mattermost_preauth_secret "$s{web}" label=web;
		mattermost_preauth_secret "$s{plain}";
		mattermost_preauth_secret "$s{today}" label=old expires=$today;
		mattermost_preauth_secret "$s{past}" expires=2020-01-01 label=past;
		mattermost_preauth_secret "$s{nolabel}" expires=$yesterday;
		mattermost_preauth_secret "$s{next}" label=next expires=$tomorrow;
		mattermost_preauth_secret sha256:$hashed_digest label=hashed;
		mattermost_preauth_secret sha256:\U${\ sha256_hex($s{upper})}\E label=upper;

		location / {
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /file/ {
			mattermost_preauth_secret_file secrets/app.secrets;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /mixed/ {
			mattermost_preauth_secret_file %%TESTDIR%%/mixed-1.secrets;
			mattermost_preauth_secret "$s{web}" label=mixed-direct;
			mattermost_preauth_secret_file mixed-2.secrets;
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}
	}

	server {
		listen       127.0.0.1:%%PORT_2%%;
		server_name  backend;

		location / {
			return 200 "backend \$uri\\n";
		}
	}
}

EOF

$t->run()->plan(62);

###############################################################################

# several secrets with and without labels

my $r = get('/web', $s{web});
not_refused_ok($r, 200, 'labelled secret allowed');
is($r->body, "backend /web\n", 'labelled secret proxied');
is(logged('/web'), '200 ok "web"', 'labelled secret logged');

not_refused_ok(get('/plain', $s{plain}), 200, 'secret without label allowed');
is(logged('/plain'), '200 ok ""', 'secret without label logged');

refused_ok(get('/wrong', $wrong), 'wrong secret refused');
is(logged('/wrong'), '403 invalid ""', 'wrong secret logged');
is($t->refusal_reasons('/wrong'), 'invalid', 'wrong secret error log');

refused_ok($t->http_get('/missing'), 'missing secret refused');
is(logged('/missing'), '403 missing ""', 'missing secret logged');

# expiry dates, from 00:00 UTC of the day

not_refused_ok(get('/next', $s{next}), 200, 'secret expiring tomorrow allowed');
is(logged('/next'), '200 ok "next"', 'secret expiring tomorrow logged');

refused_ok(get('/today', $s{today}), 'secret expiring today refused');
is(logged('/today'), '403 expired "old"', 'secret expiring today logged');
like($t->error_log_for('/today'),
	qr/\[error\] \d+#\d+: \*\d+ expired pre-authentication secret "old",/,
	'secret expiring today error log');

refused_ok(get('/past', $s{past}), 'long expired secret refused');
is(logged('/past'), '403 expired "past"', 'long expired secret logged');
like($t->error_log_for('/past'),
	qr/\] \d+#\d+: \*\d+ expired pre-authentication secret "past",/,
	'long expired secret error log');

refused_ok(get('/nolabel', $s{nolabel}),
	'expired secret without label refused');
is(logged('/nolabel'), '403 expired ""', 'expired secret without label logged');
like($t->error_log_for('/nolabel'),
	qr/\] \d+#\d+: \*\d+ expired pre-authentication secret, client: /,
	'expired secret without label error log');

# hashed secrets: the value whose digest is configured, nothing else

$r = get('/hashed', $s{hashed});
not_refused_ok($r, 200, 'hashed secret allowed');
is(logged('/hashed'), '200 ok "hashed"', 'hashed secret logged');

not_refused_ok(get('/upper', $s{upper}), 200,
	'hashed secret with upper-case digest allowed');
is(logged('/upper'), '200 ok "upper"', 'upper-case digest logged');

refused_ok(get('/digest', "sha256:$hashed_digest"), 'digest string refused');
is(logged('/digest'), '403 invalid ""', 'digest string logged');
refused_ok(get('/hex', $hashed_digest), 'digest hex refused');
refused_ok(get('/hex-upper', uc $hashed_digest),
	'upper-case digest hex refused');
refused_ok(get('/other-digest', 'sha256:' . sha256_hex($wrong)),
	'digest of another value refused');
refused_ok(get('/hash-of-hash', sha256_hex($hashed_digest)),
	'digest of the digest refused');
refused_ok(get('/hashed-prefix', "sha256:$s{hashed}"),
	'hashed secret with prefix refused');
refused_ok(get('/hashed-case', lc $s{hashed}),
	'hashed secret in other case refused');
refused_ok(get('/hashed-tail', "$s{hashed}x"),
	'hashed secret with extra character refused');
is($t->refusal_reasons('/digest'), 'invalid', 'digest string error log');

# a secret file, found relative to the configuration prefix, replaces the
# secrets inherited from the server

$r = get('/file/app', $s{file});
not_refused_ok($r, 200, 'secret from file allowed');
is($r->body, "backend /file/app\n", 'secret from file proxied');
is(logged('/file/app'), '200 ok "file-app"', 'secret from file logged');

not_refused_ok(get('/file/hashed', $s{filehash}), 200,
	'hashed secret from file allowed');
is(logged('/file/hashed'), '200 ok "file-hashed"',
	'hashed secret from file logged');

refused_ok(get('/file/old', $s{fileold}), 'expired secret from file refused');
is(logged('/file/old'), '403 expired "file-old"',
	'expired secret from file logged');

refused_ok(get('/file/commented', $s{commented}), 'commented secret refused');
is(logged('/file/commented'), '403 invalid ""', 'commented secret logged');
refused_ok(get('/file/label', 'label=file-app'), 'label as secret refused');

refused_ok(get('/file/inherited', $s{web}),
	'server secret refused in location');
is(logged('/file/inherited'), '403 invalid ""',
	'server secret refused in location logged');

refused_ok(get('/file/digest', 'sha256:' . sha256_hex($s{filehash})),
	'digest string from file refused');

# files and directives at one level form one set

not_refused_ok(get('/mixed/a', $s{mixed}), 200, 'first file secret allowed');
is(logged('/mixed/a'), '200 ok "mixed-file"', 'first file secret logged');
not_refused_ok(get('/mixed/b', $s{second}), 200, 'second file secret allowed');
is(logged('/mixed/b'), '200 ok "second-file"', 'second file secret logged');
not_refused_ok(get('/mixed/c', $s{web}), 200, 'directive secret allowed');
is(logged('/mixed/c'), '200 ok "mixed-direct"', 'directive secret logged');
refused_ok(get('/mixed/d', $s{plain}), 'inherited secret refused');
refused_ok(get('/mixed/e', $s{file}), 'secret of other location refused');

# every secret is still accepted after the others were tried

not_refused_ok(get('/again', $s{web}), 200, 'first secret allowed again');
not_refused_ok(get('/again-hashed', $s{hashed}), 200,
	'hashed secret allowed again');

# the lines of expired secrets at load time

my @warn = $t->log_lines('error.log', qr/\[warn\] .*expire/);
ok(scalar @warn, 'secrets expired at load warned');
unlike(join("\n", @warn), qr/\Q$s{today}\E|\Q$s{past}\E|\Q$s{fileold}\E/,
	'expiry warnings without secret');
unlike($t->read_file('error.log'), qr/\[warn\] .*app\.secrets.*readable/,
	'no permission warning for private file');
like($t->read_file('error.log'),
	qr/\[warn\] .*"file-old" that expired on .* in \S+app\.secrets:\d+$/m,
	'expiry warning names the secret file and line');

###############################################################################

$t->finish();

###############################################################################

sub get {
	my ($uri, $value) = @_;
	return $t->http_get($uri, $name => $value);
}

# the access log line of the request to $uri, without the URI
sub logged {
	my ($uri) = @_;
	return $t->log_line_for('preauth.log', $uri);
}

###############################################################################
