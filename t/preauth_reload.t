#!/usr/bin/perl

# Tests for the mattermost_preauth module: refusals after a failed reload,
# in a worker started after it, and a reload that changes the secret.

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

my $secret = 'H3kW9pLx2VqT7nRc0YbM5sJdF8gA1uZeK4oNiE6tCyQ=';
my $new_secret = 'P8rT2wQz5XcV1bN7mK4jH0gF3dS6aL9yU2iO5eRtWqA=';
my $wrong = 'wrong-Lk3Jh8Gf5Ds2Aq9Wz4Xc7Vb1Nm6Po0Iu3Yt8Re5Wq=';
my $name = 'X-Mattermost-Preauth-Secret';

my $t = Preauth::Nginx->new()->needs_workers();

plan(skip_all => 'no /proc to find worker processes') unless -r "/proc/$$/stat";

$t->write_config(guarded("H3kW9pLx2VqT7nRc0YbM5sJdF8gA1uZeK4oNiE6tCyQ="));

$t->forbid_in_logs($wrong);
$t->run()->plan(22);

###############################################################################

refused_ok($t->http_get('/first'), 'refused before reload');
not_refused_ok($t->http_get('/first', $name => $secret), 200,
	'allowed before reload');

# a configuration that turns the check off everywhere, and fails after the
# http block: the filters are chained again while it is read, but the
# running configuration stays

my @workers = $t->worker_pids();
is(scalar @workers, 1, 'one worker');

$t->write_config(<<'EOF');

%%GLOBALS%%

events {
}

http {
	%%HTTP_GLOBALS%%

	mattermost_preauth off;

	server {
		listen       127.0.0.1:%%PORT_1%%;
		server_name  localhost;

		mattermost_preauth off;

		location / {
			mattermost_preauth off;
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

preauth_test_invalid_directive;

EOF

ok(!$t->reload(), 'reload with invalid configuration fails');
like($t->read_file('error.log'),
	qr/\[emerg\] .*unknown directive "preauth_test_invalid_directive"/,
	'failed reload logged');
is(join(' ', $t->worker_pids()), join(' ', @workers),
	'worker kept after failed reload');

refused_ok($t->http_get('/kept'), 'refused after failed reload');
is($t->refusal_reasons('/kept'), 'missing',
	'refusal after failed reload logged');

# a worker that the master starts after the failed reload

kill 'KILL', $workers[0] or die "cannot kill worker $workers[0]: $!\n";
ok($t->wait_for(sub { respawned($t, $workers[0]) }), 'worker respawned');

my $r = $t->http_get('/respawned');
refused_ok($r, 'refused by respawned worker');
is($r->header('X-Reject-Reason'), 'pre-auth',
	'reject reason from respawned worker');
is($r->header('Cache-Control'), 'no-store',
	'cache-control from respawned worker');
is($t->refusal_reasons('/respawned'), 'missing',
	'refusal by respawned worker logged');

refused_ok($t->http_get('/respawned-wrong', $name => $wrong),
	'wrong secret refused by respawned worker');
is($t->refusal_reasons('/respawned-wrong'), 'invalid',
	'wrong secret refused by respawned worker logged');

$r = $t->http_get('/respawned-secret', $name => $secret);
not_refused_ok($r, 200, 'allowed by respawned worker');
is($r->body, "backend /respawned-secret\n", 'allowed by respawned worker body');

# a reload that changes the secret

$t->write_config(guarded("P8rT2wQz5XcV1bN7mK4jH0gF3dS6aL9yU2iO5eRtWqA="));

ok($t->reload(), 'reload with new secret');
ok($t->wait_for(sub {
	$t->http_get('/poll', $name => $new_secret)->status == 200
}), 'new secret accepted');

$r = $t->http_get('/old-secret', $name => $secret);
refused_ok($r, 'old secret refused after reload');
is($t->refusal_reasons('/old-secret'), 'invalid', 'old secret refusal logged');
not_refused_ok($t->http_get('/new-secret', $name => $new_secret), 200,
	'new secret allowed after reload');

###############################################################################

$t->finish(expected => [
	qr/\[emerg\] .*unknown directive "preauth_test_invalid_directive"/,
	qr/\[alert\] .*worker process $workers[0] exited on signal 9\b/,
]);

###############################################################################

# the guarded configuration, with the given secret
sub guarded {
	my ($secret) = @_;
	my $config = <<'EOF';

%%GLOBALS%%

events {
}

http {
	%%HTTP_GLOBALS%%

	server {
		listen       127.0.0.1:%%PORT_1%%;
		server_name  localhost;

		mattermost_preauth on;
		mattermost_preauth_secret "%%SECRET%%";

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

	$config =~ s/%%SECRET%%/$secret/;
	return $config;
}

# whether the master runs one worker again, other than $killed
sub respawned {
	my ($t, $killed) = @_;
	my @pids = $t->worker_pids();

	return @pids == 1 && $pids[0] != $killed;
}

###############################################################################
