/*
 * caps.h - every cap that bounds untrusted input, in one place
 *
 * Data from the MTA (mail) and from DNS is untrusted.  Each limit below is
 * enforced where that data enters the daemon; the comment names the RFC
 * section or the reason that sets it.
 */
#ifndef AM_CAPS_H
#define AM_CAPS_H

/* RFC 5321 4.5.3.1.2: a domain is at most 255 octets; as text 253. */
#define AM_MAX_DOMAIN		253
/* RFC 1035 2.3.4: a label is at most 63 octets. */
#define AM_MAX_LABEL		63
/* RFC 5321 4.5.3.1.3: a path (<local@domain>) is at most 256 octets. */
#define AM_MAX_PATH		256
/* HELO/EHLO argument kept for logging and SPF (RFC 5321 4.5.3.1.5 line). */
#define AM_MAX_HELO		512
/* Longest untrusted string written to one log field. */
#define AM_LOG_FIELD		128
/* Longest header value we inspect for Authentication-Results. */
#define AM_MAX_AR_INSPECT	(64 * 1024)
/* Authentication-Results headers tracked per message (for deletion). */
#define AM_MAX_AR_HEADERS	1024
/* Longest authserv-id we accept in configuration (a token/domain). */
#define AM_MAX_AUTHSERV_ID	253
/* Longest configuration line. */
#define AM_MAX_CONFIG_LINE	4096
/* Lines of a configuration file. */
#define AM_MAX_CONFIG_LINES	100000
/* The whole Authentication-Results value we write. */
#define AM_MAX_AR_VALUE		(16 * 1024)
/* Largest DNS answer handed on (RFC 6891 EDNS0 payload; TCP max 65535). */
#define AM_MAX_DNS_ANSWER	65535

/*
 * Answer cache in front of libunbound (dns.c): slots, and the largest
 * answer kept (packet + records).  At most 4096 * 4 KB = 16 MB even when
 * every slot holds a large answer; a larger answer is simply not cached.
 */
#define AM_DNS_CACHE_SLOTS	4096
#define AM_DNS_CACHE_MAX_ENTRY	4096

#endif /* AM_CAPS_H */
