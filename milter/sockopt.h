/*
 * sockopt.h - options on the listening socket libmilter opened
 */
#ifndef AM_SOCKOPT_H
#define AM_SOCKOPT_H

/*
 * sockopt_nodelay - set TCP_NODELAY on every listening TCP socket of the
 * process; returns how many were set, or -1 (errno set) when one refused.
 * On Linux a socket accept(2) returns inherits the option from its
 * listening socket, so every milter session then writes at once.
 */
int	 sockopt_nodelay(void);

#endif /* AM_SOCKOPT_H */
