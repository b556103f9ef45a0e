/*
 * version.h - authmilter's version and those of the libraries it runs on
 */
#ifndef AM_VERSION_H
#define AM_VERSION_H

#include <stdio.h>

/* version_print - one line per component to FP */
void	 version_print(FILE *fp);

#endif /* AM_VERSION_H */
