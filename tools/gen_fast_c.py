"""Generate src/skypeflux/crypto/_fast.c from the key-expansion program data.

The C fast path must compute exactly what the pure-Python engine computes, so its expansion part
is not written by hand: this script translates the checked program of
``skypeflux.crypto.expansion`` (the same parse the Python engine compiles) into one C function per
routine, derives the lookup tables from ``expansion_tables``, and wraps them with the fixed RC4 and
CPython glue below. The output is committed; a test regenerates it and compares.

Usage: python tools/gen_fast_c.py [--check]
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from skypeflux.crypto.expansion import (  # noqa: E402
    KEY_BYTES,
    KEY_WORDS,
    Assign,
    Call,
    ParsedRoutine,
    Statement,
    Stop,
    parse_program,
)
from skypeflux.crypto.expansion_tables import TABLES  # noqa: E402

OUTPUT = REPO / "src" / "skypeflux" / "crypto" / "_fast.c"
LANES = 4

_BINARY = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.Mod: "%",
}
_COMPARE = {ast.Lt: "<", ast.Gt: ">", ast.Eq: "=="}


def c_constant(value: int) -> str:
    return f"{value}u" if value < 10 else f"0x{value:X}u"


def c_expr(node: ast.expr) -> str:
    """Translate a checked notation expression to C over uint32_t (which wraps by itself)."""
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, int)
        return c_constant(node.value)
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Subscript):
        assert isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int)
        return f"k[{node.slice.value}]"
    if isinstance(node, ast.UnaryOp):
        return f"(0u - {c_expr(node.operand)})"
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.LShift | ast.RShift | ast.Mod):
            # C leaves shifts by >= 32 and % 0 undefined; the program only uses safe constants.
            right = node.right
            assert isinstance(right, ast.Constant) and isinstance(right.value, int), node
            assert 0 < right.value < 32 or isinstance(node.op, ast.Mod), ast.unparse(node)
        op = _BINARY[type(node.op)]
        return f"({c_expr(node.left)} {op} {c_expr(node.right)})"
    if isinstance(node, ast.Compare):
        op = _COMPARE[type(node.ops[0])]
        return f"({c_expr(node.left)} {op} {c_expr(node.comparators[0])})"
    if isinstance(node, ast.IfExp):
        return f"({c_expr(node.test)} ? {c_expr(node.body)} : {c_expr(node.orelse)})"
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        name = node.func.id
        args = [c_expr(a) for a in node.args]
        if name in TABLES:
            return f"((uint32_t)table_{name}[{args[0]} & 0xFFu])"
        return f"{name}32({args[0]}, {args[1]})"
    raise TypeError(f"cannot translate {ast.dump(node)}")


def c_statement(stmt: Statement) -> str:
    if isinstance(stmt, Stop):
        return f"if ({c_expr(stmt.condition)}) return;"
    if isinstance(stmt, Call):
        return f"routine_{stmt.routine}(k, {c_expr(stmt.argument)});"
    assert isinstance(stmt, Assign)
    op = "" if stmt.op is None else _BINARY[type(stmt.op)]
    return f"{c_expr(stmt.target)} {op}= {c_expr(stmt.value)};"


def _uses_scratch(routine: ParsedRoutine) -> bool:
    return any(
        isinstance(s, Assign) and isinstance(s.target, ast.Name) and s.target.id == "t"
        for _, statements in routine.steps
        for s in statements
    )


def c_routine(index: int, routine: ParsedRoutine) -> list[str]:
    lines = [f"static void routine_{index}(uint32_t *k, uint32_t v)", "{"]
    if _uses_scratch(routine):
        lines.append("    uint32_t t = 0;")
    lines.append(f"    const uint32_t sel = {c_expr(routine.selector)};")
    for case, statements in routine.steps:
        code = [c_statement(s) for s in statements]
        if case is None:
            lines.extend(f"    {c}" for c in code)
        else:
            lines.append(f"    if (sel == {c_constant(case)}) {{")
            lines.extend(f"        {c}" for c in code)
            lines.append("    }")
    lines.append("}")
    return lines


def c_table(name: str, values: tuple[int, ...]) -> list[str]:
    lines = [f"static const uint8_t table_{name}[256] = {{"]
    for row in range(0, len(values), 16):
        lines.append("    " + ", ".join(str(v) for v in values[row : row + 16]) + ",")
    lines.append("};")
    return lines


def render() -> str:
    program = parse_program()
    parts: list[str] = [HEADER.replace("@LANES@", str(LANES))]
    parts.append(f"#define KEY_WORDS {KEY_WORDS}\n#define KEY_BYTES {KEY_BYTES}\n")
    for name, values in TABLES.items():
        parts.append("\n".join(c_table(name, values)) + "\n")
    parts.append(
        "\n".join(f"static void routine_{i}(uint32_t *k, uint32_t v);" for i in range(len(program)))
        + "\n"
    )
    for index, routine in enumerate(program):
        parts.append("\n".join(c_routine(index, routine)) + "\n")
    parts.append(BODY)
    return "\n".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if _fast.c is out of date")
    args = parser.parse_args()
    text = render()
    if args.check:
        if OUTPUT.read_text() != text:
            print(f"{OUTPUT} is out of date; run tools/gen_fast_c.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text)
    return 0


HEADER = r"""/*
 * GENERATED by tools/gen_fast_c.py from src/skypeflux/crypto/expansion_program.py.
 * Do not edit: change the program data or the generator and regenerate.
 *
 * C fast path for skypeflux.crypto: the seed -> 80-byte key expansion, RC4, and a batch API
 * that runs @LANES@ RC4 key schedules in lock step so their memory dependencies overlap.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

_Static_assert(sizeof(unsigned int) == 4, "uint32_t arithmetic must not promote to int");

#define LANES @LANES@

static inline uint32_t rotl32(uint32_t x, uint32_t r)
{
    r &= 31u;
    return (x << r) | (x >> ((32u - r) & 31u));
}

static inline uint32_t rotr32(uint32_t x, uint32_t r)
{
    r &= 31u;
    return (x >> r) | (x << ((32u - r) & 31u));
}
"""

BODY = r"""
/* ---- key expansion and RC4 ---------------------------------------------------------------- */

static void expand_key_bytes(uint32_t seed, uint8_t *out)
{
    uint32_t k[KEY_WORDS];
    for (int w = 0; w < KEY_WORDS; w++) {
        k[w] = seed;
    }
    routine_0(k, seed);
    for (int w = 0; w < KEY_WORDS; w++) {
        out[4 * w] = (uint8_t)k[w];
        out[4 * w + 1] = (uint8_t)(k[w] >> 8);
        out[4 * w + 2] = (uint8_t)(k[w] >> 16);
        out[4 * w + 3] = (uint8_t)(k[w] >> 24);
    }
}

static uint8_t identity[256];
static uint8_t key_index[256]; /* i % KEY_BYTES, so the schedule loop has no division */

static void init_tables(void)
{
    for (int i = 0; i < 256; i++) {
        identity[i] = (uint8_t)i;
        key_index[i] = (uint8_t)(i % KEY_BYTES);
    }
}

typedef struct {
    uint8_t s[256];
    uint8_t i;
    uint8_t j;
} rc4_state;

static void rc4_schedule(rc4_state *st, const uint8_t *key, Py_ssize_t key_len)
{
    uint8_t *s = st->s;
    uint8_t j = 0;
    memcpy(s, identity, 256);
    for (int i = 0; i < 256; i++) {
        uint8_t t = s[i];
        j = (uint8_t)(j + t + key[key_len == KEY_BYTES ? key_index[i] : i % key_len]);
        s[i] = s[j];
        s[j] = t;
    }
    st->i = 0;
    st->j = 0;
}

/* out = in XOR keystream; in may equal out; in == NULL means plain keystream. */
static void rc4_apply(rc4_state *st, const uint8_t *in, uint8_t *out, Py_ssize_t n)
{
    uint8_t *s = st->s;
    uint8_t i = st->i, j = st->j;
    for (Py_ssize_t p = 0; p < n; p++) {
        i++;
        uint8_t si = s[i];
        j = (uint8_t)(j + si);
        uint8_t sj = s[j];
        s[i] = sj;
        s[j] = si;
        uint8_t ks = s[(uint8_t)(si + sj)];
        out[p] = in ? (uint8_t)(in[p] ^ ks) : ks;
    }
    st->i = i;
    st->j = j;
}

static void seed_state(rc4_state *st, uint32_t seed)
{
    uint8_t key[KEY_BYTES];
    expand_key_bytes(seed, key);
    rc4_schedule(st, key, KEY_BYTES);
}

/* count seeds (native uint32, any alignment) -> count * n keystream bytes. */
static void batch_keystreams(const uint8_t *seeds, Py_ssize_t count, uint8_t *out, Py_ssize_t n)
{
    Py_ssize_t g = 0;
    for (; g + LANES <= count; g += LANES) {
        uint8_t key[LANES][KEY_BYTES];
        uint8_t s[LANES][256];
        uint8_t j[LANES];
        for (int l = 0; l < LANES; l++) {
            uint32_t seed;
            memcpy(&seed, seeds + 4 * (g + l), 4);
            expand_key_bytes(seed, key[l]);
            memcpy(s[l], identity, 256);
            j[l] = 0;
        }
        for (int i = 0; i < 256; i++) {
            const uint8_t ki = key_index[i];
            for (int l = 0; l < LANES; l++) {
                uint8_t t = s[l][i];
                j[l] = (uint8_t)(j[l] + t + key[l][ki]);
                s[l][i] = s[l][j[l]];
                s[l][j[l]] = t;
            }
        }
        uint8_t i = 0;
        for (int l = 0; l < LANES; l++) {
            j[l] = 0;
        }
        for (Py_ssize_t p = 0; p < n; p++) {
            i++;
            for (int l = 0; l < LANES; l++) {
                uint8_t si = s[l][i];
                j[l] = (uint8_t)(j[l] + si);
                uint8_t sj = s[l][j[l]];
                s[l][i] = sj;
                s[l][j[l]] = si;
                out[(g + l) * n + p] = s[l][(uint8_t)(si + sj)];
            }
        }
    }
    for (; g < count; g++) {
        uint32_t seed;
        rc4_state st;
        memcpy(&seed, seeds + 4 * g, 4);
        seed_state(&st, seed);
        rc4_apply(&st, NULL, out + g * n, n);
    }
}

/* ---- Python glue ---------------------------------------------------------------------------- */

static PyObject *crypto_error; /* skypeflux.crypto.errors.CryptoError */

#define RELEASE_GIL_BYTES 8192

static int parse_seed(PyObject *obj, uint32_t *seed)
{
    if (!PyLong_Check(obj) || PyBool_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "seed must be an int, not %.100s", Py_TYPE(obj)->tp_name);
        return -1;
    }
    int overflow = 0;
    long long value = PyLong_AsLongLongAndOverflow(obj, &overflow);
    if (value == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (overflow || value < 0 || value > 0xFFFFFFFFLL) {
        PyErr_Format(crypto_error, "seed %R is outside 0..0xFFFFFFFF", obj);
        return -1;
    }
    *seed = (uint32_t)value;
    return 0;
}

/* The same checks and messages as rc4.check_length, so both back ends refuse alike. */
static int parse_length(PyObject *obj, Py_ssize_t *n)
{
    if (!PyLong_Check(obj) || PyBool_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "n must be an int, not %.100s", Py_TYPE(obj)->tp_name);
        return -1;
    }
    *n = PyLong_AsSsize_t(obj);
    if (*n == -1 && PyErr_Occurred()) {
        if (PyErr_ExceptionMatches(PyExc_OverflowError)) {
            PyErr_Clear();
            PyErr_Format(crypto_error, "keystream length %R is too large", obj);
        }
        return -1;
    }
    if (*n < 0) {
        PyErr_Format(crypto_error, "keystream length must not be negative, got %zd", *n);
        return -1;
    }
    return 0;
}

/*
 * A C-contiguous byte view of any buffer-protocol object, as rc4.byte_view gives the pure back
 * end: a strided view (memoryview(b)[::2]) is copied rather than refused, and ints, lists and
 * str are a TypeError (bytes(5) would silently mean five zero bytes). Release with
 * PyBuffer_Release; the view keeps the copy alive.
 */
static int get_bytes(PyObject *obj, Py_buffer *view, const char *what)
{
    if (!PyObject_CheckBuffer(obj)) {
        PyErr_Format(PyExc_TypeError,
                     "%s must be a bytes-like object (bytes, bytearray, memoryview), not %.100s",
                     what, Py_TYPE(obj)->tp_name);
        return -1;
    }
    if (PyObject_GetBuffer(obj, view, PyBUF_SIMPLE) == 0) {
        return 0;
    }
    if (!PyErr_ExceptionMatches(PyExc_BufferError)) {
        return -1;
    }
    PyErr_Clear();
    PyObject *copy = PyBytes_FromObject(obj);
    if (copy == NULL) {
        return -1;
    }
    int status = PyObject_GetBuffer(copy, view, PyBUF_SIMPLE);
    Py_DECREF(copy);
    return status;
}

static int check_nargs(const char *name, Py_ssize_t nargs, Py_ssize_t want)
{
    if (nargs != want) {
        PyErr_Format(PyExc_TypeError, "%s() takes exactly %zd arguments (%zd given)", name, want,
                     nargs);
        return -1;
    }
    return 0;
}

typedef struct {
    PyObject_HEAD
    rc4_state st;
} RC4Object;

static PyTypeObject RC4Type;

static RC4Object *new_rc4(void)
{
    return PyObject_New(RC4Object, &RC4Type);
}

static PyObject *RC4_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    Py_buffer key;
    PyObject *key_obj;
    static char *names[] = {"key", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O:RC4", names, &key_obj) ||
        get_bytes(key_obj, &key, "key") < 0) {
        return NULL;
    }
    if (key.len == 0) {
        PyBuffer_Release(&key);
        PyErr_SetString(crypto_error, "RC4 key must not be empty");
        return NULL;
    }
    RC4Object *self = (RC4Object *)type->tp_alloc(type, 0);
    if (self != NULL) {
        rc4_schedule(&self->st, (const uint8_t *)key.buf, key.len);
    }
    PyBuffer_Release(&key);
    return (PyObject *)self;
}

static PyObject *apply_to_buffer(rc4_state *st, PyObject *data)
{
    Py_buffer in;
    if (get_bytes(data, &in, "data") < 0) {
        return NULL;
    }
    PyObject *result = PyBytes_FromStringAndSize(NULL, in.len);
    if (result != NULL) {
        uint8_t *out = (uint8_t *)PyBytes_AS_STRING(result);
        if (in.len >= RELEASE_GIL_BYTES) {
            Py_BEGIN_ALLOW_THREADS
            rc4_apply(st, (const uint8_t *)in.buf, out, in.len);
            Py_END_ALLOW_THREADS
        } else {
            rc4_apply(st, (const uint8_t *)in.buf, out, in.len);
        }
    }
    PyBuffer_Release(&in);
    return result;
}

static PyObject *RC4_crypt(RC4Object *self, PyObject *data)
{
    return apply_to_buffer(&self->st, data);
}

static PyObject *RC4_peek(RC4Object *self, PyObject *data)
{
    rc4_state scratch = self->st;
    return apply_to_buffer(&scratch, data);
}

static PyObject *RC4_keystream(RC4Object *self, PyObject *arg)
{
    Py_ssize_t n;
    if (parse_length(arg, &n) < 0) {
        return NULL;
    }
    PyObject *result = PyBytes_FromStringAndSize(NULL, n);
    if (result != NULL) {
        rc4_apply(&self->st, NULL, (uint8_t *)PyBytes_AS_STRING(result), n);
    }
    return result;
}

static PyObject *RC4_copy(RC4Object *self, PyObject *Py_UNUSED(ignored))
{
    RC4Object *twin = (RC4Object *)Py_TYPE(self)->tp_alloc(Py_TYPE(self), 0);
    if (twin != NULL) {
        twin->st = self->st;
    }
    return (PyObject *)twin;
}

static PyMethodDef RC4_methods[] = {
    {"crypt", (PyCFunction)RC4_crypt, METH_O,
     "Encrypt or decrypt data, advancing the keystream."},
    {"peek", (PyCFunction)RC4_peek, METH_O, "Like crypt, but leaves the state unchanged."},
    {"keystream", (PyCFunction)RC4_keystream, METH_O, "The next n keystream bytes."},
    {"copy", (PyCFunction)RC4_copy, METH_NOARGS, "An independent cipher in the same state."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject RC4Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "skypeflux.crypto._fast.RC4",
    .tp_basicsize = sizeof(RC4Object),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "RC4 state (C). RC4(key) runs the key schedule over any non-empty key.\n\n"
              "Not thread-safe: crypt() on 8 KiB or more releases the GIL while it advances\n"
              "this object's state, so share no cipher between threads (copy() one each).",
    .tp_methods = RC4_methods,
    .tp_new = RC4_new,
};

static PyObject *fast_expand_key(PyObject *Py_UNUSED(module), PyObject *arg)
{
    uint32_t seed;
    if (parse_seed(arg, &seed) < 0) {
        return NULL;
    }
    PyObject *result = PyBytes_FromStringAndSize(NULL, KEY_BYTES);
    if (result != NULL) {
        expand_key_bytes(seed, (uint8_t *)PyBytes_AS_STRING(result));
    }
    return result;
}

static PyObject *fast_cipher_for_seed(PyObject *Py_UNUSED(module), PyObject *arg)
{
    uint32_t seed;
    if (parse_seed(arg, &seed) < 0) {
        return NULL;
    }
    RC4Object *self = new_rc4();
    if (self != NULL) {
        seed_state(&self->st, seed);
    }
    return (PyObject *)self;
}

static PyObject *fast_keystream(PyObject *Py_UNUSED(module), PyObject *const *args,
                                Py_ssize_t nargs)
{
    uint32_t seed;
    Py_ssize_t n;
    if (check_nargs("keystream", nargs, 2) < 0 || parse_seed(args[0], &seed) < 0 ||
        parse_length(args[1], &n) < 0) {
        return NULL;
    }
    PyObject *result = PyBytes_FromStringAndSize(NULL, n);
    if (result != NULL) {
        rc4_state st;
        seed_state(&st, seed);
        rc4_apply(&st, NULL, (uint8_t *)PyBytes_AS_STRING(result), n);
    }
    return result;
}

static PyObject *fast_decrypt(PyObject *Py_UNUSED(module), PyObject *const *args,
                              Py_ssize_t nargs)
{
    uint32_t seed;
    if (check_nargs("decrypt", nargs, 2) < 0 || parse_seed(args[0], &seed) < 0) {
        return NULL;
    }
    rc4_state st;
    seed_state(&st, seed);
    return apply_to_buffer(&st, args[1]);
}

static PyObject *fast_keystream_batch(PyObject *Py_UNUSED(module), PyObject *const *args,
                                      Py_ssize_t nargs)
{
    Py_ssize_t n;
    Py_buffer seeds;
    if (check_nargs("keystream_batch", nargs, 2) < 0 || parse_length(args[1], &n) < 0) {
        return NULL;
    }
    if (get_bytes(args[0], &seeds, "seeds") < 0) {
        return NULL;
    }
    if (seeds.len % 4 != 0) {
        PyErr_Format(crypto_error, "seed buffer length %zd is not a multiple of 4", seeds.len);
        PyBuffer_Release(&seeds);
        return NULL;
    }
    Py_ssize_t count = seeds.len / 4;
    if (n != 0 && count > PY_SSIZE_T_MAX / n) {
        PyBuffer_Release(&seeds);
        return PyErr_NoMemory();
    }
    PyObject *result = PyBytes_FromStringAndSize(NULL, count * n);
    if (result != NULL) {
        uint8_t *out = (uint8_t *)PyBytes_AS_STRING(result);
        Py_BEGIN_ALLOW_THREADS
        batch_keystreams((const uint8_t *)seeds.buf, count, out, n);
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&seeds);
    return result;
}

static PyMethodDef fast_methods[] = {
    {"expand_key", (PyCFunction)fast_expand_key, METH_O, "expand_key(seed) -> 80-byte RC4 key"},
    {"cipher_for_seed", (PyCFunction)fast_cipher_for_seed, METH_O,
     "cipher_for_seed(seed) -> RC4 keyed with expand_key(seed)"},
    {"keystream", (PyCFunction)(void (*)(void))fast_keystream, METH_FASTCALL,
     "keystream(seed, n) -> first n keystream bytes"},
    {"decrypt", (PyCFunction)(void (*)(void))fast_decrypt, METH_FASTCALL,
     "decrypt(seed, data) -> data XOR keystream(seed) from position 0"},
    {"keystream_batch", (PyCFunction)(void (*)(void))fast_keystream_batch, METH_FASTCALL,
     "keystream_batch(seeds, n) -> n keystream bytes per native uint32 seed, concatenated"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef fast_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "skypeflux.crypto._fast",
    .m_doc = "C fast path of skypeflux.crypto (generated; see tools/gen_fast_c.py).",
    .m_size = -1,
    .m_methods = fast_methods,
};

PyMODINIT_FUNC PyInit__fast(void)
{
    init_tables();
    PyObject *errors = PyImport_ImportModule("skypeflux.crypto.errors");
    if (errors == NULL) {
        return NULL;
    }
    crypto_error = PyObject_GetAttrString(errors, "CryptoError");
    Py_DECREF(errors);
    if (crypto_error == NULL || PyType_Ready(&RC4Type) < 0) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&fast_module);
    if (module == NULL) {
        return NULL;
    }
    Py_INCREF(&RC4Type);
    if (PyModule_AddObject(module, "RC4", (PyObject *)&RC4Type) < 0 ||
        PyModule_AddIntConstant(module, "LANES", LANES) < 0 ||
        PyModule_AddIntConstant(module, "KEY_BYTES", KEY_BYTES) < 0) {
        Py_DECREF(&RC4Type);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
"""

if __name__ == "__main__":
    raise SystemExit(main())
