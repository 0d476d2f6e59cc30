/* Starting an SMSC process for the SMS channel's tests. */
#include "smpp/smsc_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "support/support.h"

static bool read_ports(void *ctx)
{
    smsc_fix_t *f = ctx;
    char *text = file_read(f->sc.dir, "ports");
    bool ok = text && strstr(text, "\n") && sscanf(text, "smpp %d", &f->smpp) == 1;
    const char *ctl = text ? strstr(text, "control ") : NULL;
    if (ok && ctl)
        ok = sscanf(ctl, "control %d", &f->sc.control) == 1;
    free(text);
    return ok;
}

bool fix_start(smsc_fix_t *f, const char *const *argv)
{
    memset(f, 0, sizeof *f);
    if (!tmpdir_make(f->sc.dir, sizeof f->sc.dir))
        return false;
    char ports[600], log[600];
    snprintf(ports, sizeof ports, "%s/ports", f->sc.dir);
    snprintf(log, sizeof log, "%s/smsc.log", f->sc.dir);
    const char *all[24] = {NULL};
    for (int i = 0; argv[i] && i < 23; i++)
        all[i] = strcmp(argv[i], "PORTS") == 0 ? ports : argv[i];
    return sc_launch(&f->sc, log, all, NULL, read_ports, f);
}

void fix_open(smsc_fix_t *f, bo_smpp_config_t c)
{
    kmsg_t msg = {""};
    c.host = "127.0.0.1";
    c.port = f->smpp;
    assert_int_equal(bo_ch_smpp_open(&c, &f->ch, &msg), K_OK);
}

static void keep(void *arg, const bo_delivery_report_t *r)
{
    smsc_fix_t *f = arg;
    if (f->n_got < (int)(sizeof f->got / sizeof f->got[0]))
        f->got[f->n_got++] = *r;
}

int fix_reports(smsc_fix_t *f, int want, int ms)
{
    int64_t until = sc_now_ms() + ms;
    int n = 0;
    for (;;) {
        n += f->ch.ops->reports(f->ch.ctx, keep, f);
        if (n >= want || sc_now_ms() >= until)
            break;
        usleep(20000);
    }
    return n;
}

void fix_stop(smsc_fix_t *f)
{
    if (f->ch.ops)
        f->ch.ops->close(f->ch.ctx);
    f->ch.ops = NULL;
    if (f->sc.pid > 0)
        sc_stop(&f->sc);
    if (f->sc.dir[0])
        tmpdir_remove(f->sc.dir);
}
