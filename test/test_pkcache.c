/*
 * test_pkcache.c - d2i_PUBKEY_bio() with its cache of decoded keys
 *
 * The cache must give what OpenSSL gives: an equal key (the same object,
 * referenced again, the second time), the same bytes of the BIO consumed,
 * NULL for what is not a key, and OpenSSL's own behaviour for the calls
 * it does not cache.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "check.h"
#include "../milter/pkcache.h"

/* decode - d2i_PUBKEY_bio on LEN bytes of DER; bytes left in *left */
static EVP_PKEY *
decode(const unsigned char *der, int len, long *left)
{
	BIO *b = BIO_new_mem_buf(der, len);
	EVP_PKEY *k;

	k = d2i_PUBKEY_bio(b, NULL);
	*left = (long)BIO_ctrl_pending(b);
	BIO_free(b);
	return k;
}

int
main(void)
{
	EVP_PKEY		*rsa, *ed, *k1, *k2, *k3, *out = NULL;
	struct pkcache_stats	 st;
	unsigned char		*der = NULL, *ederp = NULL, buf[4096];
	int			 len, elen;
	long			 left;
	BIO			*b;

	rsa = EVP_RSA_gen(2048);
	CHECK(rsa != NULL, "RSA key generated");
	len = i2d_PUBKEY(rsa, &der);
	CHECK(len > 0 && (size_t)len + 8 < sizeof buf, "RSA DER %d bytes",
	    len);
	ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	elen = i2d_PUBKEY(ed, &ederp);
	CHECK(ed != NULL && elen > 0, "ed25519 key generated");

	/* First time decoded by OpenSSL, then the same object again. */
	k1 = decode(der, len, &left);
	CHECK(k1 != NULL && EVP_PKEY_eq(k1, rsa) == 1, "decoded key equal");
	CHECK_INT(left, 0, "whole DER consumed");
	k2 = decode(der, len, &left);
	CHECK(k2 == k1, "second decode: the cached object");
	CHECK_INT(left, 0, "cached: whole DER consumed");
	pkcache_get_stats(&st);
	CHECK(st.hits == 1 && st.misses == 1, "stats hits=%lu misses=%lu",
	    st.hits, st.misses);
	/* Each caller owns a reference: freeing one leaves the other. */
	EVP_PKEY_free(k1);
	CHECK(EVP_PKEY_eq(k2, rsa) == 1, "key alive after the first free");
	EVP_PKEY_free(k2);

	/* Another key is another entry; its bytes are not the first's. */
	k1 = decode(ederp, elen, &left);
	CHECK(k1 != NULL && EVP_PKEY_eq(k1, ed) == 1, "ed25519 decoded");
	k2 = decode(der, len, &left);
	CHECK(k2 != NULL && k2 != k1 && EVP_PKEY_eq(k2, rsa) == 1,
	    "RSA key still the RSA key");
	EVP_PKEY_free(k1);
	EVP_PKEY_free(k2);

	/* Bytes after the key stay in the BIO, as OpenSSL leaves them. */
	memcpy(buf, der, (size_t)len);
	memcpy(buf + len, "tail", 4);
	k1 = decode(buf, len + 4, &left);
	CHECK(k1 != NULL && EVP_PKEY_eq(k1, rsa) == 1, "key before a tail");
	CHECK_INT(left, 4, "tail left in the BIO");
	k2 = decode(buf, len + 4, &left);
	CHECK(k2 == k1, "key before a tail: cached");
	CHECK_INT(left, 4, "cached: tail left in the BIO");
	EVP_PKEY_free(k1);
	EVP_PKEY_free(k2);

	/* Not a key: NULL every time, nothing kept. */
	pkcache_get_stats(&st);
	memcpy(buf, der, (size_t)len);
	buf[len / 2] ^= 0xff;
	buf[0] = 0x31;		/* a SET, not the SEQUENCE of a key */
	CHECK(decode(buf, len, &left) == NULL, "corrupt DER refused");
	CHECK(decode(buf, len, &left) == NULL, "corrupt DER refused again");
	CHECK(decode((const unsigned char *)"", 0, &left) == NULL,
	    "empty BIO refused");
	{
		struct pkcache_stats st2;

		pkcache_get_stats(&st2);
		CHECK(st2.hits == st.hits, "no hit for a corrupt key");
	}

	/* Calls it does not cache: OpenSSL's behaviour, object reused. */
	b = BIO_new_mem_buf(der, len);
	k3 = d2i_PUBKEY_bio(b, &out);
	CHECK(k3 != NULL && k3 == out && EVP_PKEY_eq(k3, rsa) == 1,
	    "with a != NULL: OpenSSL's own call");
	BIO_free(b);
	EVP_PKEY_free(out);

	pkcache_clear();
	k1 = decode(der, len, &left);
	CHECK(k1 != NULL && EVP_PKEY_eq(k1, rsa) == 1,
	    "decoded again after a clear");
	EVP_PKEY_free(k1);
	pkcache_clear();

	OPENSSL_free(der);
	OPENSSL_free(ederp);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ed);
	return check_done("test_pkcache");
}
