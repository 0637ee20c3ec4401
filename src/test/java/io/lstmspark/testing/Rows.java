package io.lstmspark.testing;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

    /** Any numeric column, scalar or nested arrays of float or double, flattened in row-major order. */
    public static double[] values(Row row, String column) {
        List<Double> flat = new java.util.ArrayList<>();
        flatten(row.get(row.fieldIndex(column)), flat);
        return flat.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void flatten(Object value, List<Double> into) {
        if (value instanceof Number number) {
            into.add(number.doubleValue());
        } else {
            list(value).forEach(element -> flatten(element, into));
        }
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

    /** The Parquet output at {@code path}, one row per value of {@code key} (a forecast's series id), in key order. */
    public static Map<String, Row> bySeries(String path, String key) {
        Map<String, Row> rows = new TreeMap<>();
        for (Row row : TestSpark.session().read().parquet(path).collectAsList()) {
            rows.put(String.valueOf((Object) row.getAs(key)), row);
        }
        return rows;
    }
}
