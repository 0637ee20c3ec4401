package io.lstmspark.testing;

import java.util.List;
import org.apache.spark.sql.Row;
import scala.collection.Seq;
import scala.jdk.javaapi.CollectionConverters;

/** Reads array columns of collected Spark rows (nested levels come back as Scala sequences). */
public final class Rows {

    private Rows() {
    }

    /** An array&lt;float&gt; column. */
    public static float[] floats(Row row, String column) {
        return floats(row.getList(row.fieldIndex(column)));
    }

    /** An array&lt;array&lt;float&gt;&gt; column. */
    public static float[][] floatMatrix(Row row, String column) {
        List<Object> outer = row.getList(row.fieldIndex(column));
        float[][] matrix = new float[outer.size()][];
        for (int i = 0; i < matrix.length; i++) {
            matrix[i] = floats(list(outer.get(i)));
        }
        return matrix;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return value instanceof Seq<?> seq ? (List<Object>) CollectionConverters.asJava(seq) : (List<Object>) value;
    }

    private static float[] floats(List<?> values) {
        float[] f = new float[values.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = ((Number) values.get(i)).floatValue();
        }
        return f;
    }
}
