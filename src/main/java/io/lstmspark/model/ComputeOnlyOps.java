package io.lstmspark.model;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The op types {@link ModelSafety} lets through without {@code model.allow-ops}: those that only
 * compute on tensors and the model's own variables, by family (the README lists the families).
 */
final class ComputeOnlyOps {

    private static final String RANDOM_FAMILY =
            "random numbers (the job refuses models whose outputs they change, when it probes them)";

    /** Op types that only compute on tensors and the model's own variables, by family (the README lists them). */
    static final Map<String, List<String>> FAMILIES = Map.of(
            "math", List.of("Abs", "Acos", "Acosh", "Add", "AddN", "AddV2", "All", "Any", "ApproximateEqual",
                    "ArgMax", "ArgMin", "Asin", "Asinh", "Atan", "Atan2", "Atanh", "BatchMatMul", "BatchMatMulV2",
                    "BatchMatMulV3", "Betainc", "Bucketize", "Cast", "Ceil", "ClipByValue", "Complex", "ComplexAbs",
                    "Conj", "Cos", "Cosh", "Cross", "Cumprod", "Cumsum", "CumulativeLogsumexp", "Digamma", "Div",
                    "DivNoNan", "Einsum", "Equal", "Erf", "Erfc", "Erfinv", "EuclideanNorm", "Exp", "Expm1",
                    "Floor", "FloorDiv", "FloorMod", "Greater", "GreaterEqual", "Imag", "Inv", "IsFinite", "IsInf",
                    "IsNan", "Less", "LessEqual", "Lgamma", "LinSpace", "Log", "Log1p", "LogicalAnd", "LogicalNot",
                    "LogicalOr", "MatMul", "MatrixBandPart", "MatrixDeterminant", "MatrixInverse", "Max",
                    "Maximum", "Mean", "Min", "Minimum", "Mod", "Mul", "MulNoNan", "Ndtri", "Neg", "NextAfter",
                    "NotEqual", "Pow", "Prod", "Range", "Real", "RealDiv", "Reciprocal", "Rint", "Round", "Rsqrt",
                    "SegmentMax", "SegmentMean", "SegmentMin", "SegmentProd", "SegmentSum", "Select", "SelectV2",
                    "Sigmoid", "Sign", "Sin", "Sinh", "Softplus", "Softsign", "Sqrt", "Square", "SquaredDifference",
                    "Sub", "Sum", "Tan", "Tanh", "TruncateDiv", "TruncateMod", "UnsortedSegmentMax",
                    "UnsortedSegmentMin", "UnsortedSegmentProd", "UnsortedSegmentSum", "Xdivy", "Xlog1py", "Xlogy"),
            "nn", List.of("AvgPool", "AvgPool3D", "BiasAdd", "BiasAddV1", "BlockLSTM", "BlockLSTMV2", "Conv2D",
                    "Conv3D", "CudnnRNN", "CudnnRNNBackprop", "CudnnRNNBackpropV2", "CudnnRNNBackpropV3",
                    "CudnnRNNCanonicalToParams", "CudnnRNNCanonicalToParamsV2", "CudnnRNNParamsSize",
                    "CudnnRNNParamsToCanonical", "CudnnRNNParamsToCanonicalV2", "CudnnRNNV2", "CudnnRNNV3",
                    "DepthwiseConv2dNative", "Elu", "FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3",
                    "GRUBlockCell", "InTopKV2", "L2Loss", "LRN", "LSTMBlockCell", "LeakyRelu", "LogSoftmax",
                    "MaxPool", "MaxPool3D", "MaxPoolV2", "Relu", "Relu6", "Selu", "Softmax", "TopKV2"),
            "gradients", List.of("BiasAddGrad", "BroadcastGradientArgs", "EluGrad", "LeakyReluGrad",
                    "ReciprocalGrad", "Relu6Grad", "ReluGrad", "RsqrtGrad", "SeluGrad", "SigmoidGrad",
                    "SoftplusGrad", "SoftsignGrad", "SqrtGrad", "StridedSliceGrad", "TanhGrad"),
            "array", List.of("BatchToSpaceND", "Bitcast", "BroadcastArgs", "BroadcastTo", "CheckNumerics",
                    "CheckNumericsV2", "Concat", "ConcatOffset", "ConcatV2", "Const", "DecodeRaw", "DepthToSpace",
                    "Diag", "DiagPart", "DynamicPartition", "DynamicStitch", "EnsureShape", "ExpandDims", "Fill",
                    "Gather", "GatherNd", "GatherV2", "Identity", "IdentityN", "InvertPermutation", "MatrixDiagPartV3",
                    "MatrixDiagV3", "MatrixSetDiagV3", "MirrorPad", "OneHot", "OnesLike", "Pack", "Pad", "PadV2",
                    "Placeholder", "PlaceholderV2", "PlaceholderWithDefault", "PreventGradient", "Rank", "Reshape",
                    "Reverse", "ReverseSequence", "ReverseV2", "ScatterNd", "Shape", "ShapeN", "Size", "Slice",
                    "Snapshot", "SpaceToBatchND", "SpaceToDepth", "Split", "SplitV", "Squeeze", "StopGradient",
                    "StridedSlice", "TensorScatterAdd", "TensorScatterMax", "TensorScatterMin", "TensorScatterSub",
                    "TensorScatterUpdate", "Tile", "Transpose", "Unique", "Unpack", "Where", "ZerosLike"),
            "strings (the names the saver builds)", List.of("ShardedFilename", "ShardedFilespec",
                    "StaticRegexFullMatch", "StringJoin"),
            "control flow", List.of("Assert", "Case", "ControlTrigger", "EmptyTensorList", "Enter", "Exit", "If",
                    "LoopCond", "Merge", "NextIteration", "NoOp", "PartitionedCall", "RefEnter", "RefExit",
                    "RefMerge", "RefNextIteration", "RefSwitch", "StatefulPartitionedCall", "StatelessCase",
                    "StatelessIf", "StatelessWhile", "Switch", "TensorArrayCloseV3", "TensorArrayConcatV3",
                    "TensorArrayGatherV3", "TensorArrayGradV3", "TensorArrayReadV3", "TensorArrayScatterV3",
                    "TensorArraySizeV3", "TensorArraySplitV3", "TensorArrayV3", "TensorArrayWriteV3",
                    "TensorListConcatV2", "TensorListElementShape", "TensorListFromTensor", "TensorListGather",
                    "TensorListGetItem", "TensorListLength", "TensorListPopBack", "TensorListPushBack",
                    "TensorListReserve", "TensorListResize", "TensorListScatter", "TensorListScatterV2",
                    "TensorListSetItem", "TensorListSplit", "TensorListStack", "While"),
            "variables", List.of("Assign", "AssignAdd", "AssignAddVariableOp", "AssignSub", "AssignSubVariableOp",
                    "AssignVariableOp", "DestroyResourceOp", "DisableCopyOnRead", "IsVariableInitialized",
                    "ReadVariableOp", "ResourceGather", "ResourceGatherNd", "VarHandleOp", "VarIsInitializedOp",
                    "Variable", "VariableShape", "VariableV2"),
            RANDOM_FAMILY, List.of("Multinomial", "ParameterizedTruncatedNormal", "RandomGamma", "RandomPoisson",
                    "RandomPoissonV2",
                    "RandomShuffle", "RandomStandardNormal", "RandomUniform", "RandomUniformInt", "RngReadAndSkip",
                    "RngSkip", "StatefulRandomBinomial", "StatefulStandardNormal", "StatefulStandardNormalV2",
                    "StatefulTruncatedNormal", "StatefulUniform", "StatefulUniformFullInt", "StatefulUniformInt",
                    "StatelessMultinomial", "StatelessRandomGetAlg", "StatelessRandomGetKeyCounter",
                    "StatelessRandomGetKeyCounterAlg", "StatelessRandomNormal", "StatelessRandomNormalV2",
                    "StatelessRandomUniform", "StatelessRandomUniformFullInt", "StatelessRandomUniformFullIntV2",
                    "StatelessRandomUniformInt", "StatelessRandomUniformIntV2", "StatelessRandomUniformV2",
                    "StatelessTruncatedNormal", "StatelessTruncatedNormalV2", "TruncatedNormal"));

    /** Op types that draw random numbers: a model that runs one may answer the same windows differently. */
    static final Set<String> RANDOM = Set.copyOf(FAMILIES.get(RANDOM_FAMILY));

    /** Every family's op types in one set. */
    static final Set<String> ALL = FAMILIES.values().stream().flatMap(List::stream)
            .collect(Collectors.toUnmodifiableSet());

    private ComputeOnlyOps() {
    }
}
