package io.lstmspark.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lstmspark.model.ElementType;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

class WindowRowsTest {

    private static final float[] FLAT = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

    @Test
    void rankZeroSliceIsTheWindowsScalar() {
        assertEquals(5f, WindowRows.slice(FLAT, 5, new long[0]));
    }

    @Test
    void rankOneSliceIsTheWindowsVector() {
        assertArrayEquals(new float[] {4, 5, 6}, (float[]) WindowRows.slice(FLAT, 4, new long[] {3}));
    }

    @Test
    void rankTwoSliceKeepsRowsAndColumns() {
        float[][] m = (float[][]) WindowRows.slice(FLAT, 6, new long[] {2, 3});
        assertArrayEquals(new float[] {6, 7, 8}, m[0]);
        assertArrayEquals(new float[] {9, 10, 11}, m[1]);
    }

    @Test
    void rankThreeSliceNestsInTheTensorsOrder() {
        double[] flat = new double[8];
        for (int i = 0; i < 8; i++) {
            flat[i] = i;
        }
        double[][][] t = (double[][][]) WindowRows.slice(flat, 0, new long[] {2, 2, 2});
        assertArrayEquals(new double[] {6, 7}, t[1][1]);
        assertArrayEquals(new double[] {2, 3}, t[0][1]);
    }

    @Test
    void columnTypeNestsOneArrayPerRank() {
        assertEquals(DataTypes.FloatType, OutputSchema.columnType(ElementType.FLOAT32, 0));
        assertEquals(ArrayType.apply(ArrayType.apply(DataTypes.DoubleType, false), false),
                OutputSchema.columnType(ElementType.FLOAT64, 2));
    }
}
