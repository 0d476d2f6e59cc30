/* The terminal's side of the link (docs/protocols/zvt.md,
 * "Acknowledgements"): every ECR command is acknowledged at once, then the
 * command's steps run one by one; each PT message waits for the ECR's
 * 80 00 00 (or 5 s, then the terminal goes on). One command at a time:
 * another one meanwhile gets 84 83 00, except 06 B0. */
#include <stdint.h>

#include "base/clock.h"
#include "base/log.h"
#include "sim/paysim/psim.h"

#define MAX_STEPS_PER_TICK 1000

static bool send_ack(psim_t *s, uint8_t nak)
{
    psim_apdu_t a = {.cls = nak ? 0x84 : 0x80, .instr = nak, .len = 0};
    if (psim_net_send(s, &a))
        return true;
    psim_pt_link_lost(s);
    return false;
}

/* steps[at] from now: a PT message after the slow delay, the rest at once. */
static void schedule(psim_t *s, int64_t now)
{
    psim_run_t *r = &s->run;
    r->started = false;
    r->due_ms = now + (r->steps[r->at].kind == PSIM_SEND ? s->faults.slow_ms : 0);
}

static void next_step(psim_t *s, int64_t now)
{
    psim_run_t *r = &s->run;
    if (!r->active)
        return;
    if (++r->at >= r->n) {
        r->active = false;
        LOG_D(PSIM_LOG, "command 06 %02X done", r->instr);
        return;
    }
    schedule(s, now);
}

static void step_send(psim_t *s, psim_step_t *st, int64_t now)
{
    psim_run_t *r = &s->run;
    if (r->started) {
        LOG_W(PSIM_LOG, "the ECR did not acknowledge %02X %02X within %d ms: going on", st->apdu.cls, st->apdu.instr,
              PSIM_ACK_MS);
        next_step(s, now);
        return;
    }
    if (!psim_net_send(s, &st->apdu)) {
        psim_pt_link_lost(s);
        return;
    }
    r->started = true;
    r->due_ms = now + PSIM_ACK_MS;
}

static void step_card(psim_t *s, const psim_step_t *st, int64_t now)
{
    psim_run_t *r = &s->run;
    if (!r->started && st->ms > 0) {
        r->started = true;
        r->due_ms = now + st->ms;
        return;
    }
    r->card_phase = false;
    LOG_D(PSIM_LOG, "card read");
    next_step(s, now);
}

/* Carries out steps[at], which is due. */
static void run_step(psim_t *s, int64_t now)
{
    psim_run_t *r = &s->run;
    psim_step_t *st = &r->steps[r->at];
    switch (st->kind) {
    case PSIM_SEND: step_send(s, st, now); return;
    case PSIM_CARD_WAIT: step_card(s, st, now); return;
    case PSIM_DECIDE:
        psim_cmd_decide(s);
        next_step(s, now);
        return;
    case PSIM_HANG_UP:
        psim_net_hang_up(s);
        r->active = false;
        return;
    }
}

int64_t psim_pt_tick(psim_t *s, int64_t now_ms)
{
    for (int i = 0; i < MAX_STEPS_PER_TICK && s->run.active && s->run.due_ms <= now_ms; i++)
        run_step(s, now_ms);
    return s->run.active ? s->run.due_ms : INT64_MAX;
}

void psim_pt_link_lost(psim_t *s)
{
    psim_run_t *r = &s->run;
    if (!r->active)
        return;
    if (r->undecided) {
        psim_cmd_abort(s, true);
        return;
    }
    LOG_W(PSIM_LOG, "the ECR link was lost during command 06 %02X: the rest of it is not sent", r->instr);
    r->active = false;
}

bool psim_pt_stray(psim_t *s)
{
    psim_apdu_t ack = {.cls = 0x80, .instr = 0x00, .len = 0}, done;
    psim_completion_apdu(&done);
    if (psim_net_send(s, &ack) && psim_net_send(s, &done))
        return true;
    psim_pt_link_lost(s);
    return false;
}

/* 80 00 00 or 84 xx 00 from the ECR. */
static void got_ack(psim_t *s, const psim_apdu_t *a, int64_t now)
{
    psim_run_t *r = &s->run;
    if (!r->active || r->steps[r->at].kind != PSIM_SEND || !r->started) {
        LOG_D(PSIM_LOG, "acknowledgement %02X %02X while nothing waits for one: ignored", a->cls, a->instr);
        return;
    }
    if (a->cls == 0x84)
        LOG_W(PSIM_LOG, "the ECR answered %02X %02X with 84 %02X 00: going on", r->steps[r->at].apdu.cls,
              r->steps[r->at].apdu.instr, a->instr);
    next_step(s, now);
}

/* 06 B0: acknowledged always; ends an authorisation waiting for its card. */
static void got_abort(psim_t *s, int64_t now)
{
    if (!send_ack(s, 0))
        return;
    if (!s->run.active || !s->run.card_phase) {
        LOG_I(PSIM_LOG, "06 B0 with no authorisation waiting for a card: nothing to abort");
        return;
    }
    psim_cmd_abort(s, false);
    if (s->run.active)
        schedule(s, now);
}

void psim_pt_received(psim_t *s, const psim_apdu_t *a)
{
    int64_t now = kclock_mono(NULL);
    if (a->cls == 0x80 || a->cls == 0x84) {
        got_ack(s, a, now);
        return;
    }
    if (a->cls == 0x06 && a->instr == 0xB0) {
        got_abort(s, now);
        return;
    }
    if (s->run.active) {
        LOG_W(PSIM_LOG, "command %02X %02X while 06 %02X runs: 84 83 00", a->cls, a->instr, s->run.instr);
        send_ack(s, PSIM_RC_NOT_POSSIBLE);
        return;
    }
    if (s->faults.timeout_before) {
        s->faults.timeout_before = false;
        LOG_I(PSIM_LOG, "timeout-before: command %02X %02X gets no acknowledgement and does nothing", a->cls,
              a->instr);
        return;
    }
    if (s->faults.stray_next) {
        s->faults.stray_next = false;
        LOG_I(PSIM_LOG, "stray-completion: 80 00 00 and 06 0F 00 go out before the answer to %02X %02X", a->cls,
              a->instr);
        if (!psim_pt_stray(s))
            return;
    }
    uint8_t nak = psim_cmd_begin(s, a);
    if (nak) {
        s->run.active = false;
        send_ack(s, nak);
        return;
    }
    if (send_ack(s, 0) && s->run.active && s->run.n > 0) {
        s->run.at = 0;
        schedule(s, now);
    }
}
