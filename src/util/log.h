/* log.h — operational log lines on stderr. Never pass secrets, codes, tokens or ID numbers. */
#ifndef GONGHUI_UTIL_LOG_H
#define GONGHUI_UTIL_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes one preformatted line (no trailing newline needed) under the log lock. */
void log_line(const char *line);
#endif
