#!/usr/bin/perl

# Tests for scripts/secret: new secrets, the lines for nginx, and the
# secret file it appends to, with nginx accepting what it wrote.

###############################################################################

use warnings;
use strict;

use Test::More;
use Digest::SHA qw(sha256_hex);
use POSIX ();

use FindBin;
use lib "$FindBin::Bin/lib";
use Preauth::Nginx;

###############################################################################

select STDERR; $| = 1;
select STDOUT; $| = 1;

my $script = "$FindBin::Bin/../scripts/secret";
my $name = 'X-Mattermost-Preauth-Secret';
my $later = Preauth::Nginx::utc_date(30);
my $today = Preauth::Nginx::utc_date(0);

my $t = Preauth::Nginx->new()->plan(46);
my $dir = $t->testdir();
my $file = "$dir/app.secrets";
my ($rc, $out);

###############################################################################

# a new secret and its lines

($rc, $out) = secret('--label', 'web');
is($rc, 0, 'new: succeeds');

my ($web) = $out =~ /^apps:   (\S+)$/m;
my ($line) = $out =~ /^nginx:  (.*)$/m;
my ($file_line) = $out =~ /^file:   (.*)$/m;
$web = '' unless defined $web;
$t->forbid_in_logs($web);

like($web, qr/^[A-Za-z0-9]{43}$/, 'new: 43 letters and digits');
is($line, 'mattermost_preauth_secret sha256:' . sha256_hex($web)
	. ' label=web;', 'new: nginx line');
is($file_line, 'sha256:' . sha256_hex($web) . ' label=web', 'new: file line');

($rc, $out) = secret();
my ($default) = $out =~ /^apps:   (\S+)$/m;
$t->forbid_in_logs($default) if defined $default;
like($out, qr/^nginx:  .* label=\Q$today\E;$/m, 'new: label defaults to date');
isnt($default, $web, 'new: another secret each time');

($rc, $out) = secret('--label', 'no/slash');
isnt($rc, 0, 'new: invalid label refused');
unlike($out, qr/^apps:/m, 'new: no secret with invalid label');

# add: creates the file readable by its owner only

($rc, $out) = secret('add', $file, '--label', 'first');
is($rc, 0, 'add to new file: succeeds');
my ($first) = $out =~ /^apps:   (\S+)$/m;
$first = '' unless defined $first;
$t->forbid_in_logs($first);

like($first, qr/^[A-Za-z0-9]{43}$/, 'add to new file: prints secret');
is(mode($file), '0600', 'add to new file: mode 0600');
is($t->read_file('app.secrets'), 'sha256:' . sha256_hex($first)
	. " label=first\n", 'add to new file: content');
unlike($t->read_file('app.secrets'), qr/\Q$first\E/,
	'add to new file: no secret in file');

# add with an expiry for the old secret keeps every other line and the mode

append("# kept comment\n\n\tkeep-this-secret-line-123 label=other");
chmod 0640, $file;
my $before = $t->read_file('app.secrets');

($rc, $out) = secret('add', $file, '--label', 'second',
	'--expire', "first=$later");
is($rc, 0, 'add with expiry: succeeds');
my ($second) = $out =~ /^apps:   (\S+)$/m;
$second = '' unless defined $second;
$t->forbid_in_logs($second);

is($t->read_file('app.secrets'), 'sha256:' . sha256_hex($first)
	. " label=first expires=$later\n"
	. "# kept comment\n\n\tkeep-this-secret-line-123 label=other\n"
	. 'sha256:' . sha256_hex($second) . " label=second\n",
	'add with expiry: content');
is(mode($file), '0640', 'add with expiry: mode kept');
is(leftovers(), '', 'add with expiry: no temporary file left');

# a new expiry replaces the old one

my $later2 = Preauth::Nginx::utc_date(40);
($rc, $out) = secret('add', $file, '--label', 'third',
	'--expire', "first=$later2");
is($rc, 0, 'add with new expiry: succeeds');
my ($third) = $out =~ /^apps:   (\S+)$/m;
$t->forbid_in_logs($third) if defined $third;
like($t->read_file('app.secrets'),
	qr/^sha256:\w+ label=first expires=\Q$later2\E\n/,
	'add with new expiry: replaced');

# mistakes leave the file as it was

$before = $t->read_file('app.secrets');

refused('add', $file, '--label', 'second');
refused('add', $file, '--label', 'other');
refused('add', $file, '--label', 'fourth', '--expire', "nosuch=$later");
refused('add', $file, '--label', 'fourth', '--expire', "first=$today");
refused('add', $file, '--label', 'fourth', '--expire', 'first=2020-01-01');
refused('add', $file, '--label', 'fourth', '--expire', 'first=2099-02-30');
refused('add', $file, '--label', 'fourth', '--expire', 'first');
refused('add', $file, '--label', 'fourth', '--expire', "fourth=$later");
refused('add', $file, '--label', 'bad label');
refused('add', $file, '--label', ('x' x 65));
refused('add', "$dir/none.secrets", '--label', 'a', '--expire', "b=$later");

ok(!-e "$dir/none.secrets", 'missing file not created on refusal');
is(leftovers(), '', 'no temporary file left after refusals');

# a link: the file it points to changes, the link stays

symlink 'app.secrets', "$dir/link.secrets" or die "cannot symlink: $!\n";
($rc, $out) = secret('add', "$dir/link.secrets", '--label', 'linked');
my ($linked) = $out =~ /^apps:   (\S+)$/m;
$t->forbid_in_logs($linked) if defined $linked;
is($rc, 0, 'add through link: succeeds');
ok(-l "$dir/link.secrets", 'add through link: link kept');
like($t->read_file('app.secrets'), qr/ label=linked\n\z/,
	'add through link: target changed');

# CR LF line ends, which nginx reads too

my $crlf = "$dir/crlf.secrets";
open my $cfh, '>', $crlf or die "cannot write $crlf: $!\n";
print $cfh 'sha256:' . ('ab' x 32) . " label=old\r\n";
close $cfh;
($rc, $out) = secret('add', $crlf, '--label', 'old');
isnt($rc, 0, 'crlf: label already in the file refused');
($rc, $out) = secret('add', $crlf, '--label', 'new', '--expire',
	"old=$later");
$t->forbid_in_logs($1) if $out =~ /^apps:   (\S+)$/m;
like($t->read_file('crlf.secrets'), qr/^sha256:\S+ label=old expires=\Q$later\E$/m,
	'crlf: expiry given to the old label');

# one change at a time: adds run together keep every secret

my $many = "$dir/many.secrets";
my @kids;
for my $n (1 .. 6) {
	my $pid = fork();
	die "cannot fork: $!\n" unless defined $pid;
	if ($pid == 0) {
		open STDOUT, '>', "$dir/many.$n.out";
		open STDERR, '>&', \*STDOUT;
		exec('bash', $script, 'add', $many, '--label', "n$n")
			or POSIX::_exit(127);
	}
	push @kids, $pid;
}
waitpid($_, 0) for @kids;
my @many = grep { /label=n\d/ } split /\n/, $t->read_file('many.secrets');
is(scalar @many, 6, 'concurrent adds: every secret kept');
for my $n (1 .. 6) {
	$t->forbid_in_logs($1)
		if $t->read_file("many.$n.out") =~ /^apps:   (\S+)$/m;
}

($rc, $out) = secret('--label', '');
isnt($rc, 0, 'empty label refused');

# nginx accepts the lines and the file

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
		$line

		location / {
			proxy_pass http://127.0.0.1:%%PORT_2%%;
		}

		location /file/ {
			mattermost_preauth_secret_file app.secrets;
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

chmod 0600, $file;
$t->run();

not_refused_ok(get('/web', $web), 200, 'nginx line: secret allowed');
is($t->log_line_for('preauth.log', '/web'), '200 ok "web"',
	'nginx line: label logged');

not_refused_ok(get('/file/first', $first), 200,
	'file: expiring secret allowed');
is($t->log_line_for('preauth.log', '/file/first'), '200 ok "first"',
	'file: expiring label logged');
not_refused_ok(get('/file/second', $second), 200, 'file: new secret allowed');
is($t->log_line_for('preauth.log', '/file/second'), '200 ok "second"',
	'file: new label logged');
refused_ok(get('/file/web', $web), 'file: other secret refused');

###############################################################################

$t->finish();

###############################################################################

# runs scripts/secret; returns its exit status and output
sub secret {
	return Preauth::Nginx::run_command('bash', $script, @_);
}

# scripts/secret fails and leaves the secret file as it was
sub refused {
	my (@args) = @_;
	my ($rc, $out) = secret(@args);
	my $what = join ' ', map { s/^\Q$dir\E\///r } @args;

	ok($rc != 0 && $out !~ /^apps: /m
		&& $t->read_file('app.secrets') eq $before, "refused: $what")
		or diag("exit status $rc, output:\n$out");
}

sub get {
	my ($uri, $value) = @_;
	return $t->http_get($uri, $name => $value);
}

sub append {
	my ($text) = @_;
	open my $fh, '>>', $file or die "cannot append to $file: $!\n";
	print $fh $text;
	close $fh;
}

sub mode {
	my ($path) = @_;
	return sprintf '%04o', (stat $path)[2] & 07777;
}

# temporary files the script left in the test directory
sub leftovers {
	opendir my $dh, $dir or die "cannot read $dir: $!\n";
	my @names = sort grep { /^\.app\.secrets\./ } readdir $dh;
	closedir $dh;
	return join ' ', @names;
}

###############################################################################
