/*
 * LstmSparkGates: the element-wise part of a Keras LSTM step (sigmoid gates, tanh cell) as one TensorFlow
 * CPU kernel, for the graphs lstm-spark builds (io.lstmspark.model.LstmStep). TensorFlow's own kernels
 * take this part as ten ops, each a pass over memory, with an Eigen built for AVX; here it is one pass,
 * compiled for the CPUs named in target_clones and chosen at load time.
 *
 * Inputs:  z [4 units, batch] float, the gates before activation in Keras' order i, f, g, o; c [units, batch].
 * Outputs: h [units, batch] and c_next [units, batch]:
 *          c_next = sigmoid(f) c + sigmoid(i) tanh(g), h = sigmoid(o) tanh(c_next).
 *
 * Written against TensorFlow's C kernel API only (tensorflow/c/kernels.h, ops.h), whose functions are
 * looked up in the already loaded libtensorflow_framework.so.2, so the build needs no TensorFlow headers
 * or libraries. Loaded by TensorFlow.loadLibrary, which runs register_op below.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>

typedef struct TF_Status TF_Status;
typedef struct TF_KernelBuilder TF_KernelBuilder;
typedef struct TF_OpKernelConstruction TF_OpKernelConstruction;
typedef struct TF_OpKernelContext TF_OpKernelContext;
typedef struct TF_Tensor TF_Tensor;
typedef struct TF_OpDefinitionBuilder TF_OpDefinitionBuilder;
typedef struct TF_ShapeInferenceContext TF_ShapeInferenceContext;

enum { TF_OK = 0, TF_INVALID_ARGUMENT = 3, TF_FLOAT = 1 };

static struct {
    TF_Status *(*new_status)(void);
    void (*delete_status)(TF_Status *);
    int (*get_code)(const TF_Status *);
    void (*set_status)(TF_Status *, int, const char *);
    void (*op_kernel_context_failure)(TF_OpKernelContext *, TF_Status *);
    TF_KernelBuilder *(*new_kernel_builder)(const char *, const char *, void *(*)(TF_OpKernelConstruction *),
                                            void (*)(void *, TF_OpKernelContext *), void (*)(void *));
    void (*register_kernel_builder)(const char *, TF_KernelBuilder *, TF_Status *);
    TF_OpDefinitionBuilder *(*new_op_definition_builder)(const char *);
    void (*add_input)(TF_OpDefinitionBuilder *, const char *);
    void (*add_output)(TF_OpDefinitionBuilder *, const char *);
    void (*set_shape_function)(TF_OpDefinitionBuilder *, void (*)(TF_ShapeInferenceContext *, TF_Status *));
    void (*register_op_definition)(TF_OpDefinitionBuilder *, TF_Status *);
    void (*unknown_shape)(TF_ShapeInferenceContext *, TF_Status *);
    void (*get_input)(TF_OpKernelContext *, int, TF_Tensor **, TF_Status *);
    TF_Tensor *(*allocate_output)(TF_OpKernelContext *, int, int, const int64_t *, int, size_t, TF_Status *);
    void *(*tensor_data)(const TF_Tensor *);
    int (*num_dims)(const TF_Tensor *);
    int64_t (*dim)(const TF_Tensor *, int);
    void (*delete_tensor)(TF_Tensor *);
} tf;

/* Eigen's rational approximation of tanh for float (within 4e-7 of tanh), without branches, so that it
   vectorises; sigmoid(x) = (1 + tanh(x / 2)) / 2. */
static inline float tanh_approx(float x) {
    const float clamp = 7.90531110763549805f;
    x = x > clamp ? clamp : (x < -clamp ? -clamp : x);
    float x2 = x * x;
    float p = -2.76076847742355e-16f;
    p = p * x2 + 2.00018790482477e-13f;
    p = p * x2 + -8.60467152213735e-11f;
    p = p * x2 + 5.12229709037114e-08f;
    p = p * x2 + 1.48572235717979e-05f;
    p = p * x2 + 6.37261928875436e-04f;
    p = p * x2 + 4.89352455891786e-03f;
    float q = 1.19825839466702e-06f;
    q = q * x2 + 1.18534705686654e-04f;
    q = q * x2 + 2.26843463243900e-03f;
    q = q * x2 + 4.89352518554385e-03f;
    return x * p / q;
}

static inline float sigmoid_approx(float x) {
    return 0.5f + 0.5f * tanh_approx(0.5f * x);
}

/* src/test/c builds each variant alone, for the -march it names, to check it on any x86-64-v4 machine. */
#ifdef LSTMSPARK_GATES_ONE_TARGET
#define GATES_VARIANTS
#else
#define GATES_VARIANTS __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif

GATES_VARIANTS
static void gates(const float *restrict z, const float *restrict c, float *restrict h, float *restrict c_next,
                  int64_t units, int64_t batch) {
    for (int64_t u = 0; u < units; u++) {
        const float *restrict zi = z + u * batch;
        const float *restrict zf = z + (units + u) * batch;
        const float *restrict zg = z + (2 * units + u) * batch;
        const float *restrict zo = z + (3 * units + u) * batch;
        const float *restrict cu = c + u * batch;
        float *restrict hu = h + u * batch;
        float *restrict cu_next = c_next + u * batch;
#pragma GCC ivdep
        for (int64_t b = 0; b < batch; b++) {
            float next = sigmoid_approx(zf[b]) * cu[b] + sigmoid_approx(zi[b]) * tanh_approx(zg[b]);
            cu_next[b] = next;
            hu[b] = sigmoid_approx(zo[b]) * tanh_approx(next);
        }
    }
}

static void *create(TF_OpKernelConstruction *construction) {
    (void) construction;
    return NULL;
}

static void delete_kernel(void *kernel) {
    (void) kernel;
}

static void fail(TF_OpKernelContext *context, TF_Status *status, const char *message) {
    tf.set_status(status, TF_INVALID_ARGUMENT, message);
    tf.op_kernel_context_failure(context, status);
}

static void compute(void *kernel, TF_OpKernelContext *context) {
    (void) kernel;
    TF_Status *status = tf.new_status();
    TF_Tensor *z = NULL;
    TF_Tensor *c = NULL;
    TF_Tensor *h = NULL;
    TF_Tensor *c_next = NULL;
    tf.get_input(context, 0, &z, status);
    if (tf.get_code(status) == TF_OK) {
        tf.get_input(context, 1, &c, status);
    }
    if (tf.get_code(status) != TF_OK) {
        tf.op_kernel_context_failure(context, status);
    } else if (tf.num_dims(z) != 2 || tf.num_dims(c) != 2 || tf.dim(z, 0) % 4 != 0
               || tf.dim(c, 0) != tf.dim(z, 0) / 4 || tf.dim(c, 1) != tf.dim(z, 1)) {
        fail(context, status, "LstmSparkGates: z must be [4 units, batch] and c [units, batch]");
    } else {
        int64_t units = tf.dim(c, 0);
        int64_t batch = tf.dim(c, 1);
        int64_t dims[2] = {units, batch};
        size_t bytes = (size_t) (units * batch) * sizeof(float);
        h = tf.allocate_output(context, 0, TF_FLOAT, dims, 2, bytes, status);
        if (tf.get_code(status) == TF_OK) {
            c_next = tf.allocate_output(context, 1, TF_FLOAT, dims, 2, bytes, status);
        }
        if (tf.get_code(status) != TF_OK) {
            tf.op_kernel_context_failure(context, status);
        } else {
            gates(tf.tensor_data(z), tf.tensor_data(c), tf.tensor_data(h), tf.tensor_data(c_next), units, batch);
        }
    }
    TF_Tensor *tensors[] = {z, c, h, c_next};
    for (int i = 0; i < 4; i++) {
        if (tensors[i] != NULL) {
            tf.delete_tensor(tensors[i]);
        }
    }
    tf.delete_status(status);
}

#define LOOK_UP(field, name) \
    if ((*(void **) &tf.field = dlsym(framework, name)) == NULL) return 0

static int look_up_api(void) {
    void *framework = dlopen("libtensorflow_framework.so.2", RTLD_NOW | RTLD_NOLOAD);
    if (framework == NULL) {
        return 0;
    }
    LOOK_UP(new_status, "TF_NewStatus");
    LOOK_UP(delete_status, "TF_DeleteStatus");
    LOOK_UP(get_code, "TF_GetCode");
    LOOK_UP(set_status, "TF_SetStatus");
    LOOK_UP(op_kernel_context_failure, "TF_OpKernelContext_Failure");
    LOOK_UP(new_kernel_builder, "TF_NewKernelBuilder");
    LOOK_UP(register_kernel_builder, "TF_RegisterKernelBuilder");
    LOOK_UP(new_op_definition_builder, "TF_NewOpDefinitionBuilder");
    LOOK_UP(add_input, "TF_OpDefinitionBuilderAddInput");
    LOOK_UP(add_output, "TF_OpDefinitionBuilderAddOutput");
    LOOK_UP(set_shape_function, "TF_OpDefinitionBuilderSetShapeInferenceFunction");
    LOOK_UP(register_op_definition, "TF_RegisterOpDefinition");
    LOOK_UP(unknown_shape, "TF_ShapeInferenceContextSetUnknownShape");
    LOOK_UP(get_input, "TF_GetInput");
    LOOK_UP(allocate_output, "TF_AllocateOutput");
    LOOK_UP(tensor_data, "TF_TensorData");
    LOOK_UP(num_dims, "TF_NumDims");
    LOOK_UP(dim, "TF_Dim");
    LOOK_UP(delete_tensor, "TF_DeleteTensor");
    return 1;
}

/* Without TensorFlow's C API the library registers nothing, and lstm-spark finds no LstmSparkGates op. */
__attribute__((constructor)) static void register_op(void) {
    if (!look_up_api()) {
        return;
    }
    TF_Status *status = tf.new_status();
    TF_OpDefinitionBuilder *op = tf.new_op_definition_builder("LstmSparkGates");
    tf.add_input(op, "z: float");
    tf.add_input(op, "c: float");
    tf.add_output(op, "h: float");
    tf.add_output(op, "c_next: float");
    tf.set_shape_function(op, tf.unknown_shape);
    tf.register_op_definition(op, status);
    if (tf.get_code(status) == TF_OK) {
        TF_KernelBuilder *kernel = tf.new_kernel_builder("LstmSparkGates", "CPU", &create, &compute,
                                                         &delete_kernel);
        tf.register_kernel_builder("LstmSparkGates", kernel, status);
    }
    tf.delete_status(status);
}
