#!/usr/bin/perl

# Tests for the mattermost_preauth module: a secret file read again on
# reload, a rotation with an expiring old secret, and a reload with a broken
# or missing file that keeps the running configuration.

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

my $old = 'Ro3Kq9Zr2Xm7Nc5Vt8Yp1Hg6Jd3Fa0Ue4So7Ti2Lw';
my $new = 'Rn6Nx3Qa6Zr1Vt4Kc9Yp2Hg5Jw7Ld0Eb3Su6Io1X';
my $newer = 'Rw9Mf5Nx8Qa1Zr4Vt7Kc0Yp3Hg6Jw9Ld2Eb5Su8I';
my $name = 'X-Mattermost-Preauth-Secret';
my $later = Preauth::Nginx::utc_date(30);

my $t = Preauth::Nginx->new()->needs_workers();

plan(skip_all => 'no /proc to find worker processes')
	unless -r "/proc/$$/stat";

$t->forbid_in_logs($old, $new, $newer);

my $file = $t->write_private_file('app.secrets', "$old label=old\n");

$t->write_config(<<'EOF');

%%GLOBALS%%

events {
}

http {
	%%HTTP_GLOBALS%%

	log_format preauth '$request_uri $status $mattermost_preauth_status '
		'"$mattermost_preauth_secret_label"';

	server {
		listen       127.0.0.1:%%PORT_1%%;
		server_name  localhost;

		access_log %%TESTDIR%%/preauth.log preauth;

		mattermost_preauth on;
		mattermost_preauth_secret_file app.secrets;

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

$t->run()->plan(27);

###############################################################################

not_refused_ok(get('/start-old', $old), 200, 'old secret allowed at start');
refused_ok(get('/start-new', $new), 'new secret refused at start');

# rotation: the new secret added, the old one given an expiry; both work

$t->write_private_file('app.secrets',
	"# rotated\n$old label=old expires=$later\n\n$new label=new\n");

ok($t->reload(), 'reload with rotated file');
not_refused_ok(get('/rotated-new', $new), 200, 'rotation: new secret allowed');
not_refused_ok(get('/rotated-old', $old), 200, 'rotation: old secret allowed');
is(logged('/rotated-new'), '200 ok "new"', 'new label logged in rotation');
is(logged('/rotated-old'), '200 ok "old"', 'old label logged in rotation');

# the old secret removed

$t->write_private_file('app.secrets', "$new label=new\n");

ok($t->reload(), 'reload with old secret removed');
not_refused_ok(get('/changed-new', $new), 200,
	'new secret allowed after reload');
refused_ok(get('/changed-old', $old), 'old secret refused after reload');
is(logged('/changed-old'), '403 invalid ""', 'old secret logged as invalid');

my @workers = $t->worker_pids();

# a broken line: the reload fails, saying where, and the running
# configuration keeps its secrets

$t->write_private_file('app.secrets',
	"$new label=new\n$newer label=bad/label\n");

ok(!$t->reload(), 'reload with broken file fails');
like($t->read_file('error.log'),
	qr/\[emerg\] [^\n]*has an invalid label[^\n]*\Q in $file:2\E/,
	'broken file: error names file and line');
is(join(' ', $t->worker_pids()), join(' ', @workers),
	'broken file: workers kept');
not_refused_ok(get('/broken-new', $new), 200,
	'broken file: new secret allowed');
refused_ok(get('/broken-newer', $newer), 'broken file: newer secret refused');
refused_ok(get('/broken-old', $old), 'broken file: old secret refused');

# an empty file

$t->write_private_file('app.secrets', "# nothing\n");

ok(!$t->reload(), 'reload with empty file fails');
like($t->read_file('error.log'), qr/\[emerg\] [^\n]*\Q$file\E/,
	'empty file: error names file');
not_refused_ok(get('/empty-new', $new), 200, 'empty file: new secret allowed');

# the file gone

unlink $file or die "cannot remove $file: $!\n";

ok(!$t->reload(), 'reload with missing file fails');
like($t->read_file('error.log'),
	qr/\[emerg\] [^\n]*\Q$file\E[^\n]*No such file or directory/,
	'missing file: error names file');
not_refused_ok(get('/missing-new', $new), 200,
	'missing file: new secret allowed');

# fixed again

$t->write_private_file('app.secrets', "$newer label=newer\n");

ok($t->reload(), 'reload with fixed file');
not_refused_ok(get('/fixed-newer', $newer), 200, 'fixed: newer secret allowed');
refused_ok(get('/fixed-new', $new), 'fixed: new secret refused');
is(logged('/fixed-newer'), '200 ok "newer"', 'fixed: newer label logged');

###############################################################################

$t->finish(expected => [
	qr/\[emerg\] .*\Q$file\E/,
]);

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
