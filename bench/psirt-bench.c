/*
 * NAME
 *	psirt-bench - make bench: psirt-filter beside the gpg command line
 * SYNOPSIS
 *	psirt-bench -f FILTER -g GNUPGHOME -l LOGFILE -s SENTDIR
 *	    -G GATEWAY_FPR -R REPORTER_FPR -m P:CONFIG [-m P:CONFIG...]
 *	    [-u USER] [-o JSON] [-e OUTFILE] CORPUSDIR
 * DESCRIPTION
 *	Runs the corpus of bench/mkcorpus.sh (CORPUSDIR/index) through two
 *	sides, in the same invocation, interleaved:
 *
 *	floor	the same cryptographic work done by the gpg command line,
 *		one process per operation, with the gateway's home and warm
 *		agent: "gpg --decrypt" of the report's OpenPGP payload, then
 *		"gpg --armor --sign --encrypt" of CORPUSDIR/ack.txt to the
 *		reporter; a plain report only "gpg --armor --detach-sign".
 *	filter	FILTER -c CONFIG -f SENDER -- security@example.test, the
 *		message written to its standard input through a pipe, as
 *		Postfix's pipe(8) runs it.
 *
 *	For each -m P:CONFIG (P processes at once; CONFIG a fresh queue) and
 *	each class of message, the messages go in rounds: one message when P
 *	is 1, else 2P; each round runs on both sides, floor first in even
 *	rounds and filter first in odd ones, so that drift hits both alike.
 *	A warm-up message (CORPUSDIR/warm.eml) goes through both sides first
 *	and is not counted.
 *
 *	Wall time is the driver's CLOCK_MONOTONIC from fork() to the return
 *	of wait4(), over all the side's processes of that message. Before
 *	execve() the child puts that clock into PSIRT_TIMING, so psirt-filter
 *	logs its timing line (src/timing.c) with the exec-to-main time; the
 *	lines are read from LOGFILE (PSIRT_LOG_FILE) by pid, with the decision
 *	line (enc=, sig=). SENTDIR is where bench-sendmail leaves the
 *	acknowledgements: counted and emptied after each mode.
 *
 *	Prints the tables of bench/README.md and writes JSON to the -o file.
 *	When run as root, every child runs as USER (setgroups, setgid,
 *	setuid before execve, as pipe(8) does; psirt-filter refuses root).
 * DIAGNOSTICS
 *	Exit 0 when every run was made (failed runs are counted in the
 *	output, not fatal); 1 on a usage or set-up error. Targets missed are
 *	reported, never an exit status: make bench does not fail a build.
 * SECURITY
 *	A test tool, never installed; it runs only the given programs.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <math.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_MODES 8
#define MAX_PAR 64
#define RECIPIENT "security@example.test"
#define MIB (1024.0 * 1024.0)
/* Targets of issue 7, evaluated on the one-at-a-time runs (P = 1). */
#define TARGET_RATIO 1.3
#define TARGET_PLAIN_MS 10.0
#define TARGET_RSS_FACTOR 3.0
#define TARGET_RSS_EXTRA_KIB (16 * 1024)

enum cls { C_SMALL, C_1MIB, C_10MIB, C_PLAIN, C_N };
static const char *cls_name[C_N] = { "small", "1mib", "10mib", "plain" };
enum side { S_FLOOR, S_FILTER, S_N };
static const char *side_name[S_N] = { "floor", "filter" };

/* The fields of psirt-filter's timing line, in its order. */
enum field {
	F_START, F_INIT, F_SPOOL, F_AGENT, F_FORK, F_WORKER, F_PARSE,
	F_GPGINIT, F_GPG, F_RESULT, F_REAP, F_DECODE, F_STORE, F_ACK,
	F_CLEANUP, F_TOTAL, F_RSS, F_WORKER_RSS, F_GPG_RSS, F_N
};
static const char *field_name[F_N] = {
	"start", "init", "spool", "agent", "fork", "worker", "parse",
	"gpginit", "gpg", "result", "reap", "decode", "store", "ack",
	"cleanup", "total", "rss", "worker_rss", "gpg_rss"
};

struct msg {
	enum cls cls;
	size_t size;
	char *mail;
	char *payload;			/* NULL for plain mail */
	char *sender;
};

/* One message on one side in one mode. */
struct sample {
	double wall_ms;
	int done, ok;
	long tree_rss_kib;		/* wait4: the largest process */
	int timed;			/* a timing line was found */
	double f[F_N];
	char enc[24], sig[24];
};

struct job {
	enum side side;
	const struct msg *m;
	struct sample *out;
	int step, nsteps;
	pid_t pid;
	int pidfd;
	int in_fd;			/* filter: our end of its stdin */
	const unsigned char *in;
	size_t in_len, in_off;
	uint64_t t0;
};

struct mode {
	int par;
	const char *config;
	struct sample *s[S_N];		/* [message] */
	double side_ns[S_N][C_N];	/* sum of round walls */
	int acks, acks_encrypted, acks_signed;
	double load_before;
};

static const char *filter_path, *gnupg_home, *log_path, *sent_dir;
static const char *gw_fpr, *rep_fpr, *corpus, *json_path, *out_path;
static char *ack_path, *warm_path;
static uid_t run_uid;
static gid_t run_gid;
static int switch_user, devnull = -1, out_fd = -1, log_fd = -1;
static struct msg *msgs;
static size_t nmsg;
static struct mode modes[MAX_MODES];
static size_t nmodes;
/* timing lines not yet matched, and the filter jobs they may belong to */
static char logbuf[1 << 16];
static size_t loglen;
static struct job *live[2 * MAX_PAR + 1];
static size_t nlive;

/* die - a set-up error: message on stderr, exit 1 */
static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2),
    noreturn));
static void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("psirt-bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* xstrdup_or_die - strdup that never returns NULL */
static char *
xstrdup_or_die(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		die("out of memory");
	return p;
}

/* xcalloc_or_die - calloc that never returns NULL */
static void *
xcalloc_or_die(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (p == NULL)
		die("out of memory");
	return p;
}

/* path_in - DIR/NAME, allocated */
static char *
path_in(const char *dir, const char *name)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *p = xcalloc_or_die(1, len);
	int n = snprintf(p, len, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= len)
		die("path too long");
	return p;
}

/* now_ns - CLOCK_MONOTONIC in nanoseconds (the clock of src/timing.c) */
static uint64_t
now_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* loadavg - the one-minute load average, or -1 */
static double
loadavg(void)
{
	double l[1];

	return getloadavg(l, 1) == 1 ? l[0] : -1;
}

/* class_of - the class named s */
static enum cls
class_of(const char *s)
{
	int c;

	for (c = 0; c < C_N; c++)
		if (strcmp(s, cls_name[c]) == 0)
			return (enum cls)c;
	die("unknown class %s in the index", s);
}

/* read_index - CORPUSDIR/index into msgs */
static void
read_index(void)
{
	char *path = path_in(corpus, "index"), *line = NULL, *f[5], *p;
	size_t cap = 0, alloc = 0;
	FILE *fp = fopen(path, "r");
	int i;

	if (fp == NULL)
		die("cannot open %s: %s", path, strerror(errno));
	while (getline(&line, &cap, fp) > 0) {
		p = line;
		for (i = 0; i < 5; i++) {
			while (*p == ' ')
				p++;
			f[i] = p;
			while (*p != ' ' && *p != '\n' && *p != '\0')
				p++;
			if (*p != '\0')
				*p++ = '\0';
			if (*f[i] == '\0')
				die("short index line");
		}
		if (nmsg == alloc) {
			alloc = alloc ? 2 * alloc : 512;
			msgs = realloc(msgs, alloc * sizeof(*msgs));
			if (msgs == NULL)
				die("out of memory");
		}
		msgs[nmsg].cls = class_of(f[0]);
		msgs[nmsg].size = strtoul(f[1], NULL, 10);
		msgs[nmsg].mail = path_in(corpus, f[2]);
		msgs[nmsg].payload = strcmp(f[3], "-") == 0 ? NULL :
		    path_in(corpus, f[3]);
		msgs[nmsg].sender = xstrdup_or_die(f[4]);
		nmsg++;
	}
	free(line);
	(void)fclose(fp);
	free(path);
	if (nmsg == 0)
		die("empty corpus");
}

/* map_file - the whole file in memory (read-only mapping) */
static const unsigned char *
map_file(const char *path, size_t *len_r)
{
	struct stat sb;
	void *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &sb) < 0)
		die("cannot read %s: %s", path, strerror(errno));
	*len_r = (size_t)sb.st_size;
	if (sb.st_size == 0) {
		(void)close(fd);
		return (const unsigned char *)"";
	}
	p = mmap(NULL, *len_r, PROT_READ, MAP_PRIVATE, fd, 0);
	(void)close(fd);
	if (p == MAP_FAILED)
		die("cannot map %s: %s", path, strerror(errno));
	return p;
}

/* warm_cache - read every corpus file once, so no run pays the disk */
static void
warm_cache(void)
{
	const unsigned char *p;
	volatile unsigned char sum = 0;
	size_t i, j, len;

	for (i = 0; i < nmsg; i++) {
		p = map_file(msgs[i].mail, &len);
		for (j = 0; j < len; j += 4096)
			sum += p[j];
		if (len > 0)
			(void)munmap((void *)p, len);
	}
	(void)sum;
}

/* spawn - fork and exec argv with stdin in_fd, stdout/stderr out; the
 * child stamps PSIRT_TIMING with its clock just before execve() */
static pid_t
spawn(char *const argv[], int in, int out, int timing)
{
	char stamp[64], logenv[4096];
	char *envp[4];
	pid_t pid;
	int n;

	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid > 0)
		return pid;
	if (dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
	    dup2(out, STDERR_FILENO) < 0)
		_exit(126);
	(void)signal(SIGPIPE, SIG_DFL);
	if (switch_user && (setgroups(0, NULL) < 0 ||
	    setgid(run_gid) < 0 || setuid(run_uid) < 0))
		_exit(126);
	envp[0] = "PATH=/usr/bin:/bin";
	envp[1] = NULL;
	if (timing) {
		n = snprintf(logenv, sizeof(logenv), "PSIRT_LOG_FILE=%s",
		    log_path);
		if (n < 0 || (size_t)n >= sizeof(logenv))
			_exit(126);
		envp[1] = logenv;
		envp[3] = NULL;
		n = snprintf(stamp, sizeof(stamp), "PSIRT_TIMING=%llu",
		    (unsigned long long)now_ns());
		if (n < 0 || (size_t)n >= sizeof(stamp))
			_exit(126);
		envp[2] = stamp;
	}
	execve(argv[0], argv, envp);
	_exit(127);
}

/* start_step - start the job's current process */
static void
start_step(struct job *j, const char *config)
{
	char *argv[20];
	int p[2], in, n = 0;

	if (j->side == S_FILTER) {
		argv[n++] = (char *)filter_path;
		argv[n++] = "-c";
		argv[n++] = (char *)config;
		argv[n++] = "-f";
		argv[n++] = j->m->sender;
		argv[n++] = "--";
		argv[n++] = RECIPIENT;
		argv[n] = NULL;
		if (pipe2(p, O_CLOEXEC) < 0)
			die("pipe: %s", strerror(errno));
		j->pid = spawn(argv, p[0], out_fd, 1);
		(void)close(p[0]);
		j->in_fd = p[1];
		(void)fcntl(j->in_fd, F_SETFL, O_NONBLOCK);
		j->in = map_file(j->m->mail, &j->in_len);
		j->in_off = 0;
	} else {
		argv[n++] = PSIRT_GPG_PATH;
		argv[n++] = "--homedir";
		argv[n++] = (char *)gnupg_home;
		argv[n++] = "--batch";
		argv[n++] = "--no-tty";
		argv[n++] = "--quiet";
		if (j->m->payload != NULL && j->step == 0) {
			argv[n++] = "--decrypt";
		} else {
			argv[n++] = "--armor";
			argv[n++] = "--local-user";
			argv[n++] = (char *)gw_fpr;
			if (j->m->payload != NULL) {
				argv[n++] = "--recipient";
				argv[n++] = (char *)rep_fpr;
				argv[n++] = "--sign";
				argv[n++] = "--encrypt";
			} else
				argv[n++] = "--detach-sign";
		}
		argv[n] = NULL;
		in = open(j->m->payload != NULL && j->step == 0 ?
		    j->m->payload : ack_path, O_RDONLY | O_CLOEXEC);
		if (in < 0)
			die("cannot open the floor's input: %s",
			    strerror(errno));
		j->pid = spawn(argv, in, devnull, 0);
		(void)close(in);
		j->in_fd = -1;
	}
	j->pidfd = pidfd_open(j->pid, 0);
	if (j->pidfd < 0)
		die("pidfd_open: %s", strerror(errno));
}

/* field_of - the timing field named name[0..len), or F_N */
static enum field
field_of(const char *name, size_t len)
{
	int i;

	for (i = 0; i < F_N; i++)
		if (strlen(field_name[i]) == len &&
		    memcmp(field_name[i], name, len) == 0)
			return (enum field)i;
	return F_N;
}

/* parse_timing - the "timing: k=v ..." text into s */
static void
parse_timing(const char *p, struct sample *s)
{
	const char *k, *eq;
	char *end;
	enum field f;
	double v;

	for (;;) {
		while (*p == ' ' || *p == '(' || *p == ')' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		k = p;
		while (*p != '\0' && *p != ' ' && *p != ')' && *p != ',')
			p++;
		eq = memchr(k, '=', (size_t)(p - k));
		if (eq == NULL)
			continue;
		f = field_of(k, (size_t)(eq - k));
		if (f == F_N)
			continue;
		v = strtod(eq + 1, &end);
		if (end == eq + 1)
			v = NAN;
		s->f[f] = v;
	}
	s->timed = 1;
}

/* word_after - copy the word after key (up to , or space) into out */
static void
word_after(const char *line, const char *key, char *out, size_t size)
{
	const char *p = strstr(line, key);
	size_t n = 0;

	if (p == NULL)
		return;
	p += strlen(key);
	while (p[n] != '\0' && p[n] != ',' && p[n] != ' ' && n + 1 < size)
		n++;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* take_line - one log line: a timing or decision line of a live job */
static void
take_line(char *line)
{
	const char *p = strstr(line, "psirt-filter[");
	char *end;
	long pid;
	size_t i;
	struct sample *s = NULL;

	if (p == NULL)
		return;
	pid = strtol(p + 13, &end, 10);
	if (end[0] != ']' || end[1] != ':' || end[2] != ' ')
		return;
	for (i = nlive; i-- > 0;)
		if (live[i]->pid == (pid_t)pid) {
			s = live[i]->out;
			break;
		}
	if (s == NULL)
		return;
	if (strncmp(end + 3, "timing: ", 8) == 0)
		parse_timing(end + 11, s);
	else if (strstr(end, ", status=") != NULL) {
		word_after(end, "enc=", s->enc, sizeof(s->enc));
		word_after(end, "sig=", s->sig, sizeof(s->sig));
	}
}

/* read_log - take every complete new line of the log file */
static void
read_log(void)
{
	ssize_t n;
	char *nl, *line;

	for (;;) {
		if (loglen == sizeof(logbuf) - 1)
			loglen = 0;	/* an absurd line: drop it */
		n = read(log_fd, logbuf + loglen, sizeof(logbuf) - 1 - loglen);
		if (n <= 0)
			break;
		loglen += (size_t)n;
		logbuf[loglen] = '\0';
		line = logbuf;
		while ((nl = strchr(line, '\n')) != NULL) {
			*nl = '\0';
			take_line(line);
			line = nl + 1;
		}
		loglen -= (size_t)(line - logbuf);
		memmove(logbuf, line, loglen);
	}
}

/* feed - write what the filter's stdin pipe takes now */
static void
feed(struct job *j)
{
	ssize_t n;
	size_t chunk = j->in_len - j->in_off;

	if (chunk > 65536)
		chunk = 65536;
	n = chunk > 0 ? write(j->in_fd, j->in + j->in_off, chunk) : 0;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0)
		j->in_off += (size_t)n;
	if (n < 0 || j->in_off == j->in_len) {
		(void)close(j->in_fd);
		j->in_fd = -1;
	}
}

/* reap - the job's process ended: record it; 1 when the job is done */
static int
reap(struct job *j, const char *config)
{
	struct rusage ru;
	uint64_t t;
	int status;

	while (wait4(j->pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			die("wait4: %s", strerror(errno));
	t = now_ns();
	(void)close(j->pidfd);
	if (j->in_fd >= 0) {
		/* It ended without reading the whole mail. */
		(void)close(j->in_fd);
		j->in_fd = -1;
		j->out->ok = 0;
	}
	if (j->side == S_FILTER && j->in_len > 0)
		(void)munmap((void *)j->in, j->in_len);
	j->in_len = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		j->out->ok = 0;
	if (ru.ru_maxrss > j->out->tree_rss_kib)
		j->out->tree_rss_kib = ru.ru_maxrss;
	if (++j->step < j->nsteps) {
		start_step(j, config);
		return 0;
	}
	j->out->wall_ms = (double)(t - j->t0) / 1e6;
	j->out->done = 1;
	return 1;
}

/* run_jobs - the jobs, at most par at once; all reaped on return */
static void
run_jobs(struct job *jobs, size_t njobs, int par, const char *config)
{
	struct pollfd pfd[2 * MAX_PAR];
	struct job *run[MAX_PAR], *who[2 * MAX_PAR], *j;
	unsigned int gen[2 * MAX_PAR];
	size_t next = 0, nrun = 0, np, i, k;

	nlive = 0;
	while (next < njobs || nrun > 0) {
		while (nrun < (size_t)par && next < njobs) {
			j = &jobs[next++];
			j->t0 = now_ns();
			j->out->ok = 1;
			j->out->tree_rss_kib = 0;
			start_step(j, config);
			run[nrun++] = j;
			if (j->side == S_FILTER) {
				if (nlive == sizeof(live) / sizeof(live[0]))
					die("too many jobs at once");
				live[nlive++] = j;
			}
		}
		np = 0;
		for (i = 0; i < nrun; i++) {
			pfd[np].fd = run[i]->pidfd;
			pfd[np].events = POLLIN;
			gen[np] = (unsigned int)run[i]->step;
			who[np++] = run[i];
			if (run[i]->in_fd < 0)
				continue;
			pfd[np].fd = run[i]->in_fd;
			pfd[np].events = POLLOUT;
			gen[np] = (unsigned int)run[i]->step;
			who[np++] = run[i];
		}
		if (poll(pfd, np, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll: %s", strerror(errno));
		}
		for (i = 0; i < np; i++) {
			j = who[i];
			/* An entry of a step that has ended since the poll. */
			if (pfd[i].revents == 0 || j->out->done ||
			    gen[i] != (unsigned int)j->step)
				continue;
			if (pfd[i].fd == j->in_fd) {
				feed(j);
				continue;
			}
			if (pfd[i].fd != j->pidfd)
				continue;
			if (!reap(j, config))
				continue;
			if (j->side == S_FILTER)
				read_log();
			for (k = 0; k < nrun; k++)
				if (run[k] == j) {
					run[k] = run[--nrun];
					break;
				}
		}
	}
	read_log();
	nlive = 0;
}

/* count_acks - what bench-sendmail left in SENTDIR, then remove it */
static void
count_acks(int *n_r, int *enc_r, int *sig_r)
{
	char buf[1 << 16], *path;
	struct dirent *de;
	ssize_t len;
	DIR *d = opendir(sent_dir);
	int fd;

	*n_r = *enc_r = *sig_r = 0;
	if (d == NULL)
		die("cannot open %s: %s", sent_dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		path = path_in(sent_dir, de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		len = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
		if (fd >= 0)
			(void)close(fd);
		if (len >= 0) {
			buf[len] = '\0';
			(*n_r)++;
			if (strstr(buf, "-----BEGIN PGP MESSAGE-----") != NULL)
				(*enc_r)++;
			else if (strstr(buf, "application/pgp-signature") !=
			    NULL)
				(*sig_r)++;
		}
		(void)unlink(path);
		free(path);
	}
	(void)closedir(d);
}

/* set_job - job j: message m on side s, its result into out */
static void
set_job(struct job *j, enum side s, const struct msg *m, struct sample *out)
{
	memset(j, 0, sizeof(*j));
	memset(out, 0, sizeof(*out));
	j->side = s;
	j->m = m;
	j->out = out;
	j->in_fd = -1;
	j->nsteps = s == S_FLOOR && m->payload != NULL ? 2 : 1;
}

/* run_mode - the warm-up, then the corpus through both sides */
static void
run_mode(struct mode *md)
{
	struct job *jobs = xcalloc_or_die(2 * (size_t)md->par, sizeof(*jobs));
	size_t *idx = xcalloc_or_die(nmsg, sizeof(*idx));
	size_t k, n, i, start, chunk, round;
	struct sample dummy;
	struct msg warm;
	uint64_t t;
	int c, o, s, a, b, e;

	memset(&warm, 0, sizeof(warm));
	warm.cls = C_SMALL;
	warm.mail = warm_path;
	warm.payload = path_in(corpus, "warm.asc");
	warm.sender = msgs[0].sender;
	for (s = 0; s < S_N; s++) {
		md->s[s] = xcalloc_or_die(nmsg, sizeof(struct sample));
		set_job(&jobs[0], (enum side)s, &warm, &dummy);
		run_jobs(jobs, 1, 1, md->config);
		if (!dummy.ok)
			fprintf(stderr, "psirt-bench: warning: the %s warm-up "
			    "failed (P=%d)\n", side_name[s], md->par);
	}
	count_acks(&a, &b, &e);
	md->load_before = loadavg();
	chunk = md->par == 1 ? 1 : 2 * (size_t)md->par;
	for (c = 0; c < C_N; c++) {
		for (k = 0, i = 0; i < nmsg; i++)
			if (msgs[i].cls == (enum cls)c)
				idx[k++] = i;
		for (start = 0, round = 0; start < k; start += chunk, round++) {
			n = k - start < chunk ? k - start : chunk;
			for (o = 0; o < 2; o++) {
				s = (int)((round + (size_t)o) % 2);
				for (i = 0; i < n; i++)
					set_job(&jobs[i], (enum side)s,
					    &msgs[idx[start + i]],
					    &md->s[s][idx[start + i]]);
				t = now_ns();
				run_jobs(jobs, n, md->par, md->config);
				md->side_ns[s][c] += (double)(now_ns() - t);
			}
		}
	}
	count_acks(&md->acks, &md->acks_encrypted, &md->acks_signed);
	free(warm.payload);
	free(idx);
	free(jobs);
}

/* cmp_double - qsort order of doubles */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* quantile - q-quantile of sorted v[0..n), linear between ranks */
static double
quantile(const double *v, size_t n, double q)
{
	double r;
	size_t i;

	if (n == 0)
		return NAN;
	r = q * (double)(n - 1);
	i = (size_t)r;
	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (r - (double)i) * (v[i + 1] - v[i]);
}

/* Figures of one side of one class in one mode. */
struct stats {
	size_t n, failed, sig_good, timed;
	double median, p90, rate;
	double mean[F_N], mean_wall, mean_rest;	/* rest: wall - total */
};

/* stats_of - the figures of side s, class c in mode md */
static void
stats_of(const struct mode *md, int s, int c, struct stats *st)
{
	double *v = xcalloc_or_die(nmsg, sizeof(*v));
	size_t i, f, nf[F_N] = { 0 };
	const struct sample *x;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < nmsg; i++) {
		if (msgs[i].cls != (enum cls)c)
			continue;
		x = &md->s[s][i];
		if (!x->done || !x->ok) {
			st->failed++;
			continue;
		}
		v[st->n++] = x->wall_ms;
		st->mean_wall += x->wall_ms;
		if (strcmp(x->sig, "good") == 0)
			st->sig_good++;
		if (!x->timed)
			continue;
		st->timed++;
		for (f = 0; f < F_N; f++)
			if (!isnan(x->f[f])) {
				st->mean[f] += x->f[f];
				nf[f]++;
			}
		st->mean_rest += x->wall_ms - x->f[F_TOTAL];
	}
	qsort(v, st->n, sizeof(*v), cmp_double);
	st->median = quantile(v, st->n, 0.5);
	st->p90 = quantile(v, st->n, 0.9);
	st->rate = md->side_ns[s][c] > 0 && st->n > 0 ?
	    (double)(st->n + st->failed) / (md->side_ns[s][c] / 1e9) : NAN;
	st->mean_wall = st->n ? st->mean_wall / (double)st->n : NAN;
	for (f = 0; f < F_N; f++)
		st->mean[f] = nf[f] ? st->mean[f] / (double)nf[f] : NAN;
	st->mean_rest = st->timed ? st->mean_rest / (double)st->timed : NAN;
	free(v);
}

/* verdict - "PASS", "FAIL", or "n/a" when the figure is missing */
static const char *
verdict(double value, double limit)
{
	if (isnan(value))
		return "n/a";
	return value <= limit ? "PASS" : "FAIL";
}

/* jnum - a JSON number, or null */
static void
jnum(FILE *f, const char *key, double v)
{
	if (isnan(v) || isinf(v))
		fprintf(f, "\"%s\": null", key);
	else
		fprintf(f, "\"%s\": %.3f", key, v);
}

/* class_sizes - smallest and largest message of class c */
static void
class_sizes(int c, size_t *n_r, size_t *min_r, size_t *max_r)
{
	size_t i;

	*n_r = *max_r = 0;
	*min_r = SIZE_MAX;
	for (i = 0; i < nmsg; i++)
		if (msgs[i].cls == (enum cls)c) {
			(*n_r)++;
			if (msgs[i].size < *min_r)
				*min_r = msgs[i].size;
			if (msgs[i].size > *max_r)
				*max_r = msgs[i].size;
		}
	if (*n_r == 0)
		*min_r = 0;
}

/* human - a size for the table */
static const char *
human(size_t n, char *buf, size_t size)
{
	int rc;

	if (n >= 1024 * 1024)
		rc = snprintf(buf, size, "%.1f MiB", (double)n / MIB);
	else
		rc = snprintf(buf, size, "%.1f KiB", (double)n / 1024.0);
	if (rc < 0 || (size_t)rc >= size)
		buf[0] = '\0';
	return buf;
}

/* rss_limit_kib - the 10 MiB target for a message of size bytes */
static double
rss_limit_kib(size_t size)
{
	return TARGET_RSS_FACTOR * (double)size / 1024.0 +
	    TARGET_RSS_EXTRA_KIB;
}

/* Verdicts collected while printing, for the summary and the JSON. */
struct target {
	char what[96];
	double value, limit;
	const char *result;
};
static struct target targets[16];
static size_t ntargets;

/* add_target - one evaluated target */
static void
add_target(const char *what, double value, double limit)
{
	struct target *t;
	int rc;

	if (ntargets == sizeof(targets) / sizeof(targets[0]))
		return;
	t = &targets[ntargets++];
	rc = snprintf(t->what, sizeof(t->what), "%s", what);
	if (rc < 0 || (size_t)rc >= sizeof(t->what))
		t->what[0] = '\0';
	t->value = value;
	t->limit = limit;
	t->result = verdict(value, limit);
}

/* print_tables - the human-readable result on stdout */
static void
print_tables(void)
{
	struct stats fl, fi, st[C_N];
	char a[32], b[32], what[96];
	size_t n, mn, mx, i, m;
	double ratio, worst_p, worst_w, lim;
	int c, f, rc;
	static const int rows[] = { F_START, F_INIT, F_SPOOL, F_AGENT, F_FORK,
	    F_WORKER, F_PARSE, F_GPGINIT, F_GPG, F_RESULT, F_REAP, F_DECODE,
	    F_STORE, F_ACK, F_CLEANUP };

	printf("\ncorpus:");
	for (c = 0; c < C_N; c++) {
		class_sizes(c, &n, &mn, &mx);
		printf("%s %s %zu x %s..%s", c ? "," : "", cls_name[c], n,
		    human(mn, a, sizeof(a)), human(mx, b, sizeof(b)));
	}
	printf("\n\nwall time per message, ms: floor = gpg command line, "
	    "filter = psirt-filter\n");
	printf("%2s %-6s %4s | %8s %8s %7s | %8s %8s %7s | %6s  %s\n", "P",
	    "class", "n", "floor", "p90", "msg/s", "filter", "p90", "msg/s",
	    "b/a", "target (P=1)");
	for (m = 0; m < nmodes; m++)
		for (c = 0; c < C_N; c++) {
			stats_of(&modes[m], S_FLOOR, c, &fl);
			stats_of(&modes[m], S_FILTER, c, &fi);
			ratio = fi.median / fl.median;
			printf("%2d %-6s %4zu | %8.2f %8.2f %7.1f | "
			    "%8.2f %8.2f %7.1f | %6.2f  ", modes[m].par,
			    cls_name[c],
			    fi.n + fi.failed, fl.median, fl.p90, fl.rate,
			    fi.median, fi.p90, fi.rate, ratio);
			if (modes[m].par != 1)
				printf("\n");
			else if (c == C_PLAIN) {
				printf("median <= %.0f ms: %s\n",
				    TARGET_PLAIN_MS,
				    verdict(fi.median, TARGET_PLAIN_MS));
				add_target("plain report, median ms (P=1)",
				    fi.median, TARGET_PLAIN_MS);
			} else {
				printf("b/a <= %.1f: %s\n", TARGET_RATIO,
				    verdict(ratio, TARGET_RATIO));
				rc = snprintf(what, sizeof(what), "%s "
				    "encrypted signed report, b/a of "
				    "medians (P=1)", cls_name[c]);
				if (rc > 0 && (size_t)rc < sizeof(what))
					add_target(what, ratio, TARGET_RATIO);
			}
			if (fl.failed || fi.failed)
				printf("   ^ failed runs: floor %zu, "
				    "filter %zu\n", fl.failed, fi.failed);
			if (c != C_PLAIN && fi.sig_good != fi.n)
				printf("   ^ filter: %zu of %zu stored with "
				    "sig=good\n", fi.sig_good, fi.n);
		}

	printf("\nacknowledgements (fake sendmail), per mode: ");
	for (m = 0; m < nmodes; m++)
		printf("%sP=%d %d sent (%d encrypted, %d signed only)",
		    m ? "; " : "", modes[m].par, modes[m].acks,
		    modes[m].acks_encrypted, modes[m].acks_signed);
	printf(" of %zu messages\n", nmsg);

	printf("\n10mib messages, peak RSS in KiB (P=1); limit = %.0f x "
	    "message size + %d MiB\n", TARGET_RSS_FACTOR,
	    TARGET_RSS_EXTRA_KIB / 1024);
	printf("%10s %9s %9s %9s %9s %9s %7s %7s\n", "size", "parent",
	    "worker", "gpg", "wait4", "limit", "par/sz", "wrk/sz");
	worst_p = worst_w = -INFINITY;
	for (i = 0; i < nmsg && nmodes > 0; i++) {
		const struct sample *x = &modes[0].s[S_FILTER][i];

		if (msgs[i].cls != C_10MIB || !x->done)
			continue;
		lim = rss_limit_kib(msgs[i].size);
		printf("%10zu %9.0f %9.0f %9.0f %9ld %9.0f %7.2f %7.2f\n",
		    msgs[i].size, x->f[F_RSS], x->f[F_WORKER_RSS],
		    x->f[F_GPG_RSS], x->tree_rss_kib, lim,
		    x->f[F_RSS] * 1024.0 / (double)msgs[i].size,
		    x->f[F_WORKER_RSS] * 1024.0 / (double)msgs[i].size);
		/* the margin left, as a fraction of the limit */
		if (!isnan(x->f[F_RSS]) && x->f[F_RSS] / lim > worst_p)
			worst_p = x->f[F_RSS] / lim;
		if (!isnan(x->f[F_WORKER_RSS]) &&
		    x->f[F_WORKER_RSS] / lim > worst_w)
			worst_w = x->f[F_WORKER_RSS] / lim;
	}
	add_target("10 MiB: parent peak RSS / limit, worst (P=1)",
	    isinf(worst_p) ? NAN : worst_p, 1.0);
	add_target("10 MiB: worker peak RSS / limit, worst (P=1)",
	    isinf(worst_w) ? NAN : worst_w, 1.0);

	if (nmodes == 0)
		return;
	printf("\nwhere the time goes, P=%d, mean ms per message "
	    "(psirt-filter's timing line)\n", modes[0].par);
	printf("%-12s", "phase");
	for (c = 0; c < C_N; c++) {
		stats_of(&modes[0], S_FILTER, c, &st[c]);
		printf(" %9s", cls_name[c]);
	}
	printf("\n");
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		f = rows[i];
		printf("%-12s", f >= F_PARSE && f <= F_RESULT ?
		    (f == F_PARSE ? "  parse" : f == F_GPGINIT ? "  gpginit" :
		    f == F_GPG ? "  gpg" : "  result") : field_name[f]);
		for (c = 0; c < C_N; c++)
			printf(" %9.2f", st[c].mean[f]);
		printf("\n");
	}
	printf("%-12s", "spawn+exit");
	for (c = 0; c < C_N; c++)
		printf(" %9.2f", st[c].mean_rest);
	printf("\n%-12s", "= wall");
	for (c = 0; c < C_N; c++)
		printf(" %9.2f", st[c].mean_wall);
	printf("\n%-12s", "timed/n");
	for (c = 0; c < C_N; c++) {
		rc = snprintf(a, sizeof(a), "%zu/%zu", st[c].timed, st[c].n);
		printf(" %9s", rc > 0 && (size_t)rc < sizeof(a) ? a : "?");
	}
	printf("\n\ntargets\n");
	for (i = 0; i < ntargets; i++)
		printf("  %-58s %8.2f <= %-6.2f %s\n", targets[i].what,
		    targets[i].value, targets[i].limit, targets[i].result);
}

/* write_json - every figure into json_path */
static void
write_json(void)
{
	FILE *f = fopen(json_path, "w");
	struct stats st;
	size_t n, mn, mx, i, m;
	double med[S_N];
	int c, s, k;

	if (f == NULL)
		die("cannot write %s: %s", json_path, strerror(errno));
	fprintf(f, "{\n  \"tool\": \"psirt-bench\",\n  \"cpus\": %ld,\n",
	    sysconf(_SC_NPROCESSORS_ONLN));
	fprintf(f, "  \"corpus\": {");
	for (c = 0; c < C_N; c++) {
		class_sizes(c, &n, &mn, &mx);
		fprintf(f, "%s\n    \"%s\": {\"n\": %zu, \"size_min\": %zu, "
		    "\"size_max\": %zu}", c ? "," : "", cls_name[c], n, mn, mx);
	}
	fprintf(f, "\n  },\n  \"modes\": [");
	for (m = 0; m < nmodes; m++) {
		fprintf(f, "%s\n    {\"parallel\": %d, ", m ? "," : "",
		    modes[m].par);
		jnum(f, "load_before", modes[m].load_before);
		fprintf(f, ", \"acks\": {\"sent\": %d, \"encrypted\": %d, "
		    "\"signed_only\": %d}, \"classes\": {", modes[m].acks,
		    modes[m].acks_encrypted, modes[m].acks_signed);
		for (c = 0; c < C_N; c++) {
			fprintf(f, "%s\n      \"%s\": {", c ? "," : "",
			    cls_name[c]);
			for (s = 0; s < S_N; s++) {
				stats_of(&modes[m], s, c, &st);
				med[s] = st.median;
				fprintf(f, "\"%s\": {\"n\": %zu, "
				    "\"failed\": %zu, ", side_name[s], st.n,
				    st.failed);
				jnum(f, "median_ms", st.median);
				fprintf(f, ", ");
				jnum(f, "p90_ms", st.p90);
				fprintf(f, ", ");
				jnum(f, "msgs_per_s", st.rate);
				fprintf(f, ", ");
				jnum(f, "mean_ms", st.mean_wall);
				if (s == S_FILTER) {
					fprintf(f, ", \"sig_good\": %zu, "
					    "\"timed\": %zu, "
					    "\"breakdown_mean_ms\": {",
					    st.sig_good, st.timed);
					for (k = 0; k <= F_TOTAL; k++) {
						jnum(f, field_name[k],
						    st.mean[k]);
						fprintf(f, ", ");
					}
					jnum(f, "spawn_exit", st.mean_rest);
					fprintf(f, "}");
				}
				fprintf(f, "}, ");
			}
			jnum(f, "ratio", med[S_FILTER] / med[S_FLOOR]);
			fprintf(f, "}");
		}
		fprintf(f, "}}");
	}
	fprintf(f, "\n  ],\n  \"rss_10mib\": [");
	for (k = 0, m = 0; m < nmodes; m++)
		for (i = 0; i < nmsg; i++) {
			const struct sample *x = &modes[m].s[S_FILTER][i];

			if (msgs[i].cls != C_10MIB || !x->done)
				continue;
			fprintf(f, "%s\n    {\"parallel\": %d, \"size\": %zu, ",
			    k++ ? "," : "", modes[m].par, msgs[i].size);
			jnum(f, "parent_kib", x->f[F_RSS]);
			fprintf(f, ", ");
			jnum(f, "worker_kib", x->f[F_WORKER_RSS]);
			fprintf(f, ", ");
			jnum(f, "gpg_kib", x->f[F_GPG_RSS]);
			fprintf(f, ", \"wait4_kib\": %ld, ", x->tree_rss_kib);
			jnum(f, "limit_kib", rss_limit_kib(msgs[i].size));
			fprintf(f, "}");
		}
	fprintf(f, "\n  ],\n  \"targets\": [");
	for (i = 0; i < ntargets; i++) {
		fprintf(f, "%s\n    {\"what\": \"%s\", ", i ? "," : "",
		    targets[i].what);
		jnum(f, "value", targets[i].value);
		fprintf(f, ", ");
		jnum(f, "limit", targets[i].limit);
		fprintf(f, ", \"result\": \"%s\"}", targets[i].result);
	}
	fprintf(f, "\n  ]\n}\n");
	if (fclose(f) != 0)
		die("cannot write %s", json_path);
}

/* usage - the synopsis, exit 1 */
static void
usage(void)
{
	die("usage: psirt-bench -f FILTER -g GNUPGHOME -l LOGFILE -s SENTDIR "
	    "-G GATEWAY_FPR -R REPORTER_FPR -m P:CONFIG [-m P:CONFIG...] "
	    "[-u USER] [-o JSON] [-e OUTFILE] CORPUSDIR");
}

int
main(int argc, char **argv)
{
	const char *user = NULL;
	struct passwd *pw;
	struct stat sb;
	char *end;
	long par;
	int ch;
	size_t m;

	json_path = "bench/results.json";
	out_path = "/dev/null";
	while ((ch = getopt(argc, argv, "f:g:l:s:G:R:m:u:o:e:")) != -1) {
		switch (ch) {
		case 'f':
			filter_path = optarg;
			break;
		case 'g':
			gnupg_home = optarg;
			break;
		case 'l':
			log_path = optarg;
			break;
		case 's':
			sent_dir = optarg;
			break;
		case 'G':
			gw_fpr = optarg;
			break;
		case 'R':
			rep_fpr = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'o':
			json_path = optarg;
			break;
		case 'e':
			out_path = optarg;
			break;
		case 'm':
			par = strtol(optarg, &end, 10);
			if (nmodes == MAX_MODES || par < 1 || par > MAX_PAR ||
			    *end != ':' || end[1] == '\0')
				usage();
			modes[nmodes].par = (int)par;
			modes[nmodes++].config = end + 1;
			break;
		default:
			usage();
		}
	}
	if (optind + 1 != argc || filter_path == NULL || gnupg_home == NULL ||
	    log_path == NULL || sent_dir == NULL || gw_fpr == NULL ||
	    rep_fpr == NULL || nmodes == 0)
		usage();
	corpus = argv[optind];
	if (geteuid() == 0) {
		if (user == NULL)
			die("running as root: -u USER is needed");
		if ((pw = getpwnam(user)) == NULL)
			die("no user %s", user);
		run_uid = pw->pw_uid;
		run_gid = pw->pw_gid;
		switch_user = 1;
	}
	(void)signal(SIGPIPE, SIG_IGN);
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	out_fd = open(out_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0666);
	log_fd = open(log_path, O_RDONLY | O_CLOEXEC);
	if (devnull < 0 || out_fd < 0 || log_fd < 0)
		die("cannot open /dev/null, %s or %s: %s", out_path, log_path,
		    strerror(errno));
	(void)lseek(log_fd, 0, SEEK_END);
	ack_path = path_in(corpus, "ack.txt");
	warm_path = path_in(corpus, "warm.eml");
	read_index();
	warm_cache();
	printf("psirt-bench: %zu messages, %ld CPUs, load %.2f at start\n",
	    nmsg, sysconf(_SC_NPROCESSORS_ONLN), loadavg());
	(void)fflush(stdout);
	for (m = 0; m < nmodes; m++) {
		fprintf(stderr, "psirt-bench: P=%d ...\n", modes[m].par);
		run_mode(&modes[m]);
	}
	print_tables();
	write_json();
	if (fstat(out_fd, &sb) == 0 && strcmp(out_path, "/dev/null") != 0)
		printf("\npsirt-filter wrote %lld bytes on stdout/stderr "
		    "(must be 0)\n", (long long)sb.st_size);
	printf("results: %s\n", json_path);
	return 0;
}
