/* Headless scripts: parsing and stepping (the format is in ui_script.h). */
#include "kiosk/ui/demo/ui_script.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPECT_DEFAULT_MS 15000
#define LINE_LEN 512

typedef enum op {
    OP_WAIT, OP_TAP, OP_TAP_XY, OP_EXPECT, OP_SEE, OP_ABSENT, OP_AWAIT, OP_SHOT, OP_LANG, OP_SIM, OP_SIM_AWAIT, OP_CARD
} op_t;

typedef struct step {
    op_t op;
    int line;
    int64_t a, b;          /* wait ms, expect ms, x y */
    char word[64];         /* control id, shot name, simulator */
    char want[64];         /* simawait: what the reply must hold */
    char rest[LINE_LEN];   /* the simulator's line */
} step_t;

struct ui_script {
    char path[256];
    step_t *steps;
    size_t n, cap;
    size_t at;          /* the step running */
    int64_t until;      /* a wait or an expect ends then; 0 = not started */
    ui_script_tally_t tally;
};

static bool number(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || errno || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static step_t *add(ui_script_t *s, op_t op, int line)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 32;
        step_t *p = realloc(s->steps, cap * sizeof *p);
        if (!p)
            return NULL;
        s->steps = p;
        s->cap = cap;
    }
    step_t *st = &s->steps[s->n++];
    memset(st, 0, sizeof *st);
    st->op = op;
    st->line = line;
    return st;
}

/* One line split into its command, two words and the rest. */
static kerr_t parse_line(ui_script_t *s, char *text, int line, kmsg_t *msg)
{
    char *save = NULL, *cmd = strtok_r(text, " \t", &save);
    char *w1 = strtok_r(NULL, " \t", &save), *rest = save ? save + strspn(save, " \t") : NULL;
    char *w2 = rest && *rest ? rest : NULL;
    step_t *st = NULL;
    session_control_t ctl;
    svc_control_t sctl;
    int d, i;
    int64_t ms;
    if (!cmd || cmd[0] == '#')
        return K_OK;
#define BAD(...) kmsg_set(msg, K_EINVAL, "%s:%d: " __VA_ARGS__)
    if (strcmp(cmd, "wait") == 0) {
        if (!(st = add(s, OP_WAIT, line)) || !w1 || w2 || !number(w1, 0, 600000, &st->a))
            return BAD("wait MS: give milliseconds, 0..600000", s->path, line);
    } else if (strcmp(cmd, "tap") == 0 && w1 && w2) {
        if (!(st = add(s, OP_TAP_XY, line)) || !number(w1, 0, 9999, &st->a) || !number(w2, 0, 9999, &st->b))
            return BAD("tap X Y: give two pixel positions", s->path, line);
    } else if (strcmp(cmd, "tap") == 0) {
        bool known = w1 && (session_control_from_id(w1, &ctl, &d, &i) || service_control_from_id(w1, &sctl, &i) ||
                            strcmp(w1, "svc_corner") == 0);
        if (!known || !(st = add(s, OP_TAP, line)))
            return BAD("tap '%s': not a control (start, ok, back, key0..key9, preset1..preset4, ...)", s->path,
                       line, w1 ? w1 : "");
        snprintf(st->word, sizeof st->word, "%s", w1);
    } else if (strcmp(cmd, "key") == 0) {
        if (!w1 || w2 || strspn(w1, "0123456789") != strlen(w1))
            return BAD("key DIGITS: give digits only", s->path, line);
        for (const char *p = w1; *p; p++) {
            if (!(st = add(s, OP_TAP, line)))
                return BAD("out of memory", s->path, line);
            snprintf(st->word, sizeof st->word, "key%c", *p);
        }
    } else if (strcmp(cmd, "expect") == 0) {
        bool known = w1 && (session_screen_from_name(w1) != SCR_COUNT ||
                            (strncmp(w1, "service:", 8) == 0 && service_page_from_name(w1 + 8) != SVP_COUNT));
        if (!known || !(st = add(s, OP_EXPECT, line)))
            return BAD("expect '%s': not a screen (attract, identify, account, amount, method, payment, delivering, "
                       "result, out_of_service, or service:PAGE)", s->path, line, w1 ? w1 : "");
        snprintf(st->word, sizeof st->word, "%s", w1);
        st->a = EXPECT_DEFAULT_MS;
        if (w2 && !number(w2, 1, 600000, &st->a))
            return BAD("expect SCREEN [MS]: give the timeout in milliseconds", s->path, line);
    } else if (strcmp(cmd, "see") == 0 || strcmp(cmd, "absent") == 0) {
        if (!w1 || !(st = add(s, cmd[0] == 's' ? OP_SEE : OP_ABSENT, line)))
            return BAD("%s TEXT: give the text", s->path, line, cmd);
        snprintf(st->rest, sizeof st->rest, "%s%s%s", w1, w2 ? " " : "", w2 ? w2 : "");
    } else if (strcmp(cmd, "await") == 0) {
        if (!w1 || !w2 || !number(w1, 1, 600000, &ms) || !(st = add(s, OP_AWAIT, line)))
            return BAD("await MS TEXT: give the milliseconds and the text", s->path, line);
        st->a = ms;
        snprintf(st->rest, sizeof st->rest, "%s", w2);
    } else if (strcmp(cmd, "shot") == 0) {
        if (!w1 || w2 || strspn(w1, "abcdefghijklmnopqrstuvwxyz0123456789_-.") != strlen(w1) || w1[0] == '.' ||
            !(st = add(s, OP_SHOT, line)))
            return BAD("shot NAME: a name of letters, digits, '-', '_' and '.'", s->path, line);
        snprintf(st->word, sizeof st->word, "%s", w1);
    } else if (strcmp(cmd, "lang") == 0) {
        if (!w1 || w2 || (strcmp(w1, "zh_CN") != 0 && strcmp(w1, "en") != 0) || !(st = add(s, OP_LANG, line)))
            return BAD("lang zh_CN|en", s->path, line);
        st->a = strcmp(w1, "en") == 0 ? LANG_EN : LANG_ZH;
    } else if (strcmp(cmd, "sim") == 0) {
        if (!w1 || !w2 || !(st = add(s, OP_SIM, line)))
            return BAD("sim NAME|HOST:PORT LINE: name the simulator and give the line", s->path, line);
        snprintf(st->word, sizeof st->word, "%s", w1);
        snprintf(st->rest, sizeof st->rest, "%s", w2);
    } else if (strcmp(cmd, "simawait") == 0) {
        char *save2 = NULL, *name = w2 ? strtok_r(w2, " \t", &save2) : NULL;
        char *want = name ? strtok_r(NULL, " \t", &save2) : NULL, *sent = save2 ? save2 + strspn(save2, " \t") : NULL;
        if (!w1 || !want || !sent || !*sent || strlen(want) >= sizeof st->want || !(st = add(s, OP_SIM_AWAIT, line)) ||
            !number(w1, 1, 600000, &st->a))
            return BAD("simawait MS NAME|HOST:PORT TEXT LINE: the milliseconds, the simulator, the text its reply "
                       "must hold (no spaces) and the line to send", s->path, line);
        snprintf(st->word, sizeof st->word, "%s", name);
        snprintf(st->want, sizeof st->want, "%s", want);
        snprintf(st->rest, sizeof st->rest, "%s", sent);
    } else if (strcmp(cmd, "card") == 0) {
        if (!w1 || w2 || (strcmp(w1, "insert") != 0 && strcmp(w1, "remove") != 0) || !(st = add(s, OP_CARD, line)))
            return BAD("card insert|remove", s->path, line);
        st->a = strcmp(w1, "insert") == 0;
    } else {
        return BAD("unknown command '%s' (wait, tap, key, expect, see, absent, await, shot, lang, sim, simawait, card)",
                   s->path, line, cmd);
    }
#undef BAD
    return K_OK;
}

kerr_t ui_script_load(const char *path, ui_script_t **out, kmsg_t *msg)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return kmsg_set(msg, K_EINVAL, "%s: cannot read the script: %s", path, strerror(errno));
    ui_script_t *s = calloc(1, sizeof *s);
    kerr_t rc = s ? K_OK : kmsg_set(msg, K_EIO, "out of memory");
    char text[LINE_LEN];
    if (s)
        snprintf(s->path, sizeof s->path, "%s", path);
    for (int line = 1; rc == K_OK && fgets(text, sizeof text, f); line++) {
        text[strcspn(text, "\r\n")] = '\0';
        rc = parse_line(s, text, line, msg);
    }
    fclose(f);
    if (rc != K_OK) {
        ui_script_free(s);
        return rc;
    }
    *out = s;
    return K_OK;
}

void ui_script_free(ui_script_t *s)
{
    if (s)
        free(s->steps);
    free(s);
}

/* Sends the step's line to its simulator; the reply must start with "ok". */
static kerr_t sim(const step_t *st, const ui_script_io_t *io, char *reply, size_t len, kmsg_t *msg)
{
    const char *addr = strchr(st->word, ':') ? st->word : io->sim_address(io->ctx, st->word);
    if (!addr)
        return kmsg_set(msg, K_EINVAL, "no simulator named '%s' (give --sim %s=HOST:PORT)", st->word, st->word);
    kerr_t rc = ui_sim_send(addr, st->rest, reply, len, msg);
    if (rc == K_OK && strncmp(reply, "ok", 2) != 0)
        return kmsg_set(msg, K_EDEVICE, "simulator %s answered '%.80s' to '%s'", st->word, reply, st->rest);
    return rc;
}

/* simawait: the line again at each turn until the reply holds the text;
 * the time it took counts as a device getting ready. */
static kerr_t sim_await(ui_script_t *s, const step_t *st, const ui_script_io_t *io, int64_t now, bool *wait,
                        kmsg_t *msg)
{
    static char reply[8192]; /* a simulator's state can be long */
    if (!s->until)
        s->until = now + st->a;
    kerr_t rc = sim(st, io, reply, sizeof reply, msg);
    if (rc != K_OK)
        return rc;
    if (strstr(reply, st->want)) {
        s->tally.device_ms += now - (s->until - st->a);
        return K_OK;
    }
    if (now >= s->until)
        return kmsg_set(msg, K_ETIMEOUT, "simawait: %s's answer to '%s' did not hold '%s' within %lld ms", st->word,
                        st->rest, st->want, (long long)st->a);
    *wait = true;
    return K_OK;
}

/* A touch on a control: counted, the keypad's digits on identify apart. */
static kerr_t tap(ui_script_t *s, const step_t *st, const ui_script_io_t *io, kmsg_t *msg)
{
    bool digit = strncmp(st->word, "key", 3) == 0 && strcmp(io->where(io->ctx), "identify") == 0;
    kerr_t rc = io->tap_id(io->ctx, st->word, msg);
    if (rc == K_OK) {
        s->tally.touches++;
        s->tally.meter_digits += digit;
    }
    return rc;
}

/* Runs one step; *wait is set if it has to be looked at again later. */
static kerr_t run(ui_script_t *s, const step_t *st, const ui_script_io_t *io, int64_t now, bool *wait, kmsg_t *msg)
{
    char state[256];
    *wait = false;
    switch (st->op) {
    case OP_WAIT:
    case OP_EXPECT:
        if (!s->until)
            s->until = now + st->a;
        if (st->op == OP_EXPECT && strcmp(io->where(io->ctx), st->word) == 0)
            break;
        if (now < s->until) {
            *wait = true;
            return K_OK;
        }
        if (st->op == OP_WAIT)
            break;
        io->describe(io->ctx, state, sizeof state);
        return kmsg_set(msg, K_ETIMEOUT, "expect %s: not reached within %lld ms; %s", st->word,
                        (long long)st->a, state);
    case OP_AWAIT:
        if (!s->until)
            s->until = now + st->a;
        if (io->shows(io->ctx, st->rest))
            break;
        if (now < s->until) {
            *wait = true;
            return K_OK;
        }
        io->describe(io->ctx, state, sizeof state);
        return kmsg_set(msg, K_ETIMEOUT, "await '%s': not shown within %lld ms; %s", st->rest, (long long)st->a, state);
    case OP_SEE:
        if (!io->shows(io->ctx, st->rest)) {
            io->describe(io->ctx, state, sizeof state);
            return kmsg_set(msg, K_ENOTFOUND, "see '%s': not on the screen; %s", st->rest, state);
        }
        break;
    case OP_ABSENT:
        if (io->shows(io->ctx, st->rest))
            return kmsg_set(msg, K_ECONFLICT, "absent '%s': it is on the screen", st->rest);
        break;
    case OP_TAP: return tap(s, st, io, msg);
    case OP_TAP_XY:
        io->tap_xy(io->ctx, (int)st->a, (int)st->b);
        s->tally.touches++;
        break;
    case OP_SHOT: return io->shot(io->ctx, st->word, msg);
    case OP_LANG: io->lang(io->ctx, (session_lang_t)st->a); break;
    case OP_SIM: return sim(st, io, state, sizeof state, msg);
    case OP_SIM_AWAIT: {
        kerr_t rc = sim_await(s, st, io, now, wait, msg);
        if (rc != K_OK || *wait)
            return rc;
        break;
    }
    case OP_CARD: io->card(io->ctx, st->a != 0); break;
    }
    s->until = 0;
    return K_OK;
}

ui_script_status_t ui_script_step(ui_script_t *s, const ui_script_io_t *io, int64_t now_ms, kmsg_t *msg)
{
    while (s->at < s->n) {
        const step_t *st = &s->steps[s->at];
        bool wait;
        if (run(s, st, io, now_ms, &wait, msg) != K_OK) {
            kmsg_prefix(msg, "%s:%d: ", s->path, st->line);
            return SCRIPT_FAILED;
        }
        if (wait)
            return SCRIPT_BUSY;
        s->at++;
        if (st->op == OP_TAP || st->op == OP_TAP_XY || st->op == OP_LANG || st->op == OP_CARD)
            return SCRIPT_BUSY; /* let the screen follow before the next command */
    }
    return SCRIPT_DONE;
}

const ui_script_tally_t *ui_script_tally(const ui_script_t *s)
{
    return &s->tally;
}
