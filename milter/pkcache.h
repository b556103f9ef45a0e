/*
 * pkcache.h - decoded DKIM public keys, shared instead of decoded again
 *
 * libopendkim turns every RSA key record into an EVP_PKEY with OpenSSL's
 * d2i_PUBKEY_bio(), for every signature of every message.  With OpenSSL
 * 3.0 that call builds a decoder context from every provider's decoders
 * under global locks: measured at concurrency 64, it was 29% of the
 * daemon's CPU time.  pkcache.c defines d2i_PUBKEY_bio() in the daemon
 * itself, so the dynamic linker binds libopendkim's calls to it (an
 * executable's definitions come first in symbol lookup): a key already
 * decoded is handed out again by reference (EVP_PKEY_up_ref), anything
 * else goes to OpenSSL's function.  Keys are matched by their DER bytes,
 * so a changed key record is a new key.
 */
#ifndef AM_PKCACHE_H
#define AM_PKCACHE_H

/* pkcache_stats - what the cache did: keys found, keys decoded */
struct pkcache_stats {
	unsigned long	 hits;
	unsigned long	 misses;
};

void	 pkcache_get_stats(struct pkcache_stats *out);

/* pkcache_clear - drop every cached key (at exit, for leak checkers) */
void	 pkcache_clear(void);

#endif /* AM_PKCACHE_H */
