/* Logging: one line per message on stderr, with time, level and module.
 * Frames are hex-dumped at debug level. Never log keys, PINs or card secrets. */
#ifndef BASE_LOG_H
#define BASE_LOG_H

#include <stdbool.h>
#include <stddef.h>

typedef enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG } log_level_t;

/* Messages above this level are dropped. The default is LOG_WARN. */
void log_set_level(log_level_t level);

/* True if a message at this level would be written. */
bool log_enabled(log_level_t level);

/* Parses "error", "warn", "info" or "debug". */
bool log_parse_level(const char *text, log_level_t *out);

/* Writes one line: "<UTC time> <L> <module>: <message>". */
void log_msg(log_level_t level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes a hex dump of buf under a label, 16 bytes per line. */
void log_hex(log_level_t level, const char *module, const char *label, const void *buf, size_t len);

#define LOG_E(mod, ...) log_msg(LOG_ERROR, mod, __VA_ARGS__)
#define LOG_W(mod, ...) log_msg(LOG_WARN, mod, __VA_ARGS__)
#define LOG_I(mod, ...) log_msg(LOG_INFO, mod, __VA_ARGS__)
#define LOG_D(mod, ...) log_msg(LOG_DEBUG, mod, __VA_ARGS__)

#endif
