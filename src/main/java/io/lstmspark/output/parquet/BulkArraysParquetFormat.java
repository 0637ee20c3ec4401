package io.lstmspark.output.parquet;

import java.util.Arrays;
import java.util.stream.StreamSupport;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.crypto.EncryptionPropertiesFactory;
import org.apache.parquet.hadoop.ParquetOutputFormat;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.OutputWriter;
import org.apache.spark.sql.execution.datasources.OutputWriterFactory;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.execution.datasources.parquet.ParquetWriteSupport;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.Map;

/**
 * Spark's Parquet format, with one difference on write: files whose columns include float or double
 * arrays are written by {@link BulkArraysWriter}, which copies each array's values in one block. The
 * files are the same Parquet Spark writes (schema, footer, encodings, compression), read back by any
 * reader. Settings the bulk path does not cover (Parquet's v2 pages, encryption, bloom filters, statistics
 * or dictionaries on the array columns) leave the write to Spark's own writer, as does the write option
 * {@value #BULK_ARRAYS} = false.
 *
 * <p>Used by class name: {@code rows.write().format(BulkArraysParquetFormat.class.getName())}.
 */
public final class BulkArraysParquetFormat extends ParquetFileFormat {

    /** The write option that, set to false, leaves every file to Spark's writer. */
    public static final String BULK_ARRAYS = "lstmspark.bulk-arrays";

    @Override
    public OutputWriterFactory prepareWrite(SparkSession spark, Job job, Map<String, String> options,
                                            StructType dataSchema) {
        OutputWriterFactory sparks = super.prepareWrite(spark, job, options, dataSchema);
        boolean anyArrays = Arrays.stream(dataSchema.fields()).anyMatch(f -> BulkArrayColumn.supports(f.dataType()));
        boolean optedOut = options.get(BULK_ARRAYS).exists("false"::equalsIgnoreCase);
        return anyArrays && !optedOut && BulkArrayColumn.NATIVE_ORDER_IS_PLAIN ? new Factory(sparks) : sparks;
    }

    /** Spark's factory's file names; each file written in bulk when its task's settings allow. */
    private static final class Factory extends OutputWriterFactory {

        private final OutputWriterFactory sparks;

        Factory(OutputWriterFactory sparks) {
            this.sparks = sparks;
        }

        @Override
        public String getFileExtension(TaskAttemptContext context) {
            return sparks.getFileExtension(context);
        }

        @Override
        public OutputWriter newInstance(String path, StructType dataSchema, TaskAttemptContext context) {
            Configuration conf = context.getConfiguration();
            WriteSupport.WriteContext file = new ParquetWriteSupport().init(conf);
            ParquetProperties properties = properties(conf, file.getSchema());
            return bulkWritable(conf, properties, file.getSchema(), dataSchema)
                    ? new BulkArraysWriter(path, dataSchema, conf, file, properties)
                    : sparks.newInstance(path, dataSchema, context);
        }
    }

    /** Parquet's write settings as Parquet's own output format reads them from the job's configuration. */
    static ParquetProperties properties(Configuration conf, MessageType schema) {
        ParquetProperties.Builder builder = ParquetProperties.builder()
                .withPageSize(ParquetOutputFormat.getPageSize(conf))
                .withDictionaryPageSize(ParquetOutputFormat.getDictionaryPageSize(conf))
                .withDictionaryEncoding(ParquetOutputFormat.getEnableDictionary(conf))
                .withWriterVersion(ParquetOutputFormat.getWriterVersion(conf))
                .estimateRowCountForPageSizeCheck(ParquetOutputFormat.getEstimatePageSizeCheck(conf))
                .withMinRowCountForPageSizeCheck(ParquetOutputFormat.getMinRowCountForPageSizeCheck(conf))
                .withMaxRowCountForPageSizeCheck(ParquetOutputFormat.getMaxRowCountForPageSizeCheck(conf))
                .withPageValueCountThreshold(ParquetOutputFormat.getValueCountThreshold(conf))
                .withColumnIndexTruncateLength(conf.getInt(ParquetOutputFormat.COLUMN_INDEX_TRUNCATE_LENGTH,
                        ParquetProperties.DEFAULT_COLUMN_INDEX_TRUNCATE_LENGTH))
                .withStatisticsTruncateLength(conf.getInt(ParquetOutputFormat.STATISTICS_TRUNCATE_LENGTH,
                        ParquetProperties.DEFAULT_STATISTICS_TRUNCATE_LENGTH))
                .withRowGroupRowCountLimit(conf.getInt(ParquetOutputFormat.BLOCK_ROW_COUNT_LIMIT,
                        ParquetProperties.DEFAULT_ROW_GROUP_ROW_COUNT_LIMIT))
                .withPageRowCountLimit(conf.getInt(ParquetOutputFormat.PAGE_ROW_COUNT_LIMIT,
                        ParquetProperties.DEFAULT_PAGE_ROW_COUNT_LIMIT))
                .withPageWriteChecksumEnabled(ParquetOutputFormat.getPageWriteChecksumEnabled(conf))
                .withStatisticsEnabled(ParquetOutputFormat.getStatisticsEnabled(conf));
        // Per-column settings, as "parquet.enable.dictionary#series_id" or "...#h.array".
        for (ColumnDescriptor leaf : schema.getColumns()) {
            String column = ColumnPath.get(leaf.getPath()).toDotString();
            String dictionary = conf.get(ParquetOutputFormat.ENABLE_DICTIONARY + "#" + column);
            if (dictionary != null) {
                builder.withDictionaryEncoding(column, Boolean.parseBoolean(dictionary));
            }
            builder.withStatisticsEnabled(column, ParquetOutputFormat.getStatisticsEnabled(conf, column));
        }
        return builder.build();
    }

    /** Whether these settings leave nothing for the array columns but PLAIN values in v1 pages. */
    static boolean bulkWritable(Configuration conf, ParquetProperties properties, MessageType schema,
                                StructType dataSchema) {
        if (properties.getWriterVersion() != ParquetProperties.WriterVersion.PARQUET_1_0
                || conf.get(EncryptionPropertiesFactory.CRYPTO_FACTORY_CLASS_PROPERTY_NAME) != null
                || StreamSupport.stream(conf.spliterator(), false)
                .anyMatch(e -> e.getKey().startsWith(ParquetOutputFormat.BLOOM_FILTER_ENABLED)
                        && Boolean.parseBoolean(e.getValue()))) {
            return false;
        }
        return Arrays.stream(dataSchema.fields()).filter(f -> BulkArrayColumn.supports(f.dataType()))
                .map(f -> BulkArraysWriter.leafColumn(schema, f.name()))
                .allMatch(leaf -> !properties.getStatisticsEnabled(leaf) && !properties.isDictionaryEnabled(leaf));
    }
}
