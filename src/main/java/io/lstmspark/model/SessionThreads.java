package io.lstmspark.model;

import java.io.Serializable;
import org.tensorflow.proto.ConfigProto;

/**
 * TensorFlow thread-pool sizes for a session shared by the concurrent tasks of one executor.
 *
 * @param intraOp threads that parallelise a single op (TensorFlow's pool is process-wide)
 * @param interOp threads that run independent ops; negative runs ops in the calling task's thread
 */
public record SessionThreads(int intraOp, int interOp) implements Serializable {

    public ConfigProto toConfigProto() {
        return ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(intraOp)
                .setInterOpParallelismThreads(interOp)
                .build();
    }

    @Override
    public String toString() {
        return "intra-op " + intraOp + ", inter-op " + interOp;
    }
}
