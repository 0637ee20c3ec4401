package io.lstmspark.output.parquet;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.ValuesWriter;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.unsafe.Platform;

/**
 * One column of float or double arrays (nested to any depth, no null elements), written as Parquet data
 * pages of PLAIN values: each innermost array's values are copied in one block from Spark's row, where
 * Parquet's column writer takes them one at a time. Levels go through Parquet's own level encoders, and
 * pages through its page writer (compression, headers, checksums).
 */
final class BulkArrayColumn {

    /** Parquet's PLAIN floats and doubles are little-endian, as Spark's rows hold them on such CPUs. */
    static final boolean NATIVE_ORDER_IS_PLAIN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private final int ordinal;
    private final ColumnDescriptor column;
    private final int depth;
    private final int valueBytes;
    /** 1 when the column itself may be null: a present value then counts one definition level. */
    private final int presentLevel;
    private final ParquetProperties properties;
    private final int pageBytes;

    private ValuesWriter repetitionLevels;
    private ValuesWriter definitionLevels;
    private byte[] values;
    private int valuesLength;
    private int pageValues;
    private int pageRows;
    private PageWriter pages;

    /**
     * @param ordinal  the column's position in the rows
     * @param type     an array type {@link #supports supported}
     * @param nullable whether the column may hold nulls
     */
    BulkArrayColumn(int ordinal, DataType type, boolean nullable, ColumnDescriptor column, ParquetProperties properties) {
        this.ordinal = ordinal;
        this.column = column;
        this.depth = depth(type);
        this.valueBytes = leaf(type) == DataTypes.FloatType ? Float.BYTES : Double.BYTES;
        this.presentLevel = nullable ? 1 : 0;
        this.properties = properties;
        this.pageBytes = properties.getPageSizeThreshold();
        this.values = new byte[Math.max(pageBytes, 1024)];
        if (column.getMaxRepetitionLevel() != depth || column.getMaxDefinitionLevel() != depth + presentLevel) {
            throw new IllegalArgumentException("column " + Arrays.toString(column.getPath()) + " has levels "
                    + column.getMaxRepetitionLevel() + "/" + column.getMaxDefinitionLevel() + ", not those of " + type);
        }
    }

    /** Arrays of arrays ... of float or double, with no null elements at any depth. */
    static boolean supports(DataType type) {
        if (!(type instanceof ArrayType array) || array.containsNull()) {
            return false;
        }
        DataType element = array.elementType();
        return element == DataTypes.FloatType || element == DataTypes.DoubleType || supports(element);
    }

    private static int depth(DataType type) {
        return type instanceof ArrayType array ? 1 + depth(array.elementType()) : 0;
    }

    private static DataType leaf(DataType type) {
        return type instanceof ArrayType array ? leaf(array.elementType()) : type;
    }

    ColumnDescriptor descriptor() {
        return column;
    }

    /** Starts a row group: pages go to {@code pages} from now on. */
    void startRowGroup(PageWriter pages) {
        this.pages = pages;
        repetitionLevels = properties.newRepetitionLevelWriter(column);
        definitionLevels = properties.newDefinitionLevelWriter(column);
    }

    void write(InternalRow row) throws IOException {
        if (row.isNullAt(ordinal)) {
            levels(0, 0);
        } else {
            write(row.getArray(ordinal), 1, 0, presentLevel);
        }
        pageRows++;
        if (valuesLength >= pageBytes || pageRows >= properties.getPageRowCountLimit()) {
            writePage();
        }
    }

    /**
     * Writes an array at nesting {@code level} (1 the outermost) whose first value repeats at
     * {@code repetition} and whose enclosing lists are defined up to {@code definition}.
     */
    private void write(ArrayData array, int level, int repetition, int definition) {
        int n = array.numElements();
        if (n == 0) {
            levels(repetition, definition);
        } else if (level == depth) {
            levels(repetition, definition + 1);
            for (int i = 1; i < n; i++) {
                levels(level, definition + 1);
            }
            copyValues(array, n);
        } else {
            for (int i = 0; i < n; i++) {
                write(array.getArray(i), level + 1, i == 0 ? repetition : level, definition + 1);
            }
        }
    }

    /** One entry of the page: a value's levels, or those of an empty or null list. */
    private void levels(int repetition, int definition) {
        repetitionLevels.writeInteger(repetition);
        definitionLevels.writeInteger(definition);
        pageValues++;
    }

    private void copyValues(ArrayData array, int n) {
        int bytes = n * valueBytes;
        if (valuesLength + bytes > values.length) {
            values = Arrays.copyOf(values, Math.max(values.length * 2, valuesLength + bytes));
        }
        long target = Platform.BYTE_ARRAY_OFFSET + valuesLength;
        if (array instanceof UnsafeArrayData unsafe) {
            Platform.copyMemory(unsafe.getBaseObject(),
                    unsafe.getBaseOffset() + UnsafeArrayData.calculateHeaderPortionInBytes(n), values, target, bytes);
        } else if (valueBytes == Float.BYTES) {
            for (int i = 0; i < n; i++) {
                Platform.putFloat(values, target + (long) i * Float.BYTES, array.getFloat(i));
            }
        } else {
            for (int i = 0; i < n; i++) {
                Platform.putDouble(values, target + (long) i * Double.BYTES, array.getDouble(i));
            }
        }
        valuesLength += bytes;
    }

    /** The bytes held for the row group: its pages written so far and the page being filled. */
    long bufferedBytes() {
        return pages.getMemSize() + valuesLength + repetitionLevels.getBufferedSize()
                + definitionLevels.getBufferedSize();
    }

    /** Writes the page being filled, if it holds any row. */
    void finishRowGroup() throws IOException {
        if (pageRows > 0) {
            writePage();
        }
        repetitionLevels.close();
        definitionLevels.close();
    }

    private void writePage() throws IOException {
        pages.writePage(BytesInput.concat(repetitionLevels.getBytes(), definitionLevels.getBytes(),
                        BytesInput.from(values, 0, valuesLength)), pageValues, pageRows,
                Statistics.noopStats(column.getPrimitiveType()), repetitionLevels.getEncoding(),
                definitionLevels.getEncoding(), Encoding.PLAIN);
        repetitionLevels.reset();
        definitionLevels.reset();
        valuesLength = 0;
        pageValues = 0;
        pageRows = 0;
    }
}
