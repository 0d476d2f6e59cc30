/* The control port: one command per line, one reply line per command,
 * "ok[ text]" or "error <why>" (docs/sim/cardsim.md, "Control"). Tears
 * live in memory only and wait until they fire or are cleared. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "sim/cardsim/cardsim.h"
#include "sim/common/simhex.h"

#define MAX_WORDS 8
#define MAX_TEAR_AFTER 1000000

typedef char *(*cmd_fn)(cardsim_t *s, char **av);

#define OK(...) simio_reply("ok", __VA_ARGS__)
#define ERR(...) simio_reply("error", __VA_ARGS__)

static char *cmd_insert(cardsim_t *s, char **av)
{
    kmsg_t msg = {""};
    if (cardsim_insert(s, av[1], &msg) != K_OK)
        return ERR("%s", msg.text);
    char serial[2 * CARDSIM_SERIAL_LEN + 1];
    simhex_encode(s->card.img.serial, CARDSIM_SERIAL_LEN, serial);
    return OK("%s", serial);
}

static char *cmd_remove(cardsim_t *s, char **av)
{
    (void)av;
    if (!s->card.inserted)
        return ERR("no card is inserted");
    cardsim_remove(s, "the control port pulled it out");
    return OK("%s", "");
}

static char *cmd_tear_after(cardsim_t *s, char **av)
{
    if (!simio_parse_int(av[1], 1, MAX_TEAR_AFTER, &s->tears.after))
        return ERR("tear-after needs a number of APDUs, 1..%d", MAX_TEAR_AFTER);
    return OK("%s", "");
}

static char *cmd_tear_in_update(cardsim_t *s, char **av)
{
    (void)av;
    s->tears.in_update = true;
    return OK("%s", "");
}

static char *cmd_tear_after_update(cardsim_t *s, char **av)
{
    (void)av;
    s->tears.after_update = true;
    return OK("%s", "");
}

static char *cmd_state(cardsim_t *s, char **av)
{
    (void)av;
    if (!s->card.inserted)
        return ERR("no card is inserted");
    char *json = cardsim_image_json(&s->card.img, false);
    char *line = json ? OK("%s", json) : NULL;
    free(json);
    return line;
}

static char *cmd_make_blank(cardsim_t *s, char **av)
{
    (void)s;
    kmsg_t msg = {""};
    if (cardsim_make_blank(av[1], av[2], &msg) != K_OK)
        return ERR("%s", msg.text);
    return OK("%s", "");
}

static char *cmd_clear(cardsim_t *s, char **av)
{
    (void)av;
    memset(&s->tears, 0, sizeof s->tears);
    return OK("%s", "");
}

static char *cmd_help(cardsim_t *s, char **av);

static const struct command {
    simio_cmd_t c; /* first: the table is read through simio_cmds_t */
    cmd_fn fn;
} commands[] = {
    {{"insert", 1, 1, "insert FILE"}, cmd_insert},
    {{"remove", 0, 0, "remove"}, cmd_remove},
    {{"tear-after", 1, 1, "tear-after N"}, cmd_tear_after},
    {{"tear-in-update", 0, 0, "tear-in-update"}, cmd_tear_in_update},
    {{"tear-after-update", 0, 0, "tear-after-update"}, cmd_tear_after_update},
    {{"state", 0, 0, "state"}, cmd_state},
    {{"make-blank", 2, 2, "make-blank SERIAL FILE"}, cmd_make_blank},
    {{"clear", 0, 0, "clear"}, cmd_clear},
    {{"help", 0, 0, "help"}, cmd_help},
};

static const simio_cmds_t table = {
    &commands[0].c, sizeof commands / sizeof commands[0], sizeof commands[0], MAX_WORDS, true,
};

static char *cmd_help(cardsim_t *s, char **av)
{
    (void)s;
    (void)av;
    return simio_cmd_help(&table);
}

/* Runs one control command line. */
char *cardsim_control(cardsim_t *s, char *line)
{
    char *av[MAX_WORDS], *reply;
    int ac;
    const struct command *c = (const struct command *)simio_cmd_find(&table, line, av, &ac, &reply);
    if (!c)
        return reply;
    LOG_D(CARDSIM_LOG, "control: %s", av[0]);
    return c->fn(s, av);
}
