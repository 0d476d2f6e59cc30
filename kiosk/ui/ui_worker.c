/* The worker thread and its two queues (commands in, events out). */
#include "kiosk/ui/ui_worker.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QLEN 64

typedef enum job_kind { JOB_CMD, JOB_RETRY, JOB_HEALTH, JOB_SERVICE } job_kind_t;

typedef struct job {
    job_kind_t kind; /* a session command, a retry of pending deliveries, a look at the devices, a service command */
    session_cmd_t cmd;
    svc_cmd_t svc;
} job_t;

#define SVC_QLEN 8

struct ui_worker {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t more;
    job_t jobs[QLEN];
    size_t job_head, job_n;
    session_event_t events[QLEN];
    size_t ev_head, ev_n;
    svc_event_t svc_events[SVC_QLEN];
    size_t svc_head, svc_n;
    bool stop, running;
    int rest_ms; /* the card watch asked for a rest before its next look */
    atomic_bool cancel;   /* the resident cancelled, or is done putting notes in */
    atomic_bool stopping; /* the program leaves: a payment under way ends as if the resident were done */
    void (*wake)(void *ctx);
    void *wake_ctx;
    ui_work_t work;
};

static void post_event(void *ctx, const session_event_t *ev)
{
    ui_worker_t *w = ctx;
    pthread_mutex_lock(&w->lock);
    if (w->ev_n < QLEN) /* 64 answers unread would mean the main loop stopped */
        w->events[(w->ev_head + w->ev_n++) % QLEN] = *ev;
    pthread_mutex_unlock(&w->lock);
    if (w->wake)
        w->wake(w->wake_ctx);
}

static void post_svc(void *ctx, const svc_event_t *ev)
{
    ui_worker_t *w = ctx;
    pthread_mutex_lock(&w->lock);
    if (w->svc_n < SVC_QLEN) /* one answer per command, and the screen waits for it */
        w->svc_events[(w->svc_head + w->svc_n++) % SVC_QLEN] = *ev;
    pthread_mutex_unlock(&w->lock);
    if (w->wake)
        w->wake(w->wake_ctx);
}

static bool is_cancelled(void *ctx)
{
    ui_worker_t *w = ctx;
    return atomic_load(&w->cancel) || atomic_load(&w->stopping);
}

/* A deadline ms from now on the monotonic clock, which the condition
 * variable waits on (a clock set at boot does not stretch the wait). */
static void deadline_in(struct timespec *ts, int ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_nsec += (long)ms * 1000000L;
    ts->tv_sec += ts->tv_nsec / 1000000000L;
    ts->tv_nsec %= 1000000000L;
}

/* How long to wait for a job: the rest the card watch asked for, none
 * while the reader is watched (the watch waits), else until a job comes
 * (-1). */
static int wait_ms(ui_worker_t *w)
{
    if (w->rest_ms > 0)
        return w->rest_ms;
    return ui_work_watching(&w->work) ? 0 : -1;
}

/* Waits for a job, no longer than wait_ms says. */
static bool take_job(ui_worker_t *w, job_t *out)
{
    pthread_mutex_lock(&w->lock);
    int ms = wait_ms(w);
    w->rest_ms = 0;
    if (!w->job_n && !w->stop && ms != 0) {
        if (ms > 0) {
            struct timespec ts;
            deadline_in(&ts, ms);
            pthread_cond_timedwait(&w->more, &w->lock, &ts);
        } else {
            pthread_cond_wait(&w->more, &w->lock);
        }
    }
    bool got = w->job_n > 0 && !w->stop;
    if (got) {
        *out = w->jobs[w->job_head];
        explicit_bzero(&w->jobs[w->job_head], sizeof w->jobs[0]); /* a PIN does not stay in the queue */
        w->job_head = (w->job_head + 1) % QLEN;
        w->job_n--;
        w->running = true;
    }
    pthread_mutex_unlock(&w->lock);
    return got;
}

static void *run(void *arg)
{
    ui_worker_t *w = arg;
    for (;;) {
        job_t job;
        bool got = take_job(w, &job);
        pthread_mutex_lock(&w->lock);
        bool stop = w->stop;
        pthread_mutex_unlock(&w->lock);
        if (stop)
            break;
        int rest = 0;
        if (got && job.kind == JOB_RETRY)
            ui_work_retry(&w->work);
        else if (got && job.kind == JOB_HEALTH)
            ui_work_health(&w->work);
        else if (got && job.kind == JOB_SERVICE)
            ui_work_service(&w->work, &job.svc);
        else if (got)
            ui_work_run(&w->work, &job.cmd);
        else if (ui_work_watching(&w->work))
            rest = ui_work_card_watch(&w->work);
        if (got)
            explicit_bzero(&job, sizeof job); /* a PIN does not stay on the stack */
        pthread_mutex_lock(&w->lock);
        w->running = false;
        w->rest_ms = rest;
        pthread_mutex_unlock(&w->lock);
    }
    return NULL;
}

ui_worker_t *ui_worker_start(ui_site_t *site, void (*wake)(void *ctx), void *ctx)
{
    ui_worker_t *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    pthread_condattr_t attr;
    pthread_mutex_init(&w->lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&w->more, &attr);
    pthread_condattr_destroy(&attr);
    w->wake = wake;
    w->wake_ctx = ctx;
    w->work = (ui_work_t){.site = site, .post = post_event, .post_ctx = w, .cancelled = is_cancelled,
                          .health = site->health, .post_svc = post_svc};
    if (pthread_create(&w->thread, NULL, run, w) != 0) {
        free(w);
        return NULL;
    }
    return w;
}

static void push(ui_worker_t *w, const job_t *job)
{
    pthread_mutex_lock(&w->lock);
    if (w->job_n < QLEN)
        w->jobs[(w->job_head + w->job_n++) % QLEN] = *job;
    pthread_cond_signal(&w->more);
    pthread_mutex_unlock(&w->lock);
}

void ui_worker_post(ui_worker_t *w, const session_cmd_t *cmd)
{
    if (cmd->kind == CMD_CANCEL_CARD || cmd->kind == CMD_CANCEL_QR || cmd->kind == CMD_FINISH_CASH) {
        atomic_store(&w->cancel, true);
        return; /* the payment under way sees the flag; nothing else to do */
    }
    if (cmd->kind == CMD_PAY_CARD || cmd->kind == CMD_PAY_QR || cmd->kind == CMD_START_CASH)
        atomic_store(&w->cancel, false);
    push(w, &(job_t){.kind = JOB_CMD, .cmd = *cmd});
}

void ui_worker_retry(ui_worker_t *w)
{
    push(w, &(job_t){.kind = JOB_RETRY});
}

void ui_worker_health(ui_worker_t *w)
{
    push(w, &(job_t){.kind = JOB_HEALTH});
}

void ui_worker_post_svc(ui_worker_t *w, const svc_cmd_t *cmd)
{
    job_t job = {.kind = JOB_SERVICE, .svc = *cmd};
    push(w, &job);
    explicit_bzero(&job, sizeof job); /* a PIN does not stay on this stack */
}

bool ui_worker_next_svc(ui_worker_t *w, svc_event_t *ev)
{
    pthread_mutex_lock(&w->lock);
    bool got = w->svc_n > 0;
    if (got) {
        *ev = w->svc_events[w->svc_head];
        w->svc_head = (w->svc_head + 1) % SVC_QLEN;
        w->svc_n--;
    }
    pthread_mutex_unlock(&w->lock);
    return got;
}

bool ui_worker_next(ui_worker_t *w, session_event_t *ev)
{
    pthread_mutex_lock(&w->lock);
    bool got = w->ev_n > 0;
    if (got) {
        *ev = w->events[w->ev_head];
        w->ev_head = (w->ev_head + 1) % QLEN;
        w->ev_n--;
    }
    pthread_mutex_unlock(&w->lock);
    return got;
}

bool ui_worker_idle(ui_worker_t *w)
{
    pthread_mutex_lock(&w->lock);
    bool idle = !w->job_n && !w->running;
    pthread_mutex_unlock(&w->lock);
    return idle;
}

void ui_worker_stop(ui_worker_t *w)
{
    if (!w)
        return;
    atomic_store(&w->stopping, true); /* a payment under way ends: cash taken so far is booked and delivered later */
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_cond_signal(&w->more);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    ui_work_bill_close(&w->work);
    pthread_cond_destroy(&w->more);
    pthread_mutex_destroy(&w->lock);
    free(w);
}
