/*
 * Function body validation and translation to internal code (ops.h), in one
 * pass over the bytes.
 *
 * The compiler mirrors the Wasm operand stack with a stack of entries. Every
 * stack position p has a home slot in the frame: the cells after the locals'
 * cells, allocated in stack order, one per value and two per v128 (so the
 * home of p is the home of p-1 plus the cells of its type; validation fixes
 * the types below every position, so paths meeting at a label agree). Slots
 * are cell indices; a local's slot is lcell[x]. An entry is
 * either in a slot (its home, or a local's slot when local.get was deferred)
 * or a constant not yet written anywhere. Deferring local.get and constants
 * lets `local.get a; local.get b; i32.add` become one instruction reading the
 * locals directly.
 *
 * Invariants:
 *  - Entries below the innermost control frame's height are in their home
 *    slots: every block, loop and if starts by materialising the stack, so
 *    code paths that meet at a label agree on where every value lives.
 *  - Branch values and block results are in the label's home slots when the
 *    label is reached.
 *  - A deferred local reference to local x is materialised before x is
 *    written.
 *  - `dead` is true while the code being read cannot run (after br, return,
 *    unreachable); it is still validated, but nothing is emitted.
 * Forward branches are chained through their unfilled target words and
 * patched when the label is bound.
 */
#include "internal.h"
#include "ops.h"
#include "simd.h"

#define MAX_LOCALS 50000u         /* as V8; the spec allows such limits */
#define NO_FIXUP 0xFFFFFFFFu
#define T_UNKNOWN 0               /* operand of unknown type (polymorphic stack) */

enum { EK_SLOT, EK_CONST };

typedef struct ent {
    uint8_t type;
    uint8_t kind;
    uint32_t slot;
    uint32_t home;                /* home cell of its stack position */
    uint64_t val;                 /* EK_CONST (never a v128: those go home at once) */
} ent_t;

enum { CK_FUNC, CK_BLOCK, CK_LOOP, CK_IF, CK_ELSE };

typedef struct ctl {
    uint8_t kind;
    bool unreachable;
    bool dead_entry;              /* the construct began in dead code */
    uint8_t single;               /* single result type, when typeidx is NONE */
    uint32_t typeidx;             /* block type index, or NO_FIXUP */
    uint32_t np, nr;
    uint32_t height;              /* stack height below the params */
    uint32_t start;               /* loop: code index of the header */
    uint32_t fixups;              /* chain of words to patch with the end label */
    uint32_t else_fix;            /* if: the branch to the else arm */
} ctl_t;

typedef struct comp {
    wasm_module_t *m;
    wasmi_reader_t r;
    wasm_error_t *err;
    uint32_t *code;
    uint32_t len, cap;
    uint32_t *oppos;              /* code index of every op word */
    uint32_t nops, opcap;
    ent_t *st;
    uint32_t sh, scap, max_sh;
    ctl_t *cs;
    uint32_t ch, ccap;
    uint8_t *ltypes;
    uint32_t nlocals;             /* locals, params included */
    uint32_t *lcell;              /* [nlocals] first cell of each local */
    uint32_t lcells;              /* cells of all locals: the first home cell */
    uint32_t max_cell;            /* one past the highest cell any value uses */
    bool dead;
    bool oom;
    int64_t last_at;              /* op index of the last value producer, -1 none */
    uint32_t last_pos;            /* stack position it wrote */
    bool last_cmp;                /* ... and it is an integer comparison */
} comp_t;

/* ------------------------------------------------------------ errors */

static bool fail(comp_t *c, const char *msg)
{
    return wasmi_rd_fail(&c->r, "%s", msg);
}

/* grow's slow path, out of line: every emit inlines the check alone. */
static __attribute__((noinline, cold)) bool grow_to(comp_t *c, void **p, uint32_t *cap,
                                                    uint32_t need, size_t elem)
{
    uint32_t ncap = *cap ? *cap : 16;
    while (ncap < need)
        ncap *= 2;
    void *q = wasm_plat_realloc(*p, (size_t)*cap * elem, (size_t)ncap * elem);
    if (!q) {
        c->oom = true;
        return fail(c, "out of memory");
    }
    *p = q;
    *cap = ncap;
    return true;
}

/* Makes *p (*cap elements of elem bytes) hold at least need elements. */
static bool grow(comp_t *c, void **p, uint32_t *cap, uint32_t need, size_t elem)
{
    return WASM_LIKELY(need <= *cap) || grow_to(c, p, cap, need, elem);
}

/* ------------------------------------------------------------ emission */

static void emit(comp_t *c, uint32_t w)
{
    if (c->dead || c->r.failed)
        return;
    if (!grow(c, (void **)&c->code, &c->cap, c->len + 1, sizeof(uint32_t)))
        return;
    c->code[c->len++] = w;
}

static void emit_op(comp_t *c, uint32_t op)
{
    if (c->dead || c->r.failed)
        return;
    if (!grow(c, (void **)&c->oppos, &c->opcap, c->nops + 1, sizeof(uint32_t)))
        return;
    c->oppos[c->nops++] = c->len;
    emit(c, op);
    c->last_at = -1;
}

static void emit2(comp_t *c, uint32_t op, uint32_t a)
{
    emit_op(c, op);
    emit(c, a);
}

static void emit3(comp_t *c, uint32_t op, uint32_t a, uint32_t b)
{
    emit_op(c, op);
    emit(c, a);
    emit(c, b);
}

static void emit4(comp_t *c, uint32_t op, uint32_t a, uint32_t b, uint32_t d)
{
    emit3(c, op, a, b);
    emit(c, d);
}

/* Emits a target word for label chain *chain and returns nothing: the word
 * holds the previous chain head until the label is bound. */
static void emit_fixup(comp_t *c, uint32_t *chain)
{
    if (c->dead || c->r.failed)
        return;
    uint32_t at = c->len;
    emit(c, *chain);
    if (!c->r.failed)
        *chain = at;
}

static void bind(comp_t *c, uint32_t chain)
{
    while (chain != NO_FIXUP && !c->r.failed) {
        uint32_t next = c->code[chain];
        c->code[chain] = c->len;
        chain = next;
    }
    c->last_at = -1;
}

/* The home cell of stack position pos: after position pos-1's cells. For
 * pos above the stack height this reads popped entries, which keep their
 * type and home (the stack array is zero-filled when it grows). */
static uint32_t home(comp_t *c, uint32_t pos)
{
    if (pos == 0)
        return c->lcells;
    const ent_t *e = &c->st[pos - 1];
    return e->home + wasmi_cells(e->type);
}

/* Remembers that the op just emitted wrote its result to home(pos). */
static void produced(comp_t *c, uint32_t pos, bool cmp)
{
    if (c->dead || c->r.failed)
        return;
    c->last_at = c->nops - 1;
    c->last_pos = pos;
    c->last_cmp = cmp;
}

/* ------------------------------------------------------------ the stack */

static ctl_t *top_ctl(comp_t *c)
{
    return &c->cs[c->ch - 1];
}

static bool grow_stack(comp_t *c, uint32_t need)
{
    uint32_t old = c->scap;
    if (!grow(c, (void **)&c->st, &c->scap, need, sizeof(ent_t)))
        return false;
    if (c->scap > old)
        __builtin_memset(c->st + old, 0, (c->scap - old) * sizeof(ent_t));
    return true;
}

/* Records that position pos (with its type set) is in use. */
static void use_cells(comp_t *c, uint32_t pos)
{
    ent_t *e = &c->st[pos];
    e->home = home(c, pos);
    if (e->home + wasmi_cells(e->type) > c->max_cell)
        c->max_cell = e->home + wasmi_cells(e->type);
}

static void push(comp_t *c, uint8_t type, uint8_t kind, uint32_t slot, uint64_t val)
{
    if (!grow_stack(c, c->sh + 2))
        return;
    ent_t *e = &c->st[c->sh];
    e->type = type;
    e->kind = kind;
    e->slot = slot;
    e->val = val;
    use_cells(c, c->sh);
    c->sh++;
    if (c->sh > c->max_sh)
        c->max_sh = c->sh;
}

/* Pushes a value that lives in its home slot. */
static void push_home(comp_t *c, uint8_t type)
{
    push(c, type, EK_SLOT, home(c, c->sh), 0);
}

/* Pops one operand, checking it has type want (T_UNKNOWN: any). */
static ent_t pop(comp_t *c, uint8_t want)
{
    ent_t e = {T_UNKNOWN, EK_SLOT, 0, 0, 0};
    ctl_t *f = top_ctl(c);
    if (c->sh == f->height) {
        if (!f->unreachable)
            wasmi_rd_fail(&c->r, "type mismatch: expected %s but the stack is empty",
                         want ? wasm_valtype_name(want) : "a value");
        e.slot = home(c, c->sh);
        return e;
    }
    e = c->st[--c->sh];
    if (want != T_UNKNOWN && e.type != T_UNKNOWN && e.type != want)
        wasmi_rd_fail(&c->r, "type mismatch: expected %s, got %s", wasm_valtype_name(want),
                     wasm_valtype_name(e.type));
    return e;
}

/* A copy of a value of type t between slots. */
static void emit_mov(comp_t *c, uint8_t t, uint32_t d, uint32_t s)
{
    emit3(c, t == WASM_V128 ? OP_MOV128 : OP_MOV, d, s);
}

/* Writes entry e (at stack position pos) into its home slot. */
static void materialize_at(comp_t *c, uint32_t pos)
{
    ent_t *e = &c->st[pos];
    uint32_t h = home(c, pos);
    if (e->kind == EK_CONST) {
        if (e->val >> 32)
            emit4(c, OP_CONST64, h, (uint32_t)e->val, (uint32_t)(e->val >> 32));
        else
            emit3(c, OP_CONST32, h, (uint32_t)e->val);
    } else if (e->slot != h) {
        emit_mov(c, e->type, h, e->slot);
    } else {
        return;
    }
    e->kind = EK_SLOT;
    e->slot = h;
}

static void materialize_from(comp_t *c, uint32_t from)
{
    for (uint32_t p = from; p < c->sh; p++)
        materialize_at(c, p);
}

/* The slot holding popped entry e, which was at stack position pos; a
 * constant is first written to its home slot. */
static uint32_t slot_of(comp_t *c, ent_t *e, uint32_t pos)
{
    if (e->kind == EK_CONST) {
        uint32_t h = home(c, pos);
        if (e->val >> 32)
            emit4(c, OP_CONST64, h, (uint32_t)e->val, (uint32_t)(e->val >> 32));
        else
            emit3(c, OP_CONST32, h, (uint32_t)e->val);
        e->kind = EK_SLOT;
        e->slot = h;
    }
    return e->slot;
}

/* Before local x is written: values still reading x are copied home. */
static void protect_local(comp_t *c, uint32_t x)
{
    for (uint32_t p = top_ctl(c)->height; p < c->sh; p++)
        if (c->st[p].kind == EK_SLOT && c->st[p].slot == x)
            materialize_at(c, p);
}

/* ------------------------------------------------------------ block types */

static uint8_t ctl_param(comp_t *c, ctl_t *f, uint32_t i)
{
    return c->m->types[f->typeidx].types[i];
}

static uint8_t ctl_result(comp_t *c, ctl_t *f, uint32_t i)
{
    if (f->typeidx == NO_FIXUP)
        return f->single;
    const wasmi_functype_t *t = &c->m->types[f->typeidx];
    return t->types[t->nparams + i];
}

/* The types a branch to f carries: a loop's params, otherwise its results. */
static uint32_t label_arity(ctl_t *f)
{
    return f->kind == CK_LOOP ? f->np : f->nr;
}

static uint8_t label_type(comp_t *c, ctl_t *f, uint32_t i)
{
    return f->kind == CK_LOOP ? ctl_param(c, f, i) : ctl_result(c, f, i);
}

static bool valtype_ok(uint8_t t)
{
    return wasmi_is_numtype(t) || wasmi_is_reftype(t) || t == WASM_V128;
}

static bool read_blocktype(comp_t *c, ctl_t *f)
{
    int64_t bt;
    if (!wasmi_rd_s33(&c->r, &bt))
        return false;
    f->typeidx = NO_FIXUP;
    f->np = f->nr = 0;
    if (bt == -64)
        return true;
    if (bt < 0) {
        uint8_t t = (uint8_t)(bt & 0x7F);
        t |= 0x40;   /* -1 -> 0x7F, -16 -> 0x70, -17 -> 0x6F */
        if (!valtype_ok(t))
            return fail(c, "malformed block type");
        f->single = t;
        f->nr = 1;
        return true;
    }
    if ((uint64_t)bt >= c->m->ntypes)
        return fail(c, "unknown type: block type index out of range");
    f->typeidx = (uint32_t)bt;
    f->np = c->m->types[bt].nparams;
    f->nr = c->m->types[bt].nresults;
    return true;
}

/* ------------------------------------------------------------ control */

static ctl_t *push_ctl(comp_t *c, uint8_t kind)
{
    if (!grow(c, (void **)&c->cs, &c->ccap, c->ch + 1, sizeof(ctl_t)))
        return NULL;
    ctl_t *f = &c->cs[c->ch++];
    __builtin_memset(f, 0, sizeof *f);
    f->kind = kind;
    f->fixups = NO_FIXUP;
    f->else_fix = NO_FIXUP;
    f->typeidx = NO_FIXUP;
    f->dead_entry = c->dead;
    return f;
}

static void set_unreachable(comp_t *c)
{
    ctl_t *f = top_ctl(c);
    c->sh = f->height;
    f->unreachable = true;
    c->dead = true;
}

/* Opens block/loop/if: checks the params, materialises the stack. */
static bool open_block(comp_t *c, uint8_t kind)
{
    ctl_t tmp;
    __builtin_memset(&tmp, 0, sizeof tmp);
    if (!read_blocktype(c, &tmp))
        return false;
    /* Pop the params and push them back typed: in unreachable code they may
     * not exist yet. They stay where they are. */
    ent_t small[8];
    ent_t *vals = tmp.np <= 8 ? small : wasm_plat_alloc(tmp.np * sizeof(ent_t));
    if (!vals)
        return fail(c, "out of memory");
    for (uint32_t i = tmp.np; i-- > 0;)
        vals[i] = pop(c, ctl_param(c, &tmp, i));
    uint32_t height = c->sh;
    for (uint32_t i = 0; i < tmp.np; i++) {
        uint32_t pos = c->sh;
        push(c, ctl_param(c, &tmp, i), vals[i].kind, vals[i].slot, vals[i].val);
        if (vals[i].type == T_UNKNOWN && !c->r.failed)
            c->st[pos].slot = home(c, pos);
    }
    if (vals != small)
        wasm_plat_free(vals);
    if (c->r.failed)
        return false;
    materialize_from(c, top_ctl(c)->height);
    ctl_t *f = push_ctl(c, kind);
    if (!f)
        return false;
    f->typeidx = tmp.typeidx;
    f->single = tmp.single;
    f->np = tmp.np;
    f->nr = tmp.nr;
    f->height = height;
    f->start = c->len;
    c->last_at = -1;
    return !c->r.failed;
}

/* Checks the stack holds exactly the frame's results; moves them home. */
static void check_results(comp_t *c, ctl_t *f)
{
    for (uint32_t i = f->nr; i-- > 0;)
        pop(c, ctl_result(c, f, i));
    if (c->sh != f->height)
        fail(c, "type mismatch: values remain on the stack at the end of a block");
    if (!grow_stack(c, f->height + f->nr + 1))
        return;
    c->sh = f->height + f->nr;
    if (c->sh > c->max_sh)
        c->max_sh = c->sh;
    for (uint32_t i = 0; i < f->nr; i++) {
        ent_t *e = &c->st[f->height + i];
        e->type = ctl_result(c, f, i);
        use_cells(c, f->height + i);
        if (c->dead) {
            e->kind = EK_SLOT;
            e->slot = home(c, f->height + i);
        }
    }
    materialize_from(c, f->height);
}

/* Moves the top label-arity values to f's home slots, without changing the
 * compile-time stack (the branch may not be taken). */
static bool branch_moves(comp_t *c, ctl_t *f, bool emit_them)
{
    uint32_t n = label_arity(f);
    bool any = false;
    /* The label's values go home one after another by the label's types:
     * the entries now at f->height.. may be other values of other sizes
     * (a v128 takes two cells), so home(f->height + i) would be wrong. */
    uint32_t dst = home(c, f->height);
    for (uint32_t i = 0; i < n; dst += wasmi_cells(label_type(c, f, i)), i++) {
        ent_t *e = &c->st[c->sh - n + i];
        if (e->kind == EK_CONST) {
            any = true;
            if (emit_them) {
                if (e->val >> 32)
                    emit4(c, OP_CONST64, dst, (uint32_t)e->val, (uint32_t)(e->val >> 32));
                else
                    emit3(c, OP_CONST32, dst, (uint32_t)e->val);
            }
        } else if (e->slot != dst) {
            any = true;
            if (emit_them)
                emit_mov(c, e->type, dst, e->slot);
        }
    }
    return any;
}

/* Emits the target word of a branch to f. */
static void emit_target(comp_t *c, ctl_t *f)
{
    if (f->kind == CK_LOOP)
        emit(c, f->start);
    else
        emit_fixup(c, &f->fixups);
}

static ctl_t *label(comp_t *c, uint32_t depth)
{
    if (depth >= c->ch) {
        fail(c, "unknown label: branch depth too large");
        return NULL;
    }
    return &c->cs[c->ch - 1 - depth];
}

/* Checks the top values against f's label types; in unreachable code the
 * missing ones are made up so the stack has them afterwards. */
static void check_label_values(comp_t *c, ctl_t *f)
{
    uint32_t n = label_arity(f);
    ent_t tmp[16];
    ent_t *vals = n <= 16 ? tmp : wasm_plat_alloc(n * sizeof(ent_t));
    if (!vals) {
        fail(c, "out of memory");
        return;
    }
    for (uint32_t i = n; i-- > 0;)
        vals[i] = pop(c, label_type(c, f, i));
    for (uint32_t i = 0; i < n && !c->r.failed; i++) {
        uint32_t pos = c->sh;
        push(c, label_type(c, f, i), vals[i].kind, vals[i].slot, vals[i].val);
        if (vals[i].type == T_UNKNOWN)
            c->st[pos].slot = home(c, pos);
    }
    if (vals != tmp)
        wasm_plat_free(vals);
}

/* Checks the top values against f's label types without popping them (for
 * br_table, whose labels may each see the polymorphic stack differently). */
static void peek_label_values(comp_t *c, ctl_t *f)
{
    uint32_t n = label_arity(f), h = top_ctl(c)->height;
    for (uint32_t i = 0; i < n && !c->r.failed; i++) {
        uint8_t want = label_type(c, f, n - 1 - i);
        if (c->sh < h + 1 + i) {
            if (!top_ctl(c)->unreachable)
                fail(c, "type mismatch: br_table operands missing");
            return;
        }
        uint8_t got = c->st[c->sh - 1 - i].type;
        if (got != T_UNKNOWN && got != want)
            wasmi_rd_fail(&c->r, "type mismatch: br_table expected %s, got %s",
                         wasm_valtype_name(want), wasm_valtype_name(got));
    }
}

/* ------------------------------------------------------------ branches */

static const uint8_t negate_cmp[10] = {1, 0, 8, 9, 6, 7, 4, 5, 2, 3};

/* If the last op is an integer comparison producing the condition entry,
 * removes it and returns the fused branch op for "jump if cond == want";
 * otherwise returns OP_COUNT. *a and *b get its operands. */
static uint32_t fuse_compare(comp_t *c, bool want, uint32_t *a, uint32_t *b)
{
    if (c->last_at < 0 || !c->last_cmp || c->last_pos != c->sh)
        return OP_COUNT;
    uint32_t at = c->oppos[c->last_at];
    uint32_t op = c->code[at];
    uint32_t k, base;
    if (op == OP_I32_EQZ || op == OP_I64_EQZ) {
        *a = c->code[at + 2];
        c->len = at;
        c->nops--;
        bool eqz = want;
        if (op == OP_I32_EQZ)
            return eqz ? OP_BR_I32_EQZ : OP_BR_I32_NEZ;
        return eqz ? OP_BR_I64_EQZ : OP_BR_I64_NEZ;
    }
    if (op >= OP_I32_EQ && op <= OP_I32_GE_U)
        k = op - OP_I32_EQ, base = OP_BR_I32_EQ;
    else if (op >= OP_I32_EQ_I && op <= OP_I32_GE_U_I)
        k = op - OP_I32_EQ_I, base = OP_BR_I32_EQ_I;
    else if (op >= OP_I64_EQ && op <= OP_I64_GE_U)
        k = op - OP_I64_EQ, base = OP_BR_I64_EQ;
    else
        return OP_COUNT;
    *a = c->code[at + 2];
    *b = c->code[at + 3];
    c->len = at;
    c->nops--;
    return base + (want ? k : negate_cmp[k]);
}

/* Consumes the condition on top of the stack and emits "jump if (cond !=
 * 0) == want" to chain *chain (or to a fixed target when chain is NULL). */
static void emit_cond_branch(comp_t *c, bool want, uint32_t *chain, uint32_t target)
{
    ent_t e = pop(c, WASM_I32);
    if (c->dead || c->r.failed)
        return;
    uint32_t a = 0, b = 0;
    uint32_t op = fuse_compare(c, want, &a, &b);
    if (op == OP_COUNT) {
        a = slot_of(c, &e, c->sh);
        emit2(c, want ? OP_BR_I32_NEZ : OP_BR_I32_EQZ, a);
    } else if (op == OP_BR_I32_EQZ || op == OP_BR_I32_NEZ || op == OP_BR_I64_EQZ ||
               op == OP_BR_I64_NEZ) {
        emit2(c, op, a);
    } else {
        emit3(c, op, a, b);
    }
    if (chain)
        emit_fixup(c, chain);
    else
        emit(c, target);
}

static void do_br(comp_t *c, uint32_t depth)
{
    ctl_t *f = label(c, depth);
    if (!f)
        return;
    check_label_values(c, f);
    if (!c->dead && !c->r.failed) {
        branch_moves(c, f, true);
        emit_op(c, OP_BR);
        emit_target(c, f);
    }
    set_unreachable(c);
}

static void do_br_if(comp_t *c, uint32_t depth)
{
    ctl_t *f = label(c, depth);
    if (!f)
        return;
    ent_t cond = pop(c, WASM_I32);
    check_label_values(c, f);
    if (c->r.failed)
        return;
    /* Put the condition back on top so emit_cond_branch can fuse it. */
    push(c, WASM_I32, cond.kind, cond.slot, cond.val);
    if (c->dead)
        return (void)pop(c, WASM_I32);
    if (!branch_moves(c, f, false)) {
        if (f->kind == CK_LOOP)
            emit_cond_branch(c, true, NULL, f->start);
        else
            emit_cond_branch(c, true, &f->fixups, 0);
        return;
    }
    uint32_t skip = NO_FIXUP;
    emit_cond_branch(c, false, &skip, 0);
    branch_moves(c, f, true);
    emit_op(c, OP_BR);
    emit_target(c, f);
    bind(c, skip);
}

static void do_br_table(comp_t *c)
{
    uint32_t n, depth;
    if (!wasmi_rd_u32(&c->r, &n))
        return;
    if (n > (uint32_t)(c->r.end - c->r.p))
        return (void)fail(c, "unexpected end: br_table has more labels than bytes");
    uint32_t *deps = wasm_plat_alloc(((size_t)n + 1) * sizeof(uint32_t));
    if (!deps)
        return (void)fail(c, "out of memory");
    for (uint32_t i = 0; i <= n && !c->r.failed; i++)
        if (wasmi_rd_u32(&c->r, &depth))
            deps[i] = depth;
    ent_t idx = pop(c, WASM_I32);
    ctl_t *def = c->r.failed ? NULL : label(c, deps[n]);
    if (def) {
        uint32_t arity = label_arity(def);
        for (uint32_t i = 0; i <= n && !c->r.failed; i++) {
            ctl_t *f = label(c, deps[i]);
            if (!f)
                break;
            if (label_arity(f) != arity) {
                fail(c, "type mismatch: br_table labels have different arities");
                break;
            }
            peek_label_values(c, f);
        }
    }
    if (!c->dead && !c->r.failed) {
        uint32_t is = slot_of(c, &idx, c->sh);
        emit3(c, OP_BR_TABLE, is, n);
        uint32_t table = c->len;
        for (uint32_t i = 0; i <= n; i++)
            emit(c, 0);
        for (uint32_t i = 0; i <= n && !c->r.failed; i++) {
            ctl_t *f = label(c, deps[i]);
            if (branch_moves(c, f, false)) {
                c->code[table + i] = c->len;
                branch_moves(c, f, true);
                emit_op(c, OP_BR);
                emit_target(c, f);
            } else if (f->kind == CK_LOOP) {
                c->code[table + i] = f->start;
            } else {
                c->code[table + i] = f->fixups;
                f->fixups = table + i;
            }
        }
    }
    wasm_plat_free(deps);
    set_unreachable(c);
}

/* Emits the function's return sequence for the values on top. */
static void emit_return(comp_t *c)
{
    const wasmi_functype_t *t = &c->m->types[c->cs[0].typeidx];
    uint32_t n = t->nresults;
    for (uint32_t i = n; i-- > 0;)
        pop(c, t->types[t->nparams + i]);
    if (c->dead || c->r.failed)
        return;
    if (n == 0) {
        emit_op(c, OP_RETURN0);
    } else if (n == 1 && t->rcells == 1) {
        ent_t *e = &c->st[c->sh];
        emit2(c, OP_RETURN1, slot_of(c, e, c->sh));
    } else if (n == 1) {
        /* one v128: copied from wherever it is (never a constant entry) */
        emit3(c, OP_RETURN, c->st[c->sh].slot, 2);
    } else {
        c->sh += n;
        materialize_from(c, c->sh - n);
        c->sh -= n;
        emit3(c, OP_RETURN, home(c, c->sh), t->rcells);
    }
}

static void do_else(comp_t *c)
{
    ctl_t *f = top_ctl(c);
    if (f->kind != CK_IF)
        return (void)fail(c, "else without a matching if");
    check_results(c, f);
    if (!c->dead) {
        emit_op(c, OP_BR);
        emit_fixup(c, &f->fixups);
    }
    c->dead = f->dead_entry;
    bind(c, f->else_fix);
    f->else_fix = NO_FIXUP;
    f->kind = CK_ELSE;
    f->unreachable = false;
    c->sh = f->height;
    for (uint32_t i = 0; i < f->np; i++)
        push_home(c, ctl_param(c, f, i));
}

/* Returns true when the function's final end was read. */
static bool do_end(comp_t *c)
{
    ctl_t *f = top_ctl(c);
    if (f->kind == CK_FUNC) {
        check_results(c, f);
        if (!c->dead || f->fixups != NO_FIXUP) {
            c->dead = false;
            bind(c, f->fixups);
            emit_return(c);
        }
        c->ch--;
        return true;
    }
    if (f->kind == CK_IF && f->np != f->nr)
        fail(c, "type mismatch: if without else must leave its params unchanged");
    if (f->kind == CK_IF) {
        for (uint32_t i = 0; i < f->np && !c->r.failed; i++)
            if (ctl_param(c, f, i) != ctl_result(c, f, i))
                fail(c, "type mismatch: if without else must leave its params unchanged");
    }
    check_results(c, f);
    bool live = !c->dead || f->fixups != NO_FIXUP ||
                (f->kind == CK_IF && !f->dead_entry);
    bool entry_dead = f->dead_entry;
    uint32_t height = f->height, nr = f->nr;
    ctl_t saved = *f;
    c->dead = entry_dead || !live;
    if (!c->dead) {
        bind(c, saved.fixups);
        if (saved.kind == CK_IF)
            bind(c, saved.else_fix);
    }
    c->ch--;
    c->sh = height;
    for (uint32_t i = 0; i < nr; i++)
        push_home(c, ctl_result(c, &saved, i));
    c->last_at = -1;
    return false;
}

/* ------------------------------------------------------------ operators */

static int imm_variant(uint32_t op)
{
    if (op >= OP_I32_EQ && op <= OP_I32_GE_U)
        return (int)(OP_I32_EQ_I + (op - OP_I32_EQ));
    if (op >= OP_I64_EQ && op <= OP_I64_GE_U)
        return (int)(OP_I64_EQ_I + (op - OP_I64_EQ));
    switch (op) {
    case OP_I32_ADD: return OP_I32_ADD_I;
    case OP_I32_SUB: return OP_I32_SUB_I;
    case OP_I32_MUL: return OP_I32_MUL_I;
    case OP_I32_AND: return OP_I32_AND_I;
    case OP_I32_OR: return OP_I32_OR_I;
    case OP_I32_XOR: return OP_I32_XOR_I;
    case OP_I32_SHL: return OP_I32_SHL_I;
    case OP_I32_SHR_S: return OP_I32_SHR_S_I;
    case OP_I32_SHR_U: return OP_I32_SHR_U_I;
    case OP_I64_ADD: return OP_I64_ADD_I;
    case OP_I64_SUB: return OP_I64_SUB_I;
    case OP_I64_MUL: return OP_I64_MUL_I;
    case OP_I64_AND: return OP_I64_AND_I;
    case OP_I64_OR: return OP_I64_OR_I;
    case OP_I64_XOR: return OP_I64_XOR_I;
    case OP_I64_SHL: return OP_I64_SHL_I;
    case OP_I64_SHR_S: return OP_I64_SHR_S_I;
    case OP_I64_SHR_U: return OP_I64_SHR_U_I;
    default: return -1;
    }
}

static bool is_int_cmp(uint32_t op)
{
    return op == OP_I32_EQZ || op == OP_I64_EQZ || (op >= OP_I32_EQ && op <= OP_I32_GE_U) ||
           (op >= OP_I64_EQ && op <= OP_I64_GE_U);
}

static void unop(comp_t *c, uint32_t op, uint8_t in, uint8_t out)
{
    ent_t a = pop(c, in);
    uint32_t pos = c->sh;
    if (!c->dead && !c->r.failed) {
        uint32_t sa = slot_of(c, &a, pos);
        emit3(c, op, home(c, pos), sa);
    }
    push_home(c, out);
    produced(c, pos, is_int_cmp(op));
}

static void binop(comp_t *c, uint32_t op, uint8_t in, uint8_t out)
{
    ent_t b = pop(c, in);
    ent_t a = pop(c, in);
    uint32_t pos = c->sh;
    if (!c->dead && !c->r.failed) {
        int iop = imm_variant(op);
        bool fits = in == WASM_I32 || (int64_t)b.val == (int64_t)(int32_t)b.val;
        uint32_t sa = slot_of(c, &a, pos);
        if (b.kind == EK_CONST && iop >= 0 && fits) {
            emit4(c, (uint32_t)iop, home(c, pos), sa, (uint32_t)b.val);
            op = (uint32_t)iop;
        } else {
            uint32_t sb = slot_of(c, &b, pos + 1);
            emit4(c, op, home(c, pos), sa, sb);
        }
    }
    push_home(c, out);
    produced(c, pos, is_int_cmp(op) || (op >= OP_I32_EQ_I && op <= OP_I32_GE_U_I));
}

/* Signatures of the numeric opcodes 0x45..0xC4: "ab>r" as type letters
 * i I f F (i32 i64 f32 f64); a blank second letter means unary. */
static const char *const numeric_sig[] = {
    [0x45 - 0x45] = "i >i",
    [0x50 - 0x45] = "I >i",
    [0x67 - 0x45] = "i >i", [0x68 - 0x45] = "i >i", [0x69 - 0x45] = "i >i",
    [0x79 - 0x45] = "I >I", [0x7A - 0x45] = "I >I", [0x7B - 0x45] = "I >I",
};

static uint8_t letter_type(char l)
{
    switch (l) {
    case 'i': return WASM_I32;
    case 'I': return WASM_I64;
    case 'f': return WASM_F32;
    default: return WASM_F64;
    }
}

/* Derives the signature of numeric opcode op (0x45..0xC4). */
static void numeric_types(uint8_t op, char sig[5])
{
    uint32_t i = op - 0x45u;
    const char *s = i < sizeof numeric_sig / sizeof numeric_sig[0] ? numeric_sig[i] : NULL;
    if (s) {
        __builtin_memcpy(sig, s, 5);
        return;
    }
    static const struct { uint8_t lo, hi; char s[5]; } ranges[] = {
        {0x46, 0x4F, "ii>i"}, {0x51, 0x5A, "II>i"}, {0x5B, 0x60, "ff>i"},
        {0x61, 0x66, "FF>i"}, {0x6A, 0x78, "ii>i"}, {0x7C, 0x8A, "II>I"},
        {0x8B, 0x91, "f >f"}, {0x92, 0x98, "ff>f"}, {0x99, 0x9F, "F >F"},
        {0xA0, 0xA6, "FF>F"}, {0xA7, 0xA7, "I >i"}, {0xA8, 0xA9, "f >i"},
        {0xAA, 0xAB, "F >i"}, {0xAC, 0xAD, "i >I"}, {0xAE, 0xAF, "f >I"},
        {0xB0, 0xB1, "F >I"}, {0xB2, 0xB3, "i >f"}, {0xB4, 0xB5, "I >f"},
        {0xB6, 0xB6, "F >f"}, {0xB7, 0xB8, "i >F"}, {0xB9, 0xBA, "I >F"},
        {0xBB, 0xBB, "f >F"}, {0xBC, 0xBC, "f >i"}, {0xBD, 0xBD, "F >I"},
        {0xBE, 0xBE, "i >f"}, {0xBF, 0xBF, "I >F"}, {0xC0, 0xC1, "i >i"},
        {0xC2, 0xC4, "I >I"},
    };
    for (uint32_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        if (op >= ranges[i].lo && op <= ranges[i].hi) {
            __builtin_memcpy(sig, ranges[i].s, 5);
            return;
        }
    __builtin_memcpy(sig, "i >i", 5);
}

static void numeric(comp_t *c, uint8_t byte)
{
    char sig[5];
    numeric_types(byte, sig);
    uint32_t op = OP_I32_EQZ + (byte - 0x45);
    uint8_t in = letter_type(sig[0]), out = letter_type(sig[3]);
    if (byte >= 0xBC && byte <= 0xBF) {
        /* reinterpret: the bits stay, only the type changes */
        ent_t a = pop(c, in);
        push(c, out, a.kind, a.slot, a.val);
        return;
    }
    if (sig[1] == ' ')
        unop(c, op, in, out);
    else
        binop(c, op, in, out);
}

/* ------------------------------------------------------------ locals, consts */

static void do_local_get(comp_t *c, uint32_t x)
{
    if (x >= c->nlocals)
        return (void)fail(c, "unknown local");
    push(c, c->ltypes[x], EK_SLOT, c->lcell[x], 0);
}

/* local.set / local.tee. */
static void do_local_set(comp_t *c, uint32_t x, bool tee)
{
    if (x >= c->nlocals)
        return (void)fail(c, "unknown local");
    uint8_t lt = c->ltypes[x];
    ent_t v = pop(c, lt);
    uint32_t pos = c->sh;
    x = c->lcell[x];   /* from here on, x is the local's slot */
    if (c->dead || c->r.failed) {
        if (tee)
            push(c, lt, EK_SLOT, x, 0);
        return;
    }
    bool fresh = c->last_at >= 0 && c->last_pos == pos && v.kind == EK_SLOT &&
                 v.slot == home(c, pos);
    if (fresh) {
        /* Retarget the producer when nothing else still reads x. */
        for (uint32_t p = top_ctl(c)->height; p < c->sh; p++)
            if (c->st[p].kind == EK_SLOT && c->st[p].slot == x)
                fresh = false;
    }
    if (fresh) {
        c->code[c->oppos[c->last_at] + 1] = x;
        c->last_at = -1;
    } else {
        protect_local(c, x);
        if (v.kind == EK_CONST) {
            if (v.val >> 32)
                emit4(c, OP_CONST64, x, (uint32_t)v.val, (uint32_t)(v.val >> 32));
            else
                emit3(c, OP_CONST32, x, (uint32_t)v.val);
        } else if (v.slot != x) {
            emit_mov(c, lt, x, v.slot);
        }
    }
    if (tee)
        push(c, lt, EK_SLOT, x, 0);
}

static void push_const(comp_t *c, uint8_t type, uint64_t v)
{
    push(c, type, EK_CONST, 0, v);
}

/* ------------------------------------------------------------ memory, tables */

static bool need_memory_idx(comp_t *c, uint32_t x)
{
    if (x >= c->m->nmems)
        return wasmi_rd_fail(&c->r, "unknown memory %u", x);
    return true;
}

/* A memory index after memory.size/grow/init/copy/fill (multiple memories;
 * Wasm 2.0 had a zero byte there). It must be minimally encoded: Wasm 2.0's
 * own tests require "\x80\x00" there to be malformed, and no tool pads it. */
static bool memory_index(comp_t *c, uint32_t *x)
{
    const uint8_t *at = c->r.p;
    if (!wasmi_rd_u32(&c->r, x))
        return false;
    if (c->r.p - at > 1 && (*x >> (7 * (uint32_t)(c->r.p - at - 1))) == 0)
        return fail(c, "zero byte expected: memory index not minimally encoded");
    return need_memory_idx(c, *x);
}

/* A memarg: alignment (bit 6 set: a memory index follows), memory index,
 * offset. Checks the alignment against the access size. */
static bool read_memarg(comp_t *c, uint32_t size, uint32_t *mem, uint32_t *off)
{
    uint32_t align;
    *mem = 0;
    if (!wasmi_rd_u32(&c->r, &align))
        return false;
    if (align & 0x40) {
        align &= ~0x40u;
        if (!wasmi_rd_u32(&c->r, mem))
            return false;
    }
    if (!wasmi_rd_u32(&c->r, off) || !need_memory_idx(c, *mem))
        return false;
    if (align >= 32 || (1u << align) > size)
        return fail(c, "alignment must not be larger than natural");
    return true;
}

/* MEMX d wop mem s0 s1 s2 off: a memory instruction on a memory other than
 * 0 (memx.c; memory 0 keeps the interpreter's inline ops). */
static void emit_memx(comp_t *c, uint32_t d, uint32_t wop, uint32_t mem, uint32_t s0,
                      uint32_t s1, uint32_t s2, uint32_t off)
{
    emit_op(c, OP_MEMX);
    emit(c, d), emit(c, wop), emit(c, mem), emit(c, s0), emit(c, s1), emit(c, s2), emit(c, off);
}

/* Load/store: op is the internal op, wop the Wasm opcode; size the access
 * width in bytes. */
static void mem_access(comp_t *c, uint32_t op, uint32_t wop, uint32_t size, uint8_t type,
                       bool store)
{
    uint32_t mem, off;
    if (!read_memarg(c, size, &mem, &off))
        return;
    if (store) {
        ent_t v = pop(c, type);
        ent_t a = pop(c, WASM_I32);
        uint32_t pos = c->sh;
        if (!c->dead && !c->r.failed) {
            uint32_t sa = slot_of(c, &a, pos);
            uint32_t sv = slot_of(c, &v, pos + 1);
            if (mem)
                emit_memx(c, 0, wop, mem, sa, sv, 0, off);
            else
                emit4(c, op, sa, sv, off);
        }
        return;
    }
    ent_t a = pop(c, WASM_I32);
    uint32_t pos = c->sh;
    if (!c->dead && !c->r.failed) {
        if (mem)
            emit_memx(c, home(c, pos), wop, mem, slot_of(c, &a, pos), 0, 0, off);
        else
            emit4(c, op, home(c, pos), slot_of(c, &a, pos), off);
    }
    push_home(c, type);
    produced(c, pos, false);
}

static void memory_op(comp_t *c, uint8_t byte)
{
    static const struct { uint16_t op; uint8_t size, type, store; } t[] = {
        {OP_I32_LOAD, 4, WASM_I32, 0},     {OP_I64_LOAD, 8, WASM_I64, 0},
        {OP_F32_LOAD, 4, WASM_F32, 0},     {OP_F64_LOAD, 8, WASM_F64, 0},
        {OP_I32_LOAD8_S, 1, WASM_I32, 0},  {OP_I32_LOAD8_U, 1, WASM_I32, 0},
        {OP_I32_LOAD16_S, 2, WASM_I32, 0}, {OP_I32_LOAD16_U, 2, WASM_I32, 0},
        {OP_I64_LOAD8_S, 1, WASM_I64, 0},  {OP_I64_LOAD8_U, 1, WASM_I64, 0},
        {OP_I64_LOAD16_S, 2, WASM_I64, 0}, {OP_I64_LOAD16_U, 2, WASM_I64, 0},
        {OP_I64_LOAD32_S, 4, WASM_I64, 0}, {OP_I64_LOAD32_U, 4, WASM_I64, 0},
        {OP_I32_STORE, 4, WASM_I32, 1},    {OP_I64_STORE, 8, WASM_I64, 1},
        {OP_F32_STORE, 4, WASM_F32, 1},    {OP_F64_STORE, 8, WASM_F64, 1},
        {OP_I32_STORE8, 1, WASM_I32, 1},   {OP_I32_STORE16, 2, WASM_I32, 1},
        {OP_I64_STORE8, 1, WASM_I64, 1},   {OP_I64_STORE16, 2, WASM_I64, 1},
        {OP_I64_STORE32, 4, WASM_I64, 1},
    };
    const __typeof__(t[0]) *e = &t[byte - 0x28];
    mem_access(c, e->op, byte, e->size, e->type, e->store);
}

/* Pops n i32 operands (top last) into slots s[0..n). */
static void pop_i32s(comp_t *c, uint32_t n, uint32_t *s)
{
    ent_t e[3];
    for (uint32_t i = n; i-- > 0;)
        e[i] = pop(c, WASM_I32);
    for (uint32_t i = 0; i < n; i++)
        s[i] = c->dead || c->r.failed ? 0 : slot_of(c, &e[i], c->sh + i);
}

static bool table_index(comp_t *c, uint32_t *x)
{
    if (!wasmi_rd_u32(&c->r, x))
        return false;
    if (*x >= c->m->ntables)
        return fail(c, "unknown table");
    return true;
}

static bool need_datacount(comp_t *c, uint32_t seg)
{
    if (!c->m->has_datacount)
        return fail(c, "data count section required");
    if (seg >= c->m->datacount)
        return fail(c, "unknown data segment");
    return true;
}

static bool elem_index(comp_t *c, uint32_t *x)
{
    if (!wasmi_rd_u32(&c->r, x))
        return false;
    if (*x >= c->m->nelems)
        return fail(c, "unknown elem segment");
    return true;
}

/* The 0xFC prefix: saturating truncation, bulk memory, tables. */
static void prefixed(comp_t *c)
{
    uint32_t sub, x, y, s[3];
    if (!wasmi_rd_u32(&c->r, &sub))
        return;
    if (sub <= 7) {
        static const char ins[8] = {'f', 'f', 'F', 'F', 'f', 'f', 'F', 'F'};
        unop(c, OP_I32_TRUNC_SAT_F32_S + sub, letter_type(ins[sub]),
             sub < 4 ? WASM_I32 : WASM_I64);
        return;
    }
    switch (sub) {
    case 8: /* memory.init */
        if (!wasmi_rd_u32(&c->r, &x) || !memory_index(c, &y) || !need_datacount(c, x))
            return;
        pop_i32s(c, 3, s);
        if (y)
            emit_memx(c, 0, 0x108, y, s[0], s[1], s[2], x);
        else
            emit_op(c, OP_MEMORY_INIT), emit(c, x), emit(c, s[0]), emit(c, s[1]), emit(c, s[2]);
        return;
    case 9: /* data.drop */
        if (wasmi_rd_u32(&c->r, &x) && need_datacount(c, x))
            emit2(c, OP_DATA_DROP, x);
        return;
    case 10: /* memory.copy dst src */
        if (!memory_index(c, &x) || !memory_index(c, &y))
            return;
        pop_i32s(c, 3, s);
        if (x || y)
            emit_memx(c, 0, 0x10A, x, s[0], s[1], s[2], y);
        else
            emit4(c, OP_MEMORY_COPY, s[0], s[1], s[2]);
        return;
    case 11: /* memory.fill */
        if (!memory_index(c, &x))
            return;
        pop_i32s(c, 3, s);
        if (x)
            emit_memx(c, 0, 0x10B, x, s[0], s[1], s[2], 0);
        else
            emit4(c, OP_MEMORY_FILL, s[0], s[1], s[2]);
        return;
    case 12: /* table.init elem table */
        if (!elem_index(c, &y) || !table_index(c, &x))
            return;
        if (c->m->elems[y].type != c->m->tables[x].elem)
            return (void)fail(c, "type mismatch: table.init element type");
        pop_i32s(c, 3, s);
        emit_op(c, OP_TABLE_INIT), emit(c, x), emit(c, y);
        emit(c, s[0]), emit(c, s[1]), emit(c, s[2]);
        return;
    case 13: /* elem.drop */
        if (elem_index(c, &x))
            emit2(c, OP_ELEM_DROP, x);
        return;
    case 14: /* table.copy dst src */
        if (!table_index(c, &x) || !table_index(c, &y))
            return;
        if (c->m->tables[x].elem != c->m->tables[y].elem)
            return (void)fail(c, "type mismatch: table.copy between different types");
        pop_i32s(c, 3, s);
        emit_op(c, OP_TABLE_COPY), emit(c, x), emit(c, y);
        emit(c, s[0]), emit(c, s[1]), emit(c, s[2]);
        return;
    case 15: { /* table.grow */
        if (!table_index(c, &x))
            return;
        ent_t n = pop(c, WASM_I32);
        ent_t v = pop(c, c->m->tables[x].elem);
        uint32_t pos = c->sh;
        if (!c->dead && !c->r.failed) {
            uint32_t sv = slot_of(c, &v, pos), sn = slot_of(c, &n, pos + 1);
            emit_op(c, OP_TABLE_GROW), emit(c, home(c, pos)), emit(c, x), emit(c, sv);
            emit(c, sn);
        }
        push_home(c, WASM_I32);
        return;
    }
    case 16: /* table.size */
        if (!table_index(c, &x))
            return;
        emit3(c, OP_TABLE_SIZE, home(c, c->sh), x);
        push_home(c, WASM_I32);
        return;
    case 17: { /* table.fill */
        if (!table_index(c, &x))
            return;
        ent_t n = pop(c, WASM_I32);
        ent_t v = pop(c, c->m->tables[x].elem);
        ent_t i = pop(c, WASM_I32);
        uint32_t pos = c->sh;
        if (!c->dead && !c->r.failed) {
            uint32_t si = slot_of(c, &i, pos), sv = slot_of(c, &v, pos + 1);
            uint32_t sn = slot_of(c, &n, pos + 2);
            emit_op(c, OP_TABLE_FILL), emit(c, x), emit(c, si), emit(c, sv), emit(c, sn);
        }
        return;
    }
    default:
        fail(c, "illegal opcode: unknown 0xfc sub-opcode");
    }
}

/* ------------------------------------------------------------ SIMD */

/* The interpreter's own handler for SIMD opcode sub, or OP_SIMD (ops.h). */
static uint32_t simd_fast_op(uint32_t sub)
{
    static const struct { uint8_t sub; uint16_t op; } t[] = {
        {0x00, OP_V_LOAD}, {0x0B, OP_V_STORE}, {0x0C, OP_V_CONST}, {0x0D, OP_V_SHUFFLE},
        {0x11, OP_V_SPLAT32}, {0x13, OP_V_SPLAT32}, {0x12, OP_V_SPLAT64}, {0x14, OP_V_SPLAT64},
        {0x1B, OP_V_EXTRACT32}, {0x1F, OP_V_EXTRACT32}, {0x1D, OP_V_EXTRACT64},
        {0x21, OP_V_EXTRACT64}, {0x4E, OP_V_AND}, {0x4F, OP_V_ANDNOT}, {0x50, OP_V_OR},
        {0x51, OP_V_XOR}, {0x6E, OP_V_I8_ADD}, {0x71, OP_V_I8_SUB}, {0x8E, OP_V_I16_ADD},
        {0x91, OP_V_I16_SUB}, {0x95, OP_V_I16_MUL}, {0xAE, OP_V_I32_ADD}, {0xB1, OP_V_I32_SUB},
        {0xB5, OP_V_I32_MUL}, {0xCE, OP_V_I64_ADD}, {0xD1, OP_V_I64_SUB}, {0xD5, OP_V_I64_MUL},
        {0xE4, OP_V_F32_ADD}, {0xE5, OP_V_F32_SUB}, {0xE6, OP_V_F32_MUL}, {0xE7, OP_V_F32_DIV},
        {0xF0, OP_V_F64_ADD}, {0xF1, OP_V_F64_SUB}, {0xF2, OP_V_F64_MUL}, {0xF3, OP_V_F64_DIV},
    };
    for (uint32_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (t[i].sub == sub)
            return t[i].op;
    return OP_SIMD;
}

/* The 0xFD prefix: every instruction becomes one OP_SIMD (simd.h), or for
 * the commonest ones an op of the same layout with its own handler. */
static void simd(comp_t *c)
{
    uint32_t sub, mem = 0, off = 0, w[4] = {0, 0, 0, 0};
    uint8_t lane = 0;
    const uint8_t *b;
    if (!wasmi_rd_u32(&c->r, &sub))
        return;
    wasmi_simd_info_t in = wasmi_simd_describe(sub);
    switch (in.kind) {
    case SK_BAD:
        return (void)fail(c, "illegal opcode: unknown SIMD opcode");
    case SK_LOAD: case SK_STORE: case SK_LOADLANE: case SK_STORELANE:
        if (!read_memarg(c, in.size, &mem, &off))
            return;
        break;
    case SK_CONST: case SK_SHUFFLE:
        if (!wasmi_rd_bytes(&c->r, 16, &b))
            return;
        for (uint32_t i = 0; i < 16; i++) {
            if (in.kind == SK_SHUFFLE && b[i] >= 32)
                return (void)fail(c, "invalid lane index");
            w[i / 4] |= (uint32_t)b[i] << (8 * (i % 4));
        }
        break;
    default:
        break;
    }
    if (in.kind == SK_LOADLANE || in.kind == SK_STORELANE || in.kind == SK_EXTRACT ||
        in.kind == SK_REPLACE) {
        if (!wasmi_rd_u8(&c->r, &lane))
            return;
        if (lane >= in.lanes)
            return (void)fail(c, "invalid lane index");
    }
    /* Operands, top last: e[0..n) with their types. */
    ent_t e[3];
    uint8_t t[3] = {WASM_V128, WASM_V128, WASM_V128};
    uint32_t n = 0;
    uint8_t result = WASM_V128;
    switch (in.kind) {
    case SK_LOAD: n = 1, t[0] = WASM_I32; break;
    case SK_STORE: case SK_STORELANE: n = 2, t[0] = WASM_I32, result = 0; break;
    case SK_LOADLANE: n = 2, t[0] = WASM_I32; break;
    case SK_CONST: n = 0; break;
    case SK_SHUFFLE: case SK_BINARY: n = 2; break;
    case SK_SPLAT: n = 1, t[0] = in.scalar; break;
    case SK_EXTRACT: n = 1, result = in.scalar; break;
    case SK_REPLACE: n = 2, t[1] = in.scalar; break;
    case SK_TEST: n = 1, result = WASM_I32; break;
    case SK_SHIFT: n = 2, t[1] = WASM_I32; break;
    case SK_UNARY: n = 1; break;
    case SK_TERNARY: n = 3; break;
    }
    for (uint32_t i = n; i-- > 0;)
        e[i] = pop(c, t[i]);
    uint32_t pos = c->sh, s[3] = {0, 0, 0};
    if (!c->dead && !c->r.failed) {
        for (uint32_t i = 0; i < n; i++)
            s[i] = slot_of(c, &e[i], pos + i);
        /* SIMD_M mem, then the OP_SIMD words: an access to memory mem != 0 */
        if (mem)
            emit_op(c, OP_SIMD_M), emit(c, mem);
        else
            emit_op(c, simd_fast_op(sub));
        emit(c, result ? home(c, pos) : 0);
        emit(c, sub | (uint32_t)in.kind << 8);
        switch (in.kind) {
        case SK_LOAD: emit(c, s[0]), emit(c, off); break;
        case SK_STORE: emit(c, s[0]), emit(c, s[1]), emit(c, off); break;
        case SK_LOADLANE: case SK_STORELANE:
            emit(c, s[0]), emit(c, s[1]), emit(c, off), emit(c, lane);
            break;
        case SK_CONST: emit(c, w[0]), emit(c, w[1]), emit(c, w[2]), emit(c, w[3]); break;
        case SK_SHUFFLE:
            emit(c, s[0]), emit(c, s[1]);
            emit(c, w[0]), emit(c, w[1]), emit(c, w[2]), emit(c, w[3]);
            break;
        case SK_EXTRACT: emit(c, s[0]), emit(c, lane); break;
        case SK_REPLACE: emit(c, s[0]), emit(c, s[1]), emit(c, lane); break;
        default:
            for (uint32_t i = 0; i < n; i++)
                emit(c, s[i]);
            break;
        }
    }
    if (result) {
        push_home(c, result);
        if (!mem)   /* SIMD_M has its result slot at word 2: not retargeted */
            produced(c, pos, false);
    }
}

static void do_call(comp_t *c, uint32_t fidx)
{
    if (fidx >= c->m->nfuncs)
        return (void)fail(c, "unknown function");
    const wasmi_functype_t *t = &c->m->types[c->m->func_type[fidx]];
    for (uint32_t i = t->nparams; i-- > 0;)
        pop(c, t->types[i]);
    uint32_t base = c->sh;
    if (!c->dead && !c->r.failed) {
        c->sh += t->nparams;
        materialize_from(c, base);
        c->sh = base;
        emit3(c, OP_CALL, fidx, home(c, base));
    }
    for (uint32_t i = 0; i < t->nresults; i++)
        push_home(c, t->types[t->nparams + i]);
}

/* return_call / return_call_indirect: the callee's results must be the
 * running function's results, since they become its results. */
static bool tail_results_ok(comp_t *c, const wasmi_functype_t *t)
{
    const wasmi_functype_t *ft = &c->m->types[c->cs[0].typeidx];
    if (t->nresults != ft->nresults)
        return fail(c, "type mismatch: tail call results differ from the function's");
    for (uint32_t i = 0; i < t->nresults; i++)
        if (t->types[t->nparams + i] != ft->types[ft->nparams + i])
            return fail(c, "type mismatch: tail call results differ from the function's");
    return true;
}

/* return_call x: the arguments go home, then RETURN_CALL moves them to the
 * frame's start and replaces the running function (constant stack). */
static void do_return_call(comp_t *c, uint32_t fidx)
{
    if (fidx >= c->m->nfuncs)
        return (void)fail(c, "unknown function");
    const wasmi_functype_t *t = &c->m->types[c->m->func_type[fidx]];
    if (!tail_results_ok(c, t))
        return;
    for (uint32_t i = t->nparams; i-- > 0;)
        pop(c, t->types[i]);
    uint32_t base = c->sh;
    if (!c->dead && !c->r.failed) {
        c->sh += t->nparams;
        materialize_from(c, base);
        c->sh = base;
        emit3(c, OP_RETURN_CALL, fidx, home(c, base));
        if (fidx < c->m->nfunc_imports)
            c->m->tail_out = true;
    }
    set_unreachable(c);
}

static void do_return_call_indirect(comp_t *c)
{
    uint32_t ti, tab;
    if (!wasmi_rd_u32(&c->r, &ti) || !wasmi_rd_u32(&c->r, &tab))
        return;
    if (ti >= c->m->ntypes)
        return (void)fail(c, "unknown type");
    if (tab >= c->m->ntables)
        return (void)fail(c, "unknown table");
    if (c->m->tables[tab].elem != WASM_FUNCREF)
        return (void)fail(c, "type mismatch: return_call_indirect needs a funcref table");
    const wasmi_functype_t *t = &c->m->types[ti];
    if (!tail_results_ok(c, t))
        return;
    ent_t idx = pop(c, WASM_I32);
    for (uint32_t i = t->nparams; i-- > 0;)
        pop(c, t->types[i]);
    uint32_t base = c->sh;
    if (!c->dead && !c->r.failed) {
        uint32_t is = slot_of(c, &idx, base + t->nparams);
        c->sh += t->nparams;
        materialize_from(c, base);
        c->sh = base;
        emit_op(c, OP_RETURN_CALL_INDIRECT), emit(c, tab), emit(c, t->canon), emit(c, is);
        emit(c, home(c, base));
        c->m->tail_out = true;
    }
    set_unreachable(c);
}

static void do_call_indirect(comp_t *c)
{
    uint32_t ti, tab;
    if (!wasmi_rd_u32(&c->r, &ti) || !wasmi_rd_u32(&c->r, &tab))
        return;
    if (ti >= c->m->ntypes)
        return (void)fail(c, "unknown type");
    if (tab >= c->m->ntables)
        return (void)fail(c, "unknown table");
    if (c->m->tables[tab].elem != WASM_FUNCREF)
        return (void)fail(c, "type mismatch: call_indirect needs a funcref table");
    const wasmi_functype_t *t = &c->m->types[ti];
    ent_t idx = pop(c, WASM_I32);
    for (uint32_t i = t->nparams; i-- > 0;)
        pop(c, t->types[i]);
    uint32_t base = c->sh;
    if (!c->dead && !c->r.failed) {
        uint32_t is = slot_of(c, &idx, base + t->nparams);
        c->sh += t->nparams;
        materialize_from(c, base);
        c->sh = base;
        emit_op(c, OP_CALL_INDIRECT), emit(c, tab), emit(c, t->canon), emit(c, is);
        emit(c, home(c, base));
    }
    for (uint32_t i = 0; i < t->nresults; i++)
        push_home(c, t->types[t->nparams + i]);
}

static void do_select(comp_t *c, bool typed)
{
    uint8_t want = T_UNKNOWN;
    if (typed) {
        uint32_t n;
        uint8_t t;
        if (!wasmi_rd_u32(&c->r, &n))
            return;
        if (n != 1)
            return (void)fail(c, "invalid result arity: select takes one type");
        if (!wasmi_rd_u8(&c->r, &t))
            return;
        if (!valtype_ok(t))
            return (void)fail(c, "malformed value type in select");
        want = t;
    }
    ent_t cond = pop(c, WASM_I32);
    ent_t b = pop(c, want);
    ent_t a = pop(c, want == T_UNKNOWN ? b.type : want);
    uint8_t type = want != T_UNKNOWN ? want : (a.type != T_UNKNOWN ? a.type : b.type);
    if (!typed && type != T_UNKNOWN && !wasmi_is_numtype(type) && type != WASM_V128)
        return (void)fail(c, "type mismatch: untyped select needs numeric or vector operands");
    uint32_t pos = c->sh;
    if (!c->dead && !c->r.failed) {
        uint32_t sa = slot_of(c, &a, pos), sb = slot_of(c, &b, pos + 1);
        uint32_t sc = slot_of(c, &cond, pos + 2);
        emit_op(c, type == WASM_V128 ? OP_SELECT128 : OP_SELECT);
        emit(c, home(c, pos)), emit(c, sa), emit(c, sb), emit(c, sc);
    }
    push_home(c, type);
    produced(c, pos, false);
}

static void do_global(comp_t *c, uint32_t x, bool set)
{
    if (x >= c->m->nglobals)
        return (void)fail(c, "unknown global");
    const wasmi_globaltype_t *g = &c->m->globals[x];
    bool wide = g->type == WASM_V128;
    if (!set) {
        uint32_t pos = c->sh;
        emit3(c, wide ? OP_GLOBAL_GET128 : OP_GLOBAL_GET, home(c, pos), x);
        push_home(c, g->type);
        produced(c, pos, false);
        return;
    }
    if (!g->mut)
        return (void)fail(c, "global is immutable");
    ent_t v = pop(c, g->type);
    if (!c->dead && !c->r.failed)
        emit3(c, wide ? OP_GLOBAL_SET128 : OP_GLOBAL_SET, slot_of(c, &v, c->sh), x);
}

/* ------------------------------------------------------------ the loop */

static void control(comp_t *c, uint8_t op)
{
    uint32_t x;
    switch (op) {
    case 0x00:
        emit_op(c, OP_UNREACHABLE);
        set_unreachable(c);
        return;
    case 0x01:
        return;
    case 0x02:
        open_block(c, CK_BLOCK);
        return;
    case 0x03:
        /* No safe-point op here: the interpreter checks on every backward
         * jump, which is exactly the loop back-edges. */
        open_block(c, CK_LOOP);
        return;
    case 0x04: {
        /* The condition sits above the params: pop it, open the block (which
         * materialises the stack), then put it back on top so that a
         * comparison just before can be fused into the branch. */
        ent_t cond = pop(c, WASM_I32);
        if (!open_block(c, CK_IF))
            return;
        ctl_t *f = top_ctl(c);
        uint32_t h = f->height;
        f->height = c->sh;
        push(c, WASM_I32, cond.kind, cond.slot, cond.val);
        if (c->dead)
            pop(c, WASM_I32);
        else
            emit_cond_branch(c, false, &f->else_fix, 0);
        top_ctl(c)->height = h;
        return;
    }
    case 0x05:
        do_else(c);
        return;
    case 0x0C:
        if (wasmi_rd_u32(&c->r, &x))
            do_br(c, x);
        return;
    case 0x0D:
        if (wasmi_rd_u32(&c->r, &x))
            do_br_if(c, x);
        return;
    case 0x0E:
        do_br_table(c);
        return;
    case 0x0F:
        emit_return(c);
        set_unreachable(c);
        return;
    case 0x10:
        if (wasmi_rd_u32(&c->r, &x))
            do_call(c, x);
        return;
    case 0x11:
        do_call_indirect(c);
        return;
    case 0x12:
        if (wasmi_rd_u32(&c->r, &x))
            do_return_call(c, x);
        return;
    case 0x13:
        do_return_call_indirect(c);
        return;
    default:
        fail(c, "illegal opcode");
    }
}

static void reference(comp_t *c, uint8_t op)
{
    uint32_t x;
    uint8_t t;
    switch (op) {
    case 0xD0:
        if (!wasmi_rd_u8(&c->r, &t))
            return;
        if (!wasmi_is_reftype(t))
            return (void)fail(c, "malformed reference type");
        push_const(c, t, 0);
        return;
    case 0xD1: {
        ent_t a = pop(c, T_UNKNOWN);
        if (a.type != T_UNKNOWN && !wasmi_is_reftype(a.type))
            return (void)fail(c, "type mismatch: ref.is_null needs a reference");
        uint32_t pos = c->sh;
        if (!c->dead && !c->r.failed)
            emit3(c, OP_REF_IS_NULL, home(c, pos), slot_of(c, &a, pos));
        push_home(c, WASM_I32);
        return;
    }
    case 0xD2:
        if (!wasmi_rd_u32(&c->r, &x))
            return;
        if (x >= c->m->nfuncs)
            return (void)fail(c, "unknown function");
        if (!(c->m->declared_funcs[x / 8] & (1u << (x % 8))))
            return (void)fail(c, "undeclared function reference");
        emit3(c, OP_REF_FUNC, home(c, c->sh), x);
        push_home(c, WASM_FUNCREF);
        return;
    }
}

static void table_getset(comp_t *c, bool set)
{
    uint32_t x;
    if (!table_index(c, &x))
        return;
    uint8_t et = c->m->tables[x].elem;
    if (set) {
        ent_t v = pop(c, et);
        ent_t i = pop(c, WASM_I32);
        uint32_t pos = c->sh;
        if (!c->dead && !c->r.failed) {
            uint32_t si = slot_of(c, &i, pos), sv = slot_of(c, &v, pos + 1);
            emit4(c, OP_TABLE_SET, x, si, sv);
        }
        return;
    }
    ent_t i = pop(c, WASM_I32);
    uint32_t pos = c->sh;
    if (!c->dead && !c->r.failed)
        emit4(c, OP_TABLE_GET, home(c, pos), x, slot_of(c, &i, pos));
    push_home(c, et);
}

/* Reads one instruction. Returns true at the function's final end. */
static bool instruction(comp_t *c)
{
    uint8_t op;
    uint32_t x;
    int32_t v32;
    int64_t v64;
    uint32_t b32;
    uint64_t b64;
    if (!wasmi_rd_u8(&c->r, &op))
        return false;
    if (op <= 0x13 && op != 0x0B) {
        control(c, op);
        return false;
    }
    switch (op) {
    case 0x0B: return do_end(c);
    case 0x1A: pop(c, T_UNKNOWN); return false;
    case 0x1B: do_select(c, false); return false;
    case 0x1C: do_select(c, true); return false;
    case 0x20: if (wasmi_rd_u32(&c->r, &x)) do_local_get(c, x); return false;
    case 0x21: if (wasmi_rd_u32(&c->r, &x)) do_local_set(c, x, false); return false;
    case 0x22: if (wasmi_rd_u32(&c->r, &x)) do_local_set(c, x, true); return false;
    case 0x23: if (wasmi_rd_u32(&c->r, &x)) do_global(c, x, false); return false;
    case 0x24: if (wasmi_rd_u32(&c->r, &x)) do_global(c, x, true); return false;
    case 0x25: table_getset(c, false); return false;
    case 0x26: table_getset(c, true); return false;
    case 0x3F: {
        if (!memory_index(c, &x))
            return false;
        if (x)
            emit_memx(c, home(c, c->sh), 0x3F, x, 0, 0, 0, 0);
        else
            emit2(c, OP_MEMORY_SIZE, home(c, c->sh));
        push_home(c, WASM_I32);
        return false;
    }
    case 0x40: {
        if (!memory_index(c, &x))
            return false;
        ent_t d = pop(c, WASM_I32);
        uint32_t pos = c->sh;
        if (!c->dead && !c->r.failed) {
            if (x)
                emit_memx(c, home(c, pos), 0x40, x, slot_of(c, &d, pos), 0, 0, 0);
            else
                emit3(c, OP_MEMORY_GROW, home(c, pos), slot_of(c, &d, pos));
        }
        push_home(c, WASM_I32);
        return false;
    }
    case 0x41: if (wasmi_rd_s32(&c->r, &v32)) push_const(c, WASM_I32, (uint32_t)v32); return false;
    case 0x42: if (wasmi_rd_s64(&c->r, &v64)) push_const(c, WASM_I64, (uint64_t)v64); return false;
    case 0x43: if (wasmi_rd_fixed32(&c->r, &b32)) push_const(c, WASM_F32, b32); return false;
    case 0x44: if (wasmi_rd_fixed64(&c->r, &b64)) push_const(c, WASM_F64, b64); return false;
    case 0xD0: case 0xD1: case 0xD2: reference(c, op); return false;
    case 0xFC: prefixed(c); return false;
    case 0xFD: simd(c); return false;
    default: break;
    }
    if (op >= 0x28 && op <= 0x3E)
        memory_op(c, op);
    else if (op >= 0x45 && op <= 0xC4)
        numeric(c, op);
    else
        fail(c, "illegal opcode");
    return false;
}

/* ------------------------------------------------------------ entry */

static bool read_locals(comp_t *c, const wasmi_functype_t *t)
{
    uint32_t ngroups;
    if (!wasmi_rd_u32(&c->r, &ngroups))
        return false;
    uint64_t total = t->nparams;
    const uint8_t *save = c->r.p;
    for (uint32_t i = 0; i < ngroups; i++) {
        uint32_t n;
        uint8_t ty;
        if (!wasmi_rd_u32(&c->r, &n) || !wasmi_rd_u8(&c->r, &ty))
            return false;
        total += n;
        if (total > MAX_LOCALS)
            return fail(c, "too many locals");
        if (!valtype_ok(ty))
            return fail(c, "malformed value type for a local");
    }
    c->nlocals = (uint32_t)total;
    c->ltypes = wasm_plat_alloc(total ? total : 1);
    if (!c->ltypes)
        return fail(c, "out of memory");
    __builtin_memcpy(c->ltypes, t->types, t->nparams);
    c->r.p = save;
    uint32_t at = t->nparams;
    for (uint32_t i = 0; i < ngroups; i++) {
        uint32_t n;
        uint8_t ty;
        wasmi_rd_u32(&c->r, &n);
        wasmi_rd_u8(&c->r, &ty);
        __builtin_memset(c->ltypes + at, ty, n);
        at += n;
    }
    c->lcell = wasm_plat_alloc((total ? total : 1) * sizeof(uint32_t));
    if (!c->lcell)
        return fail(c, "out of memory");
    for (uint32_t i = 0; i < total; i++) {
        c->lcell[i] = c->lcells;
        c->lcells += wasmi_cells(c->ltypes[i]);
    }
    c->max_cell = c->lcells;
    return true;
}

/* Branch targets were emitted as absolute word indices; the interpreter
 * wants them relative to the branch's op word (a backward jump is then
 * simply a non-positive offset). */
static void relocate_targets(comp_t *c)
{
    for (uint32_t i = 0; i < c->nops; i++) {
        uint32_t at = c->oppos[i], op = c->code[at];
        if (op == OP_BR) {
            c->code[at + 1] -= at;
        } else if (op == OP_BR_TABLE) {
            for (uint32_t k = 0; k <= c->code[at + 2]; k++)
                c->code[at + 3 + k] -= at;
        } else if (op >= OP_BR_I32_EQ && op < OP_BR_I32_EQZ) {
            c->code[at + 3] -= at;
        } else if (op >= OP_BR_I32_EQZ && op <= OP_BR_I64_NEZ) {
            c->code[at + 2] -= at;
        }
    }
}

/* Rewrites opcode words into handler offsets (threaded dispatch). */
static void thread_code(comp_t *c)
{
    const int32_t *tab = c->m->rt->dispatch;
    if (!tab)
        return;
    for (uint32_t i = 0; i < c->nops; i++)
        c->code[c->oppos[i]] = (uint32_t)tab[c->code[c->oppos[i]]];
}

static void comp_free(comp_t *c)
{
    wasm_plat_free(c->code);
    wasm_plat_free(c->oppos);
    wasm_plat_free(c->st);
    wasm_plat_free(c->cs);
    wasm_plat_free(c->ltypes);
    wasm_plat_free(c->lcell);
}

bool wasmi_compile(wasm_module_t *m, uint32_t def_index, wasm_error_t *err)
{
    wasmi_funcdef_t *d = &m->defs[def_index];
    const wasmi_functype_t *t = &m->types[d->type_idx];
    comp_t c;
    __builtin_memset(&c, 0, sizeof c);
    c.m = m;
    c.err = err;
    c.last_at = -1;
    c.r.base = m->bytes;
    c.r.p = m->bytes + d->body_off;
    c.r.end = c.r.p + d->body_len;
    c.r.section = "code";
    c.r.err = err;
    bool ok = read_locals(&c, t);
    ctl_t *f = ok ? push_ctl(&c, CK_FUNC) : NULL;
    if (f) {
        f->typeidx = d->type_idx;
        f->nr = t->nresults;
        bool done = false;
        while (!done && !c.r.failed) {
            if (c.r.p >= c.r.end) {
                fail(&c, "unexpected end of function body (END opcode expected)");
                break;
            }
            done = instruction(&c);
        }
        if (done && c.r.p != c.r.end)
            fail(&c, "section size mismatch: bytes after the function's end");
    }
    ok = !c.r.failed;
    if (ok) {
        relocate_targets(&c);
        thread_code(&c);
        /* The buffer grew by doubling (up to half of it slack); what the
         * module keeps for as long as it lives is sized to the code. */
        uint32_t *fit = c.len && c.len < c.cap
                            ? wasm_plat_realloc(c.code, (size_t)c.cap * sizeof *fit,
                                                (size_t)c.len * sizeof *fit)
                            : NULL;
        if (fit)
            c.code = fit;
        d->code = c.code;
        d->code_len = c.len;
        d->nlocals = c.lcells;
        d->frame_cells = c.max_cell + 1;
        c.code = NULL;
    }
    comp_free(&c);
    return ok;
}
