/* Prints the transaction table as a diagram (Graphviz dot or Mermaid). */
#include "core/txn.h"

static void edge_label(const txn_transition_t *t, char *buf, size_t len)
{
    const char *g = txn_guard_text(t->guard);
    snprintf(buf, len, g[0] ? "%s [%s]" : "%s", txn_event_name(t->event), g);
}

static void print_dot(FILE *out, const txn_transition_t *tab, size_t n)
{
    fprintf(out, "digraph txn {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n");
    fprintf(out, "  start [shape=point];\n");
    for (int s = TXN_CREATED; s < TXN_STATE_COUNT; s++)
        if (txn_state_is_final((txn_state_t)s))
            fprintf(out, "  %s [peripheries=2];\n", txn_state_name((txn_state_t)s));
    for (size_t i = 0; i < n; i++) {
        char label[64];
        edge_label(&tab[i], label, sizeof label);
        fprintf(out, "  %s -> %s [label=\"%s\"];\n",
                tab[i].from == TXN_NONE ? "start" : txn_state_name(tab[i].from),
                txn_state_name(tab[i].to), label);
    }
    fprintf(out, "}\n");
}

static void print_mermaid(FILE *out, const txn_transition_t *tab, size_t n)
{
    fprintf(out, "stateDiagram-v2\n");
    for (size_t i = 0; i < n; i++) {
        char label[64];
        edge_label(&tab[i], label, sizeof label);
        fprintf(out, "    %s --> %s: %s\n", tab[i].from == TXN_NONE ? "[*]" : txn_state_name(tab[i].from),
                txn_state_name(tab[i].to), label);
    }
    for (int s = TXN_CREATED; s < TXN_STATE_COUNT; s++)
        if (txn_state_is_final((txn_state_t)s))
            fprintf(out, "    %s --> [*]\n", txn_state_name((txn_state_t)s));
}

void txn_diagram(FILE *out, txn_diagram_format_t format)
{
    size_t n;
    const txn_transition_t *tab = txn_table(&n);
    if (format == TXN_DIAGRAM_MERMAID)
        print_mermaid(out, tab, n);
    else
        print_dot(out, tab, n);
}
