/*
 * pkcache.c - d2i_PUBKEY_bio() with a cache of decoded keys (pkcache.h)
 *
 * Only the call libopendkim makes is cached: a memory BIO and no object
 * to reuse (a == NULL).  Every other call, and every key over
 * PK_MAX_DER bytes, goes to OpenSSL's own function.  A cached answer
 * consumes the same bytes of the BIO as OpenSSL's did the first time.
 *
 * Sharing a key between threads is what OpenSSL 3 supports: EVP_PKEY is
 * reference counted, and the legacy RSA copy libopendkim asks for
 * (EVP_PKEY_get1_RSA) is made once under the key's own lock.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* dlvsym, RTLD_NEXT */
#endif
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "pkcache.h"

#define PK_SLOTS	256	/* distinct keys kept */
#define PK_MAX_DER	2048	/* a 16384-bit RSA key is about 2 KB */

struct pk_entry {
	EVP_PKEY	*pkey;		/* the cache's reference */
	size_t		 derlen;	/* bytes of the BIO matched */
	size_t		 used;		/* bytes OpenSSL consumed */
	unsigned char	 der[PK_MAX_DER];
};

typedef EVP_PKEY *(*d2i_fn)(BIO *, EVP_PKEY **);

static pthread_mutex_t	 pk_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pk_entry	*pk_slot[PK_SLOTS];
static atomic_ulong	 pk_hits, pk_misses;
static pthread_once_t	 pk_once = PTHREAD_ONCE_INIT;
static d2i_fn		 pk_real;

/* pk_find_real - OpenSSL's d2i_PUBKEY_bio, next after ours */
static void
pk_find_real(void)
{
	void *f = dlvsym(RTLD_NEXT, "d2i_PUBKEY_bio", "OPENSSL_3.0.0");

	if (f == NULL)
		f = dlsym(RTLD_NEXT, "d2i_PUBKEY_bio");
	memcpy(&pk_real, &f, sizeof pk_real);
}

/* real_d2i - call OpenSSL's function; NULL if it cannot be found */
static EVP_PKEY *
real_d2i(BIO *bp, EVP_PKEY **a)
{
	pthread_once(&pk_once, pk_find_real);
	return pk_real != NULL ? pk_real(bp, a) : NULL;
}

/* pk_hash - slot of DER (FNV-1a) */
static size_t
pk_hash(const unsigned char *der, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ der[i]) * 16777619u;
	return h % PK_SLOTS;
}

/* pk_lookup - a referenced key for DER, and the bytes it used; or NULL */
static EVP_PKEY *
pk_lookup(const unsigned char *der, size_t len, size_t *used)
{
	struct pk_entry *e;
	EVP_PKEY *k = NULL;

	pthread_mutex_lock(&pk_lock);
	e = pk_slot[pk_hash(der, len)];
	if (e != NULL && e->derlen == len && memcmp(e->der, der, len) == 0 &&
	    EVP_PKEY_up_ref(e->pkey) == 1) {
		k = e->pkey;
		*used = e->used;
	}
	pthread_mutex_unlock(&pk_lock);
	return k;
}

/* pk_store - keep K (a reference of its own) for DER */
static void
pk_store(const unsigned char *der, size_t len, size_t used, EVP_PKEY *k)
{
	struct pk_entry *e, *old;
	size_t i;

	if ((e = malloc(sizeof *e)) == NULL)
		return;
	if (EVP_PKEY_up_ref(k) != 1) {
		free(e);
		return;
	}
	e->pkey = k;
	e->derlen = len;
	e->used = used;
	memcpy(e->der, der, len);
	i = pk_hash(der, len);
	pthread_mutex_lock(&pk_lock);
	old = pk_slot[i];
	pk_slot[i] = e;
	pthread_mutex_unlock(&pk_lock);
	if (old != NULL) {
		EVP_PKEY_free(old->pkey);
		free(old);
	}
}

/* d2i_PUBKEY_bio - OpenSSL's contract, with decoded keys kept */
EVP_PKEY *
d2i_PUBKEY_bio(BIO *bp, EVP_PKEY **a)
{
	unsigned char	 der[PK_MAX_DER], skip[256];
	char		*p;
	long		 n;
	size_t		 len, used, left;
	EVP_PKEY	*k;

	if (a != NULL || bp == NULL || BIO_method_type(bp) != BIO_TYPE_MEM ||
	    (n = BIO_get_mem_data(bp, &p)) <= 0 || (size_t)n > PK_MAX_DER)
		return real_d2i(bp, a);
	len = (size_t)n;
	memcpy(der, p, len);	/* BIO_read below moves p's bytes on */
	if ((k = pk_lookup(der, len, &used)) != NULL) {
		atomic_fetch_add(&pk_hits, 1);
		for (left = used; left > 0; left -= (size_t)n)
			if ((n = BIO_read(bp, skip, (int)(left < sizeof skip ?
			    left : sizeof skip))) <= 0)
				break;
		return k;
	}
	atomic_fetch_add(&pk_misses, 1);
	if ((k = real_d2i(bp, NULL)) == NULL)
		return NULL;
	n = BIO_get_mem_data(bp, &p);
	pk_store(der, len, len - (size_t)(n > 0 ? n : 0), k);
	return k;
}

/* pkcache_get_stats - keys found, keys decoded */
void
pkcache_get_stats(struct pkcache_stats *out)
{
	out->hits = atomic_load(&pk_hits);
	out->misses = atomic_load(&pk_misses);
}

/* pkcache_clear - drop every cached key */
void
pkcache_clear(void)
{
	struct pk_entry *e;
	size_t i;

	for (i = 0; i < PK_SLOTS; i++) {
		pthread_mutex_lock(&pk_lock);
		e = pk_slot[i];
		pk_slot[i] = NULL;
		pthread_mutex_unlock(&pk_lock);
		if (e != NULL) {
			EVP_PKEY_free(e->pkey);
			free(e);
		}
	}
}
