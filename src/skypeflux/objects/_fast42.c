/*
 * Optional C fast path of the 0x42 range coder: the module skypeflux.objects._fast42, with
 * load_tables() and the RangeDecoder and RangeEncoder types. This unit only defines the module;
 * the coder is in _fast42_tables.c, _fast42_decoder.c, _fast42_lists.c and _fast42_encoder.c
 * (see _fast42.h).
 */
#include "_fast42.h"

static PyMethodDef module_methods[] = {
    {"load_tables", fast42_load_tables, METH_VARARGS,
     "load_tables(next_class, within_class, class_chars, error_type): the string tables and "
     "the exception to raise; must be called before a coder is made."},
    {"load_list_types", fast42_load_list_types, METH_VARARGS,
     "load_list_types(header, header_lookup, small_model, value_model, obj_type, families, "
     "list_type, family_order, address): what RangeDecoder.read_lists and decode_coded "
     "build objects with."},
    {"decode_coded", (PyCFunction)(void (*)(void))fast42_decode_coded, METH_FASTCALL,
     "decode_coded(data, start, max_depth, budget) -> (objects, end, budget left) or None: "
     "the 0x42 list whose marker is data[start], raw area included (coded42.decode_coded); "
     "None when a raw value would run past the data (coded42 reads that case itself)."},
    {NULL},
};

static struct PyModuleDef fast42_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "skypeflux.objects._fast42",
    .m_doc = "C fast path of the 0x42 range coder (see skypeflux.objects.backends).",
    .m_size = -1,
    .m_methods = module_methods,
};

PyMODINIT_FUNC PyInit__fast42(void)
{
    if (PyType_Ready(&fast42_DecoderType) < 0 || PyType_Ready(&fast42_EncoderType) < 0)
        return NULL;
    PyObject *module = PyModule_Create(&fast42_module);
    if (module == NULL)
        return NULL;
    Py_INCREF(&fast42_DecoderType);
    Py_INCREF(&fast42_EncoderType);
    if (PyModule_AddObject(module, "RangeDecoder", (PyObject *)&fast42_DecoderType) < 0 ||
        PyModule_AddObject(module, "RangeEncoder", (PyObject *)&fast42_EncoderType) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}

