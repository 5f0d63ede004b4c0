#!/usr/bin/perl

# Tests for the mattermost_preauth module: the complete site example
# nginx-conf/mattermost-site.conf, with every exemption snippet included,
# passes "nginx -t".

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

my $t = Preauth::Nginx->new()->plan(4);
my $dir = $t->testdir();
my $conf = "$FindBin::Bin/../nginx-conf";

my $site = slurp("$conf/mattermost-site.conf");

# the paths a Debian installation has, moved into the test directory
$site =~ s!^(\s*)# (include snippets/)!$1$2!mg;
$site =~ s!include snippets/!include $conf/snippets/!g;
$site =~ s!/etc/nginx/mattermost-preauth\.secrets!$dir/secrets!g;
$site =~ s!/etc/ssl/mattermost/!$dir/!g;

is(scalar(() = $site =~ /^\s*include \S+snippets\/mattermost-preauth-/mg), 5,
	'site example names every snippet');

$t->write_file('secrets', "# rotated monthly\n"
	. "Q8c7V0mUeLxwJ9t3fKpZ2yRbN4sHdA6gE1oTiW5vXjM= label=2026-01\n");
chmod 0600, "$dir/secrets";

my ($status, $out) = Preauth::Nginx::run_command('openssl', 'req',
	'-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
	'-subj', '/CN=mattermost.example.com',
	'-keyout', "$dir/privkey.pem", '-out', "$dir/fullchain.pem");
is($status, 0, 'test certificate') or diag($out);

$t->write_config(<<"EOF");

%%GLOBALS%%

events {
}

http {
	%%HTTP_GLOBALS%%

$site
}

EOF

($status, $out) = $t->test_config();
is($status, 0, 'site example passes nginx -t') or diag($out);
unlike($out, qr/\[(?:emerg|alert)\]/, 'site example without errors');

###############################################################################

$t->finish();

###############################################################################

sub slurp {
	my ($path) = @_;
	open my $fh, '<', $path or die "cannot read $path: $!\n";
	local $/;
	return <$fh>;
}

###############################################################################
