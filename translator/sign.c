/* sign.c - stap --sign-module[=KEYDIR]: the built module signed with the
 * kernel build tree's scripts/sign-file, so that it loads on kernels that
 * enforce module signatures once the key is enrolled.
 *
 * KEYDIR (default: the cache's signing-key/, per user) holds
 * signing_key.pem (private key and certificate, mode 0600) and
 * signing_key.x509 (the DER certificate to enroll).  Missing both, they
 * are made with openssl, the way the kernel makes its own
 * (certs/x509.genkey): RSA, digitalSignature, not a CA.  The signed copy
 * goes next to the cached module (signed/NAME.ko) and is made afresh each
 * time: signing the same file twice would append a second signature. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "passes.h"

/* Runs argv with stdout and stderr into LOG; its exit status, or -1. */
static int run(char *const argv[], const char *log)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		if (!freopen(log, "w", stdout) || dup2(fileno(stdout), 2) < 0)
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void show_log(const char *log)
{
	FILE *f = fopen(log, "r");
	char line[512];

	for (int n = 0; f && n < 10 && fgets(line, sizeof(line), f); n++)
		fprintf(stderr, "  %s", line);
	if (f)
		fclose(f);
}

/* CONFIG_MODULE_SIG_HASH of the build tree, sha256 when not set. */
static const char *sig_hash(struct session *s)
{
	FILE *f = fopen(arena_printf(&s->arena, "%s/.config",
				     s->kernel_build_tree), "r");
	char line[256], *q;
	const char *hash = "sha256";

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "CONFIG_MODULE_SIG_HASH=\"", 24) &&
		    (q = strchr(line + 24, '"'))) {
			*q = '\0';
			hash = arena_strdup(&s->arena, line + 24);
		}
	if (f)
		fclose(f);
	return hash;
}

static int make_key(struct session *s, const char *dir, const char *pem,
		    const char *x509)
{
	const char *cfg = arena_printf(&s->arena, "%s/x509.genkey", dir);
	const char *log = arena_printf(&s->arena, "%s/openssl.log", dir);
	char host[256] = "localhost";
	const struct passwd *pw = getpwuid(getuid());
	const char *user = pw ? pw->pw_name : NULL;
	FILE *f;
	mode_t old;
	int rc;

	gethostname(host, sizeof(host) - 1);
	f = fopen(cfg, "w");
	if (!f) {
		fprintf(stderr, "stap: cannot write %s: %s\n", cfg, strerror(errno));
		return -1;
	}
	fprintf(f, "[ req ]\ndefault_bits = 4096\ndistinguished_name = dn\n"
		"prompt = no\nstring_mask = utf8only\nx509_extensions = ext\n\n"
		"[ dn ]\nO = stapc\nCN = stapc module signing key for %s@%s\n\n"
		"[ ext ]\nbasicConstraints = critical,CA:FALSE\n"
		"keyUsage = digitalSignature\nsubjectKeyIdentifier = hash\n"
		"authorityKeyIdentifier = keyid\n",
		user && *user ? user : "user", host);
	fclose(f);
	old = umask(077);
	rc = run((char *const[]){ "openssl", "req", "-new", "-nodes", "-utf8",
		 "-sha256", "-days", "36500", "-batch", "-x509", "-config",
		 (char *)cfg, "-outform", "DER", "-out", (char *)x509, "-keyout",
		 (char *)pem, NULL }, log);
	umask(old);
	if (rc != 0) {
		fprintf(stderr, "stap: openssl could not make a signing key in "
			"%s (is openssl installed?):\n", dir);
		show_log(log);
		unlink(pem);
		unlink(x509);
		return -1;
	}
	fprintf(stderr, "stap: made a module signing key in %s.  The kernel "
		"loads modules signed with it once signing_key.x509 is "
		"enrolled: 'mokutil --import %s' and a reboot to confirm it "
		"(UEFI Secure Boot), or CONFIG_SYSTEM_TRUSTED_KEYS in a kernel "
		"you build.\n", dir, x509);
	return 0;
}

int sign_module(struct session *s, const char *ko, const char **signed_ko)
{
	char *dir = arena_strdup(&s->arena, s->sign_keydir && *s->sign_keydir
				 ? s->sign_keydir
				 : arena_printf(&s->arena, "%s/signing-key",
						cache_dir(s)));
	const char *pem = arena_printf(&s->arena, "%s/signing_key.pem", dir);
	const char *x509 = arena_printf(&s->arena, "%s/signing_key.x509", dir);
	const char *tool = arena_printf(&s->arena, "%s/scripts/sign-file",
					s->kernel_build_tree);
	const char *base = strrchr(ko, '/') ? strrchr(ko, '/') + 1 : ko;
	char *outdir = arena_strdup(&s->arena, ko);
	const char *out, *log;
	bool have_pem = access(pem, R_OK) == 0, have_x509 = access(x509, R_OK) == 0;

	if (have_pem != have_x509) {
		fprintf(stderr, "stap: %s has %s but not %s: give both, or "
			"neither to have a key made\n", dir,
			have_pem ? "signing_key.pem" : "signing_key.x509",
			have_pem ? "signing_key.x509" : "signing_key.pem");
		return -1;
	}
	if (access(tool, X_OK) != 0) {
		fprintf(stderr, "stap: cannot sign modules: no %s (the kernel "
			"build tree's sign-file)\n", tool);
		return -1;
	}
	if (!have_pem) {
		if (mkdir_p(dir, 0700) != 0) {
			fprintf(stderr, "stap: cannot make %s: %s\n", dir,
				strerror(errno));
			return -1;
		}
		if (make_key(s, dir, pem, x509) != 0)
			return -1;
	}
	*strrchr(outdir, '/') = '\0';
	outdir = arena_printf(&s->arena, "%s/signed", outdir);
	if (mkdir_p(outdir, 0755) != 0) {
		fprintf(stderr, "stap: cannot make %s: %s\n", outdir, strerror(errno));
		return -1;
	}
	out = arena_printf(&s->arena, "%s/%s", outdir, base);
	log = arena_printf(&s->arena, "%s/sign.log", outdir);
	if (s->verbose)
		fprintf(stderr, "Signing %s with %s (%s)\n", ko, x509, sig_hash(s));
	if (run((char *const[]){ (char *)tool, (char *)sig_hash(s), (char *)pem,
		(char *)x509, (char *)ko, (char *)out, NULL }, log) != 0) {
		fprintf(stderr, "stap: %s could not sign %s:\n", tool, ko);
		show_log(log);
		return -1;
	}
	*signed_ko = out;
	return 0;
}
