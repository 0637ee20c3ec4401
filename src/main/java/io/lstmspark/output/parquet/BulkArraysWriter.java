package io.lstmspark.output.parquet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetOutputFormat;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.ProjectingInternalRow;
import org.apache.spark.sql.execution.datasources.OutputWriter;
import org.apache.spark.sql.execution.datasources.parquet.ParquetWriteSupport;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Writes one Parquet file as Spark's own writer would (the same schema, footer metadata and settings),
 * except that float and double array columns go in bulk ({@link BulkArrayColumn}); Spark's
 * {@link ParquetWriteSupport} still writes every other column, value by value.
 */
final class BulkArraysWriter extends OutputWriter {

    private final String path;
    private final ParquetFileWriter file;
    private final MessageType schema;
    private final Map<String, String> footer;
    private final ParquetProperties properties;
    private final BytesInputCompressor compressor;
    private final CodecFactory codecs;
    private final long rowGroupBytes;

    private final ParquetWriteSupport otherColumns;
    private final MessageType otherSchema;
    private final ProjectingInternalRow otherValues;
    private final List<BulkArrayColumn> arrays;

    private ColumnChunkPageWriteStore pages;
    private ColumnWriteStore otherStore;
    private long rowGroupRows;
    private long rowsForNextSizeCheck;
    /** A write failed: the task fails, and its file gets no footer (Spark's commit protocol removes it). */
    private boolean failed;

    /**
     * @param whole what Spark's writer makes of the configuration: the file's Parquet schema and footer
     */
    BulkArraysWriter(String path, StructType dataSchema, Configuration conf, WriteSupport.WriteContext whole,
                     ParquetProperties properties) {
        this.path = path;
        this.properties = properties;
        this.rowGroupBytes = ParquetOutputFormat.getLongBlockSize(conf);
        this.schema = whole.getSchema();
        this.footer = new HashMap<>(whole.getExtraMetaData());

        List<StructField> others = new ArrayList<>();
        List<Object> otherOrdinals = new ArrayList<>();
        List<BulkArrayColumn> arrayColumns = new ArrayList<>();
        StructField[] fields = dataSchema.fields();
        for (int i = 0; i < fields.length; i++) {
            if (BulkArrayColumn.supports(fields[i].dataType())) {
                arrayColumns.add(new BulkArrayColumn(i, fields[i].dataType(), fields[i].nullable(),
                        leafColumn(schema, fields[i].name()), properties));
            } else {
                others.add(fields[i]);
                otherOrdinals.add(i);
            }
        }
        this.arrays = List.copyOf(arrayColumns);
        StructType otherType = new StructType(others.toArray(StructField[]::new));
        Configuration otherConf = new Configuration(conf);
        ParquetWriteSupport.setSchema(otherType, otherConf);
        this.otherColumns = new ParquetWriteSupport();
        this.otherSchema = otherColumns.init(otherConf).getSchema();
        for (Type field : otherSchema.getFields()) {
            if (!field.equals(schema.getType(field.getName()))) {
                throw new IllegalStateException("Spark writes column " + field.getName() + " as " + field
                        + " without the arrays, and as " + schema.getType(field.getName()) + " with them");
            }
        }
        this.otherValues = new ProjectingInternalRow(otherType,
                CollectionConverters.asScala(otherOrdinals).toIndexedSeq());

        this.codecs = new CodecFactory(conf, properties.getPageSizeThreshold());
        this.compressor = codecs.getCompressor(ParquetOutputFormat.getCompression(conf));
        try {
            this.file = new ParquetFileWriter(HadoopOutputFile.fromPath(new Path(path), conf), schema,
                    ParquetFileWriter.Mode.CREATE, rowGroupBytes,
                    conf.getInt(ParquetOutputFormat.MAX_PADDING_BYTES, ParquetWriter.MAX_PADDING_SIZE_DEFAULT),
                    null, properties);
            file.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + path, e);
        }
        startRowGroup();
    }

    /** The one leaf of a list column, whatever the list layout names its groups. */
    static ColumnDescriptor leafColumn(MessageType schema, String column) {
        return schema.getColumns().stream().filter(leaf -> leaf.getPath()[0].equals(column)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no Parquet column for " + column));
    }

    @Override
    public void write(InternalRow row) {
        try {
            otherValues.project(row);
            otherColumns.write(otherValues);
            for (BulkArrayColumn array : arrays) {
                array.write(row);
            }
            rowGroupRows++;
            if (rowGroupRows >= rowsForNextSizeCheck) {
                checkRowGroupSize();
            }
        } catch (IOException e) {
            failed = true;
            throw new UncheckedIOException("cannot write " + path, e);
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    private void checkRowGroupSize() throws IOException {
        long bytes = otherStore.getBufferedSize();
        for (BulkArrayColumn array : arrays) {
            bytes += array.bufferedBytes();
        }
        long rowBytes = Math.max(1, bytes / rowGroupRows);
        if (bytes >= rowGroupBytes - 2 * rowBytes || rowGroupRows >= properties.getRowGroupRowCountLimit()) {
            finishRowGroup();
            startRowGroup();
        } else {
            // Half way to the expected end, as Parquet's own writer checks.
            rowsForNextSizeCheck = rowGroupRows + Math.max(properties.getMinRowCountForPageSizeCheck(),
                    Math.min(properties.getMaxRowCountForPageSizeCheck(), (rowGroupBytes - bytes) / rowBytes / 2));
        }
    }

    private void startRowGroup() {
        pages = new ColumnChunkPageWriteStore(compressor, schema, properties.getAllocator(),
                properties.getColumnIndexTruncateLength(), properties.getPageWriteChecksumEnabled());
        otherStore = properties.newColumnWriteStore(otherSchema, pages);
        otherColumns.prepareForWrite(new ColumnIOFactory(false).getColumnIO(otherSchema).getRecordWriter(otherStore));
        for (BulkArrayColumn array : arrays) {
            array.startRowGroup(pages.getPageWriter(array.descriptor()));
        }
        rowGroupRows = 0;
        rowsForNextSizeCheck = properties.getMinRowCountForPageSizeCheck();
    }

    private void finishRowGroup() throws IOException {
        try {
            if (rowGroupRows > 0) {
                file.startBlock(rowGroupRows);
                otherStore.flush();
                for (BulkArrayColumn array : arrays) {
                    array.finishRowGroup();
                }
                pages.flushToFileWriter(file);
                file.endBlock();
            }
        } finally {
            otherStore.close();
            pages.close();
        }
    }

    @Override
    public void close() {
        try {
            if (failed) {
                file.close();
                return;
            }
            finishRowGroup();
            Map<String, String> metadata = new HashMap<>(footer);
            metadata.putAll(otherColumns.finalizeWrite().getExtraMetaData());
            if (otherColumns.getName() != null) {
                metadata.put(ParquetWriter.OBJECT_MODEL_NAME_PROP, otherColumns.getName());
            }
            file.end(metadata);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot finish " + path, e);
        } finally {
            codecs.release();
        }
    }

    @Override
    public String path() {
        return path;
    }
}
