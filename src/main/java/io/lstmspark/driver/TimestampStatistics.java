package io.lstmspark.driver;

import java.util.Optional;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * The range of a timestamp column in one Parquet file, from its row groups' statistics: INT64 timestamps
 * adjusted to UTC (what Spark reads as {@code timestamp}) carry exact minima and maxima, so forecast mode
 * can find the latest timestamp and the files that hold its history without reading any row.
 *
 * @param rows      whether the file has any row with a timestamp
 * @param nulls     whether it may have rows without one (which forecast mode reads too)
 * @param minMicros the earliest timestamp, microseconds since the epoch
 * @param maxMicros the latest
 */
record TimestampStatistics(boolean rows, boolean nulls, long minMicros, long maxMicros) {

    /** The file's range, or empty when its statistics cannot tell (another type, INT96, a row group without). */
    static Optional<TimestampStatistics> of(ParquetMetadata footer, String column) {
        MessageType schema = footer.getFileMetaData().getSchema();
        if (!schema.containsField(column)) {
            return Optional.empty();
        }
        Type type = schema.getType(column);
        if (!type.isPrimitive()
                || type.asPrimitiveType().getPrimitiveTypeName() != PrimitiveType.PrimitiveTypeName.INT64
                || !(type.getLogicalTypeAnnotation()
                instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation timestamp)
                || !timestamp.isAdjustedToUTC()) {
            return Optional.empty();
        }
        boolean rows = false;
        boolean nulls = false;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (BlockMetaData block : footer.getBlocks()) {
            if (block.getRowCount() == 0) {
                continue;
            }
            ColumnChunkMetaData chunk = block.getColumns().stream()
                    .filter(c -> c.getPath().toDotString().equals(column)).findFirst().orElse(null);
            Statistics<?> statistics = chunk == null ? null : chunk.getStatistics();
            if (statistics == null || statistics.isEmpty()) {
                return Optional.empty();
            }
            nulls |= statistics.getNumNulls() != 0;
            if (!statistics.hasNonNullValue()) {
                continue;
            }
            rows = true;
            min = Math.min(min, micros((Long) statistics.genericGetMin(), timestamp.getUnit()));
            max = Math.max(max, micros((Long) statistics.genericGetMax(), timestamp.getUnit()));
        }
        return Optional.of(new TimestampStatistics(rows, nulls, min, max));
    }

    /** Whether the file may hold a row forecast mode reads: a timestamp in [fromMicros, toMicros], or none. */
    boolean needed(long fromMicros, long toMicros) {
        return nulls || rows && maxMicros >= fromMicros && minMicros <= toMicros;
    }

    private static long micros(long value, LogicalTypeAnnotation.TimeUnit unit) {
        return switch (unit) {
            case MILLIS -> Math.multiplyExact(value, 1000L);
            case MICROS -> value;
            case NANOS -> Math.floorDiv(value, 1000L);
        };
    }
}
