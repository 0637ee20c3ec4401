package io.lstmspark.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lstmspark.model.ElementType;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

class WindowRowsTest {

    @Test
    void columnTypeNestsOneArrayPerRank() {
        assertEquals(DataTypes.FloatType, OutputSchema.columnType(ElementType.FLOAT32, 0));
        assertEquals(ArrayType.apply(ArrayType.apply(DataTypes.DoubleType, false), false),
                OutputSchema.columnType(ElementType.FLOAT64, 2));
    }
}
