package Preauth::Nginx;

# Test harness for the mattermost_preauth module: runs an nginx binary with
# the module loaded from a temporary prefix, and talks to it with raw HTTP/1.x
# requests or with curl for HTTP/2.
#
# Environment:
#   TEST_NGINX_BINARY   nginx binary (default target/nginx/sbin/nginx)
#   TEST_NGINX_MODULE   module file (default target/nginx/modules/
#                       ngx_http_mattermost_preauth_module.so)
#   TEST_NGINX_LEAVE    keep the temporary directory and print its path
#   TEST_NGINX_TIMEOUT  seconds to wait for a response, a reload or a
#                       worker (default 5)
#   TEST_NGINX_VALGRIND run nginx (and "nginx -t") under valgrind's
#                       memcheck, in single-process mode unless the test
#                       calls needs_workers()
#   TEST_NGINX_VALGRIND_LOGS  directory for valgrind's logs, one per
#                       process (default the test directory)
#   TEST_NGINX_VALGRIND_OPTS  more valgrind options, separated by blanks
#
# Placeholders in a configuration, each expanding to a single line so that
# line numbers in nginx messages match the template:
#   %%GLOBALS%%         load_module, pid, error_log, daemon
#   %%HTTP_GLOBALS%%    temporary paths and access_log inside the test directory
#   %%TESTDIR%%         the test directory
#   %%PORT_n%%          a free loopback port, the same for the same n
#   %%HTTP2_LISTEN_n%%  "listen" with HTTP/2 on port n, in the syntax the
#                       binary understands ("http2 on" since 1.25.1)

use warnings;
use strict;

use Cwd qw(abs_path);
use Errno qw(EINTR);
use File::Basename qw(dirname);
use File::Path qw(make_path);
use File::Spec;
use File::Temp qw(tempdir);
use IO::Select;
use IO::Socket::INET;
use POSIX qw(WNOHANG);
use Test::More ();

use base qw(Exporter);
our @EXPORT = qw(refused_ok not_refused_ok refusal_line);
our $VERSION = '0.1';

my $TOP = abs_path(File::Spec->catdir(dirname(__FILE__), '..', '..', '..'));
my $TIMEOUT = $ENV{TEST_NGINX_TIMEOUT} || 5;

# number of assertions finish() adds to a test file
use constant LOG_CHECKS => 3;

my %RUNNING;


sub new {
	my ($class) = @_;

	my $binary = $ENV{TEST_NGINX_BINARY}
		|| "$TOP/target/nginx/sbin/nginx";
	my $module = $ENV{TEST_NGINX_MODULE} || "$TOP/target/nginx/modules/"
		. "ngx_http_mattermost_preauth_module.so";

	die "nginx binary $binary not found or not executable "
		. "(build it, or set TEST_NGINX_BINARY)\n" unless -x $binary;
	die "module $module not found "
		. "(build it, or set TEST_NGINX_MODULE)\n" unless -f $module;

	# readable by workers running as another user when tests run as root
	my $dir = tempdir('preauth_nginx_test_XXXXXXXX', TMPDIR => 1,
		CLEANUP => !$ENV{TEST_NGINX_LEAVE});
	chmod 0755, $dir or die "chmod $dir: $!\n";
	Test::More::diag("leaving test directory $dir")
		if $ENV{TEST_NGINX_LEAVE};

	my $self = bless {
		binary => abs_path($binary),
		module => abs_path($module),
		dir => $dir,
		owner => $$,
		ports => {},
		forbidden => [],
		daemons => [],
	}, $class;

	return $self;
}

sub testdir {
	my ($self) = @_;
	return $self->{dir};
}

sub binary {
	my ($self) = @_;
	return $self->{binary};
}

sub plan {
	my ($self, $count) = @_;
	Test::More::plan(tests => $count + LOG_CHECKS);
	return $self;
}

sub port {
	my ($self, $n) = @_;

	return $self->{ports}{$n} if exists $self->{ports}{$n};

	my %taken = map { $_ => 1 } values %{$self->{ports}};

	for (1 .. 100) {
		my $s = IO::Socket::INET->new(
			LocalAddr => '127.0.0.1',
			LocalPort => 0,
			Proto => 'tcp',
			Listen => 1,
		) or die "cannot find a free port: $!\n";

		my $port = $s->sockport();
		close $s;

		next if $taken{$port};
		return $self->{ports}{$n} = $port;
	}

	die "cannot find a free port\n";
}

sub version {
	my ($self) = @_;

	unless (defined $self->{version}) {
		my (undef, $out) = run_command($self->{binary}, '-v');
		($self->{version}) = $out =~ m{nginx/(\d+\.\d+\.\d+)}
			or die "cannot get the version of $self->{binary}\n";
	}

	return $self->{version};
}

sub version_at_least {
	my ($self, $want) = @_;
	my @have = split /\./, $self->version();
	my @want = split /\./, $want;

	for my $i (0 .. 2) {
		return $have[$i] > $want[$i] if $have[$i] != $want[$i];
	}

	return 1;
}

# true if "nginx -V" shows the given configure flag, e.g. "http_v2"
sub has_module {
	my ($self, $name) = @_;
	my (undef, $out) = run_command($self->{binary}, '-V');
	return $out =~ /--with-\Q$name\E_module\b/;
}

sub has_curl_http2 {
	my ($status, $out) = run_command('curl', '-V');
	return $status == 0 && $out =~ /^Features:.*\bHTTP2\b/m;
}

# runs a command without a shell; returns its exit status and its output,
# stdout and stderr together
sub run_command {
	my (@cmd) = @_;

	my $pid = open my $fh, '-|';
	die "cannot fork: $!\n" unless defined $pid;

	if ($pid == 0) {
		open STDERR, '>&', \*STDOUT or POSIX::_exit(127);
		exec(@cmd) or POSIX::_exit(127);
	}

	binmode $fh;
	local $/;
	my $out = <$fh>;
	close $fh;

	return ($? >> 8, defined $out ? $out : '');
}

# strings that must never appear in any log file in the test directory;
# secrets in the configuration are added automatically
sub forbid_in_logs {
	my ($self, @strings) = @_;
	push @{$self->{forbidden}}, @strings;
	return $self;
}


# configuration

sub expand {
	my ($self, $text) = @_;
	my $dir = $self->{dir};

	my $globals = "load_module $self->{module}; pid $dir/nginx.pid; "
		. "error_log $dir/error.log info; daemon off; "
		. "master_process " . ($self->single_process() ? 'off' : 'on')
		. "; worker_processes 1;";

	my $http = "access_log $dir/access.log; "
		. "client_body_temp_path $dir/client_body_temp; "
		. "proxy_temp_path $dir/proxy_temp; "
		. "fastcgi_temp_path $dir/fastcgi_temp; "
		. "uwsgi_temp_path $dir/uwsgi_temp; "
		. "scgi_temp_path $dir/scgi_temp;";

	$text =~ s/%%GLOBALS%%/$globals/g;
	$text =~ s/%%HTTP_GLOBALS%%/$http/g;
	$text =~ s/%%TESTDIR%%/$dir/g;
	$text =~ s/%%HTTP2_LISTEN_(\d+)%%/$self->http2_listen($1)/ge;
	$text =~ s/%%PORT_(\d+)%%/$self->port($1)/ge;

	return $text;
}

sub http2_listen {
	my ($self, $n) = @_;
	my $port = $self->port($n);

	return "listen 127.0.0.1:$port; http2 on;"
		if $self->version_at_least('1.25.1');

	return "listen 127.0.0.1:$port http2;";
}

sub write_config {
	my ($self, $template) = @_;
	my $text = $self->expand($template);

	$self->write_file('nginx.conf', $text);
	$self->{config} = $text;
	push @{$self->{configs}}, $text;

	return $self;
}

# line number (from 1) of the first configuration line containing $marker
sub config_line {
	my ($self, $marker) = @_;
	my @lines = split /\n/, $self->{config};

	for my $i (0 .. $#lines) {
		return $i + 1 if index($lines[$i], $marker) >= 0;
	}

	die "no line with \"$marker\" in the configuration\n";
}

sub config_file {
	my ($self) = @_;
	return "$self->{dir}/nginx.conf";
}

# writes a configuration with $body in a server block, or in the http block
# or at the top level ($where: "server", the default, "http" or "main"),
# runs "nginx -t" on it and returns what nginx printed
sub check_config {
	my ($self, $body, $where) = @_;
	my %at = (main => '', http => '', server => '');

	$at{defined $where ? $where : 'server'} = $body;

	$self->write_config(<<"EOF");
%%GLOBALS%%

events {
}

$at{main}
http {
	%%HTTP_GLOBALS%%

$at{http}
	server {
		listen 127.0.0.1:%%PORT_9%%;
		server_name localhost;

$at{server}
	}
}
EOF

	my ($rc, $out) = $self->test_config();
	return $out;
}

# a pattern for "nginx -t" failing with an [emerg] message that starts with
# $message (a pattern) and names the configuration line marked $marker
# ("# error" unless given)
sub emerg_at {
	my ($self, $message, $marker) = @_;
	my $line = $self->config_line(defined $marker ? $marker : '# error');
	my $file = quotemeta $self->config_file();

	return qr/\[emerg\] $message[^\n]* in $file:$line\n(?:.*\n)*.*test failed/;
}

sub write_file {
	my ($self, $name, $content) = @_;
	my $path = "$self->{dir}/$name";

	make_path(dirname($path), { mode => 0755 });

	open my $fh, '>', $path or die "cannot write $path: $!\n";
	binmode $fh;
	print $fh $content;
	close $fh or die "cannot write $path: $!\n";
	chmod 0644, $path;

	return $self;
}

sub read_file {
	my ($self, $name) = @_;
	my $path = "$self->{dir}/$name";

	open my $fh, '<', $path or return '';
	binmode $fh;
	local $/;
	my $content = <$fh>;
	close $fh;

	return $content;
}

# writes a file in the test directory readable by its owner only (mode 0600
# unless $mode is given), as secret files should be; returns its full path
sub write_private_file {
	my ($self, $name, $content, $mode) = @_;
	my $path = "$self->{dir}/$name";

	$self->write_file($name, $content);
	chmod defined $mode ? $mode : 0600, $path
		or die "cannot chmod $path: $!\n";

	return $path;
}

# lines of a log file in the test directory that match $pattern
sub log_lines {
	my ($self, $name, $pattern) = @_;
	return grep { $_ =~ $pattern } split /\n/, $self->read_file($name);
}

# the line of log file $name for the request to $uri, without the URI, for
# an access log whose format starts with "$request_uri "; or a text saying
# that there is no such line, or more than one
sub log_line_for {
	my ($self, $name, $uri) = @_;
	my @lines = $self->log_lines($name, qr/^\Q$uri\E /);

	return "no line for $uri" unless @lines;
	return "several lines for $uri" if @lines > 1;

	(my $line = $lines[0]) =~ s/^\S+ //;
	return $line;
}

# the UTC date $days days from today, as YYYY-MM-DD
sub utc_date {
	my ($days) = @_;
	return POSIX::strftime('%Y-%m-%d', gmtime(time() + 86400 * ($days || 0)));
}

# runs "nginx -t" on the written configuration; returns the exit status and
# what nginx printed
sub test_config {
	my ($self) = @_;
	my $dir = $self->{dir};

	return run_command($self->valgrind_command(), $self->{binary}, '-t',
		'-p', "$dir/",
		'-c', 'nginx.conf', '-e', "$dir/test_config.log");
}


# running

sub run {
	my ($self) = @_;
	my $dir = $self->{dir};

	die "no configuration written\n" unless defined $self->{config};

	my $pid = fork();
	die "cannot fork: $!\n" unless defined $pid;

	if ($pid == 0) {
		open STDIN, '<', '/dev/null';
		open STDOUT, '>>', "$dir/stderr.log";
		open STDERR, '>&', \*STDOUT;
		exec($self->valgrind_command(), $self->{binary}, '-p', "$dir/",
			'-c', 'nginx.conf', '-e', "$dir/error.log")
			or POSIX::_exit(127);
	}

	$self->{pid} = $pid;
	$RUNNING{$pid} = $$;

	my @ports = map { $self->{ports}{$_} } sort keys %{$self->{ports}};
	my @listen = grep {
		$self->{config} =~ /listen\s+127\.0\.0\.1:$_\b/
	} @ports;

	for my $port (@listen) {
		$self->wait_for_port($port) and next;

		my $log = $self->read_file('error.log')
			. $self->read_file('stderr.log');
		$self->stop();
		die "nginx did not start listening on port $port:\n$log";
	}

	return $self;
}

# calls $check every 20 ms until it returns true, for at most the timeout;
# returns whether it did
sub wait_for {
	my ($self, $check) = @_;

	for (1 .. 50 * $TIMEOUT) {
		return 1 if $check->();
		select undef, undef, undef, 0.02;
	}

	return 0;
}

# pids of the running master's worker processes, leaving out those shutting
# down after a reload; read from /proc (Linux)
sub worker_pids {
	my ($self) = @_;
	my $master = $self->{pid};
	my @pids;

	return () unless defined $master;

	opendir my $dh, '/proc' or die "cannot read /proc: $!\n";
	for my $pid (grep { /^\d+$/ } readdir $dh) {
		my $stat = read_proc("/proc/$pid/stat");

		# the parent's pid follows the command name, in parentheses as it
		# may hold anything, and the state
		my ($ppid) = $stat =~ /\) \S+ (\d+) / or next;
		next unless $ppid == $master;

		# valgrind keeps the process title from /proc: every child of
		# the master is taken for a worker then
		my $title = read_proc("/proc/$pid/cmdline");
		next unless $title =~ /^nginx: worker process/
			|| under_valgrind();
		next if $title =~ /shutting down/;

		push @pids, $pid;
	}
	closedir $dh;

	@pids = sort { $a <=> $b } @pids;
	return @pids;
}

sub read_proc {
	my ($path) = @_;

	open my $fh, '<', $path or return '';
	local $/;
	my $content = <$fh>;
	close $fh;

	return defined $content ? $content : '';
}

# sends SIGHUP to the master and waits until it has read the configuration
# again; returns true once the new configuration runs (a worker started and
# the old workers gone), false if nginx refused it ("[emerg]" in the error
# log) and the old configuration stays
sub reload {
	my ($self) = @_;
	my $master = $self->{pid};

	die "nginx is not running\n" unless defined $master;

	my $offset = length $self->read_file('error.log');
	my @old = $self->worker_pids();
	my $result;

	kill 'HUP', $master or die "cannot signal nginx: $!\n";

	$self->wait_for(sub {
		my $log = substr $self->read_file('error.log'), $offset;

		if ($log =~ /\[emerg\]/) {
			$result = 0;
			return 1;
		}

		return 0 unless $log =~ /start worker process/;
		return 0 if grep { -e "/proc/$_" } @old;
		return 0 unless $self->worker_pids();

		$result = 1;
		return 1;
	});

	die "nginx did not reload in time\n" unless defined $result;
	return $result;
}

sub wait_for_port {
	my ($self, $port) = @_;

	for (1 .. 50 * $TIMEOUT) {
		if (waitpid($self->{pid}, WNOHANG) == $self->{pid}) {
			delete $RUNNING{$self->{pid}};
			delete $self->{pid};
			return 0;
		}

		my $s = IO::Socket::INET->new(
			PeerAddr => '127.0.0.1',
			PeerPort => $port,
			Proto => 'tcp',
		);

		if ($s) {
			close $s;
			return 1;
		}

		select undef, undef, undef, 0.02;
	}

	return 0;
}

sub stop {
	my ($self) = @_;

	for my $pid (@{$self->{daemons}}) {
		stop_pid($pid);
		delete $RUNNING{$pid};
	}
	$self->{daemons} = [];

	my $pid = delete $self->{pid};
	return $self unless defined $pid;

	stop_pid($pid);
	delete $RUNNING{$pid};

	return $self;
}

sub stop_pid {
	my ($pid) = @_;

	kill 'TERM', $pid;

	for (1 .. 50 * $TIMEOUT) {
		my $rc = waitpid($pid, WNOHANG);
		return if $rc == $pid || $rc == -1;
		select undef, undef, undef, 0.02;
	}

	kill 'KILL', $pid;
	waitpid($pid, 0);
}

# starts a helper server in a child process: $handler is called with each
# accepted connection; returns the port
sub run_daemon {
	my ($self, $n, $handler) = @_;
	my $port = $self->port($n);

	my $server = IO::Socket::INET->new(
		LocalAddr => '127.0.0.1',
		LocalPort => $port,
		Proto => 'tcp',
		Listen => 16,
		ReuseAddr => 1,
	) or die "cannot listen on 127.0.0.1:$port: $!\n";

	my $pid = fork();
	die "cannot fork: $!\n" unless defined $pid;

	if ($pid == 0) {
		$SIG{TERM} = sub { POSIX::_exit(0) };

		while (1) {
			my $client = $server->accept() or next;
			$client->autoflush(1);
			eval { $handler->($client) };
			close $client;
		}
	}

	close $server;
	push @{$self->{daemons}}, $pid;
	$RUNNING{$pid} = $$;

	return $port;
}

# stops everything and checks the logs; adds LOG_CHECKS assertions;
# options: expected, a list of patterns for error log lines that the test
# brought about on purpose (a refused reload, a killed worker), which the
# checks for alerts and crashes leave out
sub finish {
	my ($self, %opts) = @_;
	my @expected = @{$opts{expected} || []};

	$self->stop();

	my @lines = split /\n/, $self->read_file('error.log');
	for my $pattern (@expected) {
		@lines = grep { $_ !~ $pattern } @lines;
	}

	my $log = join "\n", @lines;
	my @bad = grep { /\[(?:alert|crit|emerg)\]/ } @lines;

	Test::More::is(join("\n", @bad), '', 'no alerts in error log');
	Test::More::unlike($log, qr/exited on signal/, 'no worker crashed');

	my @forbidden = grep { length } @{$self->{forbidden}},
		$self->config_secrets();
	my @leaks;

	opendir my $dh, $self->{dir} or die "cannot read $self->{dir}: $!\n";
	for my $name (sort grep { /\.log$/ } readdir $dh) {
		my $content = $self->read_file($name);
		for my $secret (@forbidden) {
			push @leaks, $name if index($content, $secret) >= 0;
		}
	}
	closedir $dh;

	Test::More::is(join(' ', @leaks), '', 'no secret in logs');
}

sub config_secrets {
	my ($self) = @_;
	my @secrets;

	for my $text (@{$self->{configs} || []}) {
		while ($text =~ /mattermost_preauth_secret\s+ (?:
			"((?:[^"\\]|\\.)*)" | '((?:[^'\\]|\\.)*)' | ([^\s;]+)
			)/xg)
		{
			push @secrets, defined $1 ? $1 : defined $2 ? $2 : $3;
		}
	}

	return @secrets;
}

# error log lines of requests to $uri (the path and query as sent)
sub error_log_for {
	my ($self, $uri) = @_;
	return join "\n", grep { /request: "[A-Z]+ \Q$uri\E HTTP\// }
		split /\n/, $self->read_file('error.log');
}

# the reasons ("missing", "invalid", "duplicate") logged for refusals of
# requests to $uri, in order, joined with spaces
sub refusal_reasons {
	my ($self, $uri) = @_;
	my @reasons = $self->error_log_for($uri)
		=~ /\] \d+#\d+: \*\d+ (\w+) pre-authentication secret/g;
	return join ' ', @reasons;
}

# the number of refusals logged so far
sub refusal_count {
	my ($self) = @_;
	my @lines = grep { /\[error\] .* pre-authentication secret/ }
		split /\n/, $self->read_file('error.log');
	return scalar @lines;
}

sub DESTROY {
	my ($self) = @_;
	return unless $self->{owner} == $$;
	local ($?, $!, $@);
	$self->stop();
}

END {
	local ($?, $!, $@);
	for my $pid (keys %RUNNING) {
		stop_pid($pid) if $RUNNING{$pid} == $$;
	}
}


# error_log_for() once it has a line: over HTTP/2 a response can arrive
# before nginx has ended the request and logged it
sub logged {
	my ($self, $uri) = @_;
	my $lines = '';

	$self->wait_for(sub { length($lines = $self->error_log_for($uri)) });
	return $lines;
}


# running under valgrind

sub under_valgrind {
	return !!$ENV{TEST_NGINX_VALGRIND};
}

# the test reloads nginx or looks at its workers: nginx keeps its master
# process under valgrind too
sub needs_workers {
	my ($self) = @_;
	$self->{needs_workers} = 1;
	return $self;
}

sub single_process {
	my ($self) = @_;
	return under_valgrind() && !$self->{needs_workers};
}

# the command that runs nginx under valgrind (an empty list without it);
# valgrind follows the workers the master forks
sub valgrind_command {
	my ($self) = @_;

	return () unless under_valgrind();

	my $logs = $ENV{TEST_NGINX_VALGRIND_LOGS} || $self->{dir};
	my $test = File::Basename::basename($0, '.t');

	return ('valgrind', '--tool=memcheck', '--trace-children=yes',
		"--log-file=$logs/$test.%p.valgrind",
		grep { length } split /\s+/, $ENV{TEST_NGINX_VALGRIND_OPTS} || '');
}


# HTTP/1.x over a raw socket

# sends exactly $request and reads the response until the server closes the
# connection; options: port (number n of %%PORT_n%%, default 1)
sub http {
	my ($self, $request, %opts) = @_;
	my $port = $self->port(defined $opts{port} ? $opts{port} : 1);

	my $s = IO::Socket::INET->new(
		PeerAddr => '127.0.0.1',
		PeerPort => $port,
		Proto => 'tcp',
		Timeout => $TIMEOUT,
	) or die "cannot connect to 127.0.0.1:$port: $!\n";

	binmode $s;
	$s->autoflush(1);
	print $s $request;

	my $raw = '';
	my $sel = IO::Select->new($s);

	while ($sel->can_read($TIMEOUT)) {
		my $n = sysread($s, my $buf, 65536);
		next if !defined $n && $! == EINTR;
		last unless $n;
		$raw .= $buf;
	}

	close $s;

	return Preauth::Nginx::Response->parse($raw);
}

# builds a GET request with "Connection: close"; @headers is a list of
# name/value pairs, sent in order, duplicates allowed; a leading hash
# reference gives options for http()
sub http_get {
	my ($self, @args) = @_;
	return $self->http_request('GET', @args);
}

sub http_head {
	my ($self, @args) = @_;
	return $self->http_request('HEAD', @args);
}

sub http_request {
	my ($self, $method, @args) = @_;
	my %opts = ref $args[0] eq 'HASH' ? %{shift @args} : ();
	my ($uri, @headers) = @args;

	my $port = $self->port(defined $opts{port} ? $opts{port} : 1);
	my $request = "$method $uri HTTP/1.1\r\n"
		. "Host: localhost\r\n"
		. "Connection: close\r\n";

	while (my ($name, $value) = splice @headers, 0, 2) {
		$request .= "$name: $value\r\n";
	}

	return $self->http("$request\r\n", %opts);
}


# HTTP/2 with curl

# options in a leading hash reference: port (default 1), method
sub curl_h2 {
	my ($self, @args) = @_;
	my %opts = ref $args[0] eq 'HASH' ? %{shift @args} : ();
	my ($uri, @headers) = @args;

	my $port = $self->port(defined $opts{port} ? $opts{port} : 1);
	my $method = defined $opts{method} ? $opts{method} : 'GET';
	my @cmd = ('curl', '--http2-prior-knowledge', '-sS', '--max-time',
		$TIMEOUT);

	# "-I" prints the header itself, "-D -" would print it twice
	push @cmd, $method eq 'HEAD' ? '-I' : ('-D', '-', '-X', $method);

	while (my ($name, $value) = splice @headers, 0, 2) {
		# "Name;" makes curl send a header with an empty value
		push @cmd, '-H', length $value ? "$name: $value" : "$name;";
	}

	push @cmd, "http://127.0.0.1:$port$uri";

	my (undef, $raw) = run_command(@cmd);
	return Preauth::Nginx::Response->parse($raw);
}


# assertions on responses

# a 403 refusal by the module: both reject headers, each sent once
sub refused_ok {
	my ($r, $name) = @_;
	my $tb = Test::More->builder();
	local $Test::Builder::Level = $Test::Builder::Level + 1;

	my $ok = $r->status == 403
		&& $r->header_count('X-Reject-Reason') == 1
		&& $r->header('X-Reject-Reason') eq 'pre-auth'
		&& $r->header_count('Cache-Control') == 1
		&& $r->header('Cache-Control') eq 'no-store';

	$tb->ok($ok, $name) or $tb->diag($r->head_text());
	return $ok;
}

# the whole error log line of a refusal by a server named localhost of a
# GET for $uri: the reason followed directly by nginx's client and request
# context, with no "while ..." action
sub refusal_line {
	my ($reason, $uri) = @_;

	my $message = "$reason pre-authentication secret";
	my $context = 'client: 127.0.0.1, server: localhost, '
		. "request: \"GET $uri HTTP/1.1\", host: \"localhost\"";

	return qr/^\S+ \S+ \[error\] \d+#\d+: \*\d+ \Q$message, $context\E$/;
}

# a response with the given status and neither reject header
sub not_refused_ok {
	my ($r, $status, $name) = @_;
	my $tb = Test::More->builder();
	local $Test::Builder::Level = $Test::Builder::Level + 1;

	my $ok = $r->status == $status
		&& !defined $r->header('X-Reject-Reason')
		&& !grep { /no-store/ } $r->header('Cache-Control');

	$tb->ok($ok, $name) or $tb->diag($r->head_text());
	return $ok;
}


package Preauth::Nginx::Response;

use warnings;
use strict;

sub parse {
	my ($class, $raw) = @_;
	my $self = bless { raw => $raw, headers => {}, status => 0 }, $class;

	my ($head, $body) = split /\r?\n\r?\n/, $raw, 2;
	return $self unless defined $head;

	my ($line, @fields) = split /\r?\n/, $head;

	if ($line =~ m{^HTTP/([\d.]+)\s+(\d{3})(?:\s+(.*))?$}) {
		$self->{version} = $1;
		$self->{status} = $2;
		$self->{reason} = defined $3 ? $3 : '';
	}

	for my $field (@fields) {
		my ($name, $value) = $field =~ /^([^:]+):\s*(.*?)\s*$/ or next;
		push @{$self->{headers}{lc $name}}, $value;
	}

	$self->{body} = defined $body ? $body : '';

	return $self;
}

sub status { $_[0]{status} }
sub reason { $_[0]{reason} }
sub body { $_[0]{body} }
sub version { $_[0]{version} }
sub raw { $_[0]{raw} }

# all values of a header in list context; in scalar context the values
# joined with ", ", or undef if the header is absent
sub header {
	my ($self, $name) = @_;
	my $values = $self->{headers}{lc $name} || [];

	return @$values if wantarray;
	return @$values ? join(', ', @$values) : undef;
}

sub header_count {
	my ($self, $name) = @_;
	return scalar @{$self->{headers}{lc $name} || []};
}

# status line and header fields, for diagnostics
sub head_text {
	my ($self) = @_;
	my ($head) = split /\r?\n\r?\n/, $self->{raw}, 2;

	return 'no response' unless defined $head && length $head;
	$head =~ s/\r//g;
	return "response was:\n$head";
}

1;
