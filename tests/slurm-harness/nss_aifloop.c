/*
 * libnss_aifloop.so.2 -- a test-only glibc NSS "hosts" module for the
 * Slurm harness chroot (see README.md in this folder).
 *
 * slurmctld resolves every configured node name at startup and, in the
 * Debian build, retries a failing lookup ten times with a one second sleep.
 * Test clusters name nodes that do not exist (h100-[0-12499]), so without
 * help a large config would take hours to come up.  When the environment
 * variable AIF_NSS_LOOPBACK=1 is set, this module answers every IPv4 host
 * lookup with 127.0.0.1; without it the module answers "not found", so apt
 * and other tools inside the chroot are unaffected.
 *
 * It is built by .ci/install-slurm.sh and wired in with
 *   hosts: files aifloop
 * in the chroot's /etc/nsswitch.conf.
 */
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

static int aifloop_enabled(void)
{
	const char *v = getenv("AIF_NSS_LOOPBACK");
	return v != NULL && v[0] == '1' && v[1] == '\0';
}

/* Hand out an aligned chunk of the caller's buffer. */
static void *take(char **cur, size_t *left, size_t size)
{
	uintptr_t p = (uintptr_t)*cur;
	size_t pad = (sizeof(void *) - (p % sizeof(void *))) % sizeof(void *);
	if (*left < pad + size)
		return NULL;
	*cur += pad;
	*left -= pad;
	void *out = *cur;
	*cur += size;
	*left -= size;
	return out;
}

static enum nss_status not_found(int *errnop, int *herrnop)
{
	*errnop = ENOENT;
	*herrnop = HOST_NOT_FOUND;
	return NSS_STATUS_NOTFOUND;
}

static enum nss_status too_small(int *errnop, int *herrnop)
{
	*errnop = ERANGE;
	*herrnop = NETDB_INTERNAL;
	return NSS_STATUS_TRYAGAIN;
}

enum nss_status _nss_aifloop_gethostbyname4_r(const char *name,
					      struct gaih_addrtuple **pat,
					      char *buffer, size_t buflen,
					      int *errnop, int *herrnop,
					      int32_t *ttlp)
{
	if (!aifloop_enabled() || name == NULL || name[0] == '\0')
		return not_found(errnop, herrnop);

	char *cur = buffer;
	size_t left = buflen;
	size_t nlen = strlen(name) + 1;
	struct gaih_addrtuple *t = take(&cur, &left, sizeof(*t));
	char *n = take(&cur, &left, nlen);
	if (t == NULL || n == NULL)
		return too_small(errnop, herrnop);

	memcpy(n, name, nlen);
	memset(t, 0, sizeof(*t));
	t->next = NULL;
	t->name = n;
	t->family = AF_INET;
	t->addr[0] = htonl(INADDR_LOOPBACK);
	t->scopeid = 0;
	*pat = t;
	if (ttlp != NULL)
		*ttlp = 0;
	return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_aifloop_gethostbyname3_r(const char *name, int af,
					      struct hostent *result,
					      char *buffer, size_t buflen,
					      int *errnop, int *herrnop,
					      int32_t *ttlp, char **canonp)
{
	if (!aifloop_enabled() || name == NULL || name[0] == '\0' ||
	    af != AF_INET)
		return not_found(errnop, herrnop);

	char *cur = buffer;
	size_t left = buflen;
	size_t nlen = strlen(name) + 1;
	char **aliases = take(&cur, &left, sizeof(char *));
	char **addrs = take(&cur, &left, 2 * sizeof(char *));
	struct in_addr *a = take(&cur, &left, sizeof(struct in_addr));
	char *n = take(&cur, &left, nlen);
	if (aliases == NULL || addrs == NULL || a == NULL || n == NULL)
		return too_small(errnop, herrnop);

	memcpy(n, name, nlen);
	a->s_addr = htonl(INADDR_LOOPBACK);
	aliases[0] = NULL;
	addrs[0] = (char *)a;
	addrs[1] = NULL;
	result->h_name = n;
	result->h_aliases = aliases;
	result->h_addrtype = AF_INET;
	result->h_length = sizeof(struct in_addr);
	result->h_addr_list = addrs;
	if (ttlp != NULL)
		*ttlp = 0;
	if (canonp != NULL)
		*canonp = n;
	return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_aifloop_gethostbyname2_r(const char *name, int af,
					      struct hostent *result,
					      char *buffer, size_t buflen,
					      int *errnop, int *herrnop)
{
	return _nss_aifloop_gethostbyname3_r(name, af, result, buffer, buflen,
					     errnop, herrnop, NULL, NULL);
}

enum nss_status _nss_aifloop_gethostbyname_r(const char *name,
					     struct hostent *result,
					     char *buffer, size_t buflen,
					     int *errnop, int *herrnop)
{
	return _nss_aifloop_gethostbyname3_r(name, AF_INET, result, buffer,
					     buflen, errnop, herrnop, NULL,
					     NULL);
}
