/* The web console's built files under /console/ ([console] dir,
 * docs/console.md): index.html for /console and /console/, each asset by
 * its name. The build names assets by their content's hash, so they are
 * cached for a year; index.html is checked every time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/http/bo_server.h"

#define MAX_FILE ((long)8 << 20)

/* The media type of a file by its extension. */
static const char *type_of(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},   {".svg", "image/svg+xml"},
        {".json", "application/json"},         {".png", "image/png"},
        {".woff2", "font/woff2"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return NULL;
}

/* The file's bytes into r; false if it cannot be read. */
static bool load(const char *path, bo_resp_t *r)
{
    FILE *f = fopen(path, "rb");
    long n = -1;
    char *buf = NULL;
    bool ok = f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && n <= MAX_FILE && fseek(f, 0, SEEK_SET) == 0 &&
              (buf = malloc((size_t)n + 1)) != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n;
    if (f)
        fclose(f);
    if (!ok) {
        free(buf);
        return false;
    }
    buf[n] = '\0';
    free(r->body);
    r->body = buf;
    r->body_len = (size_t)n;
    return true;
}

/* GET /console, /console/ and /console/NAME. */
void bo_h_console_file(bo_req_t *q, bo_resp_t *r)
{
    const char *name = q->arg[0] ? q->arg[0] : "index.html", *dir = q->s->cfg.console.dir;
    const char *type = type_of(name);
    char path[700];
    r->console = true;
    if (!dir[0]) {
        bo_resp_error(r, 404, "not_found", "the console is off on this server: set [console] dir (docs/console.md)");
        return;
    }
    if (name[0] == '.' || !type) {
        bo_resp_error(r, 404, "not_found", "no console file '%s'", name);
        return;
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (!load(path, r)) {
        bo_resp_error(r, 404, "not_found",
                      strcmp(name, "index.html") == 0
                          ? "the console is not installed in %s: build it (scripts/build-console) or set [console] dir"
                          : "no console file '%s' (the page may be older than the console: reload it)",
                      strcmp(name, "index.html") == 0 ? dir : name);
        return;
    }
    r->status = 200;
    r->type = type;
    r->cache = strcmp(name, "index.html") == 0 ? "no-cache" : "public, max-age=31536000, immutable";
}
